import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';

type TeamCoverage = Answer<'/patrols/coverage/team'>;

/** Shares under 10 % are read to two decimals: one cell of a district's 4,571 is 0.02 %. */
function percent(share: number): string {
  const value = share * 100;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)}%`;
}

/** 有效巡查: this week's share of each grid worker's unit grids their patrols passed, for their supervisor. */
export function PatrolCoverage() {
  const { t, date } = useI18n();
  const [team, setTeam] = useState<TeamCoverage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<TeamCoverage>('/patrols/coverage/team')
      .then(setTeam)
      .catch((e) => setError(errorText(e)));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!team) return <p>{t('loading')}</p>;
  return (
    <section data-testid="patrol-coverage">
      <h2>{t('patrolCoverage')}</h2>
      <p class="hint">{t('patrolCoverageSince').replace('{date}', date(team.weekStart))}</p>
      <table class="cases">
        <thead>
          <tr>
            <th>{t('gridWorker')}</th>
            <th>{t('patrolCellsVisited')}</th>
            <th>{t('patrolShare')}</th>
          </tr>
        </thead>
        <tbody>
          {team.workers.map((w) => (
            <tr key={w.username} data-user={w.username}>
              <td>{w.displayName}</td>
              <td>
                {w.visited} / {w.unitCells}
              </td>
              <td>
                <span class="coverage-bar" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, w.share * 100)}%` }} />
                </span>{' '}
                {w.unitCells ? percent(w.share) : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
