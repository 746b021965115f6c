import { useEffect, useState } from 'preact/hooks';
import { api, type Me } from '../api.ts';
import { FirstContact } from '../components/evaluation/FirstContact.tsx';
import { Leaderboard } from '../components/evaluation/Leaderboard.tsx';
import { PeopleSection } from '../components/evaluation/PeopleSection.tsx';
import { RankingSection } from '../components/evaluation/RankingSection.tsx';
import '../components/evaluation/evaluation.css';
import type { Answer } from '../api-shapes.ts';
import { useEvaluationText } from '../components/evaluation/messages.ts';
import { currentCityMonth } from '../components/evaluation/types.ts';
import { useI18n } from '../i18n.ts';
import { linkTo, navigate } from '../router.ts';

const GROUPS = ['body', 'district', 'street', 'community', 'grid'];
const TABS = ['ranking', 'dispatchers', 'gridWorkers', 'points'] as const;
type Tab = (typeof TABS)[number];

type Periods = Answer<'/evaluation/periods'>;

/**
 * The comprehensive evaluation (综合评价): bodies and areas ranked for a month, the desk's dispatchers,
 * grid workers and the points leaderboard. The month, grouping and tab live in the URL, so a view can be
 * shared; without a month it opens on the latest month with dispatches (GET /evaluation/periods). A
 * handler sees their own body's row, ranked among all bodies, and the leaderboard.
 */
export function Evaluation({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t, term } = useI18n();
  const say = useEvaluationText();
  const [periods, setPeriods] = useState<Periods | null>(null);
  useEffect(() => {
    api<Periods>('/evaluation/periods')
      .then(setPeriods)
      .catch(() => setPeriods({ months: [], latest: null }));
  }, []);
  const asked = /^\d{4}-\d{2}$/.test(query.get('month') ?? '') ? query.get('month')! : null;
  const month = asked ?? (periods ? (periods.latest ?? currentCityMonth()) : null);
  const ownRowOnly = me.role === 'handler';
  const group = !ownRowOnly && GROUPS.includes(query.get('group') ?? '') ? query.get('group')! : 'body';
  const tabs: readonly Tab[] = me.role === 'handler' ? ['ranking', 'points'] : TABS;
  const tab: Tab = tabs.find((x) => x === query.get('tab')) ?? 'ranking';

  const to = (changes: Record<string, string>) => {
    const params = new URLSearchParams({ month: month ?? '', group, tab, ...changes });
    return `/evaluation?${params}`;
  };
  const latest = periods?.latest ?? null;
  const empty = latest !== null && !periods?.months.some((m) => m.month === month);

  if (!month) return <p>{t('loading')}</p>;

  return (
    <section class="evaluation" data-testid="evaluation">
      <h1>{t('evaluation')}</h1>
      <div class="filters">
        <label class="inline">
          {t('month')}
          <input
            type="month"
            value={month}
            data-testid="evaluation-month"
            onChange={(e) => {
              const value = (e.target as HTMLInputElement).value;
              if (value) navigate(to({ month: value }));
            }}
          />
        </label>
        {tab === 'ranking' && !ownRowOnly && (
          <label class="inline">
            {t('groupBy')}
            <select
              value={group}
              data-testid="evaluation-group"
              onChange={(e) => navigate(to({ group: (e.target as HTMLSelectElement).value }))}
            >
              {GROUPS.map((g) => (
                <option key={g} value={g}>
                  {term(`group_${g}`)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <nav class="tabs">
        {tabs.map((x) => (
          <a key={x} {...linkTo(to({ tab: x }))} class={x === tab ? 'current' : ''} data-testid={`evaluation-tab-${x}`}>
            {t(
              x === 'ranking'
                ? 'rankingTab'
                : x === 'dispatchers'
                  ? 'dispatchersTab'
                  : x === 'gridWorkers'
                    ? 'gridWorkersTab'
                    : 'pointsTab',
            )}
          </a>
        ))}
      </nav>
      {empty && (
        <p class="notice" data-testid="no-data-month">
          {say('noDataThisMonth', { month })}{' '}
          <a {...linkTo(to({ month: latest! }))} data-testid="latest-month">
            {latest}
          </a>
        </p>
      )}
      {!ownRowOnly && tab === 'ranking' && <FirstContact month={month} />}
      {ownRowOnly && tab === 'ranking' && <p class="hint">{t('ownBodyOnly')}</p>}
      {tab === 'ranking' && (
        <RankingSection
          month={month}
          group={group}
          mayEditWeights={['supervisor', 'admin'].includes(me.role)}
          ownRowOnly={ownRowOnly}
        />
      )}
      {tab === 'dispatchers' && <PeopleSection kind="dispatchers" month={month} />}
      {tab === 'gridWorkers' && <PeopleSection kind="gridWorkers" month={month} />}
      {tab === 'points' && <Leaderboard month={month} />}
    </section>
  );
}
