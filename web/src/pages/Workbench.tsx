import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { statusQuery, useCasePages } from '../case-pages.ts';
import { WorkbenchCard } from '../components/WorkbenchCard.tsx';
import { useI18n } from '../i18n.ts';
import { linkTo } from '../router.ts';

/** The two queues of the desk: new cases, and cases back for another dispatch (returned, reopened). */
const VIEWS = {
  new: ['reported', 'registered'],
  redispatch: ['returned', 'reopened'],
} as const;
type View = keyof typeof VIEWS;

/** The dispatcher's workbench (派单工作台): the cases waiting for the desk, newest first, ten at a time. */
export function Workbench({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const view: View = query.get('view') === 'redispatch' ? 'redispatch' : 'new';
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [version, setVersion] = useState(0);
  const { items, loading, error, more } = useCasePages(statusQuery(VIEWS[view], { limit: '10' }), version);

  const loadCounts = () =>
    api<{ byStatus: Record<string, number> }>(`/cases/counts?${statusQuery([...VIEWS.new, ...VIEWS.redispatch])}`).then(
      (c) => setCounts(c.byStatus),
    );
  useEffect(() => {
    void loadCounts();
  }, []);
  const count = (v: View) => VIEWS[v].reduce((sum, s) => sum + (counts[s] ?? 0), 0);

  return (
    <section class="workbench" data-testid="workbench">
      <h1>{t('workbench')}</h1>
      <nav class="tabs">
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <a
            key={v}
            {...linkTo(`/workbench?view=${v}`)}
            class={v === view ? 'current' : ''}
            data-testid={`workbench-view-${v}`}
          >
            {t(v === 'new' ? 'newCases' : 'waitingRedispatch')} ({count(v)})
          </a>
        ))}
        <button type="button" class="secondary small" onClick={() => setVersion((x) => x + 1)}>
          {t('refresh')}
        </button>
      </nav>
      {error && <p class="error">{error}</p>}
      {items.map((c) => (
        <WorkbenchCard key={`${c.caseNumber}-${version}`} summary={c} statuses={VIEWS[view]} onChanged={loadCounts} />
      ))}
      {!loading && items.length === 0 && <p class="empty">{t('nothingWaiting')}</p>}
      {loading && <p class="empty">{t('loading')}</p>}
      {more && !loading && (
        <button type="button" class="secondary" onClick={more}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
