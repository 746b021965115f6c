import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';

type LeaderboardRow = Answer<'/points/leaderboard'>['rows'][number];

/** The body types outside government that the leaderboard can be narrowed to (评选 of social forces). */
const SOCIAL_TYPES = ['community_committee', 'enterprise', 'ngo', 'volunteer_team'];

/** Bodies by points earned in the month (on time, verified first time, satisfied reporters). */
export function Leaderboard({ month }: { month: string }) {
  const { t, term, name } = useI18n();
  const [types, setTypes] = useState<string[]>([]);
  const [rows, setRows] = useState<LeaderboardRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const params = new URLSearchParams({ month });
    for (const type of types) params.append('type', type);
    setRows(null);
    api<{ rows: LeaderboardRow[] }>(`/points/leaderboard?${params}`)
      .then((d) => {
        setRows(d.rows);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  }, [month, types.join(',')]);

  const toggle = (type: string) =>
    setTypes((current) => (current.includes(type) ? current.filter((x) => x !== type) : [...current, type]));

  return (
    <section data-testid="leaderboard-section">
      <fieldset class="type-filter">
        <legend>{t('bodyTypes')}</legend>
        {SOCIAL_TYPES.map((type) => (
          <label key={type} class="inline">
            <input
              type="checkbox"
              checked={types.includes(type)}
              onChange={() => toggle(type)}
              data-testid={`type-${type}`}
            />
            {term(type)}
          </label>
        ))}
        <span class="hint">{t('allTypesHint')}</span>
      </fieldset>
      {error && <p class="error">{error}</p>}
      {!rows && !error && <p>{t('loading')}</p>}
      {rows && (
        <table class="cases ranking" data-testid="leaderboard">
          <thead>
            <tr>
              <th>{t('rank')}</th>
              <th>{t('body')}</th>
              <th>{t('bodyType')}</th>
              <th title={t('pointsDefinition')}>{t('points')}</th>
              <th>{t('awards')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.bodyId} data-key={r.bodyId}>
                <td class="num">{r.rank}</td>
                <td>{name(r)}</td>
                <td>{term(r.type)}</td>
                <td class="num">{r.points}</td>
                <td class="num">{r.awards}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows?.length === 0 && <p class="empty">{t('noEvaluation')}</p>}
      <p class="hint">{t('pointsDefinition')}</p>
    </section>
  );
}
