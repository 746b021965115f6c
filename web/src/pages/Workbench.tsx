import './desk.css';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type BatchResult, type CaseDetail, type DeskCase, type DeskPage, errorText } from '../api.ts';
import { BodyName } from '../components/BodyName.tsx';
import { CaseLink } from '../components/CaseLink.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { WorkbenchCard } from '../components/WorkbenchCard.tsx';
import { useI18n } from '../i18n.ts';
import { useCaseChanges } from '../live.ts';
import { useReference } from '../reference-data.ts';
import { linkTo, navigate } from '../router.ts';
import { type DeskTextKey, useDeskText } from './desk-text.ts';

/** The desk's two queues (the server's views): new cases, and cases back for another dispatch. */
const VIEWS = { new: ['reported', 'registered'], redispatch: ['returned', 'reopened'] } as const;
type View = keyof typeof VIEWS;

/** How often the desk looks for new cases by itself (and whenever the window comes back into focus). */
const PAGE_SIZE = 100;

const AGES: Record<string, { label: DeskTextKey; query: Record<string, string> }> = {
  '': { label: 'anyAge', query: {} },
  new: { label: 'ageNew', query: { maxAgeMinutes: '60' } },
  over1h: { label: 'ageOver1h', query: { minAgeMinutes: '60' } },
  over4h: { label: 'ageOver4h', query: { minAgeMinutes: '240' } },
  over24h: { label: 'ageOver24h', query: { minAgeMinutes: '1440' } },
};
const SORTS: Record<string, DeskTextKey> = { oldest: 'sortOldest', newest: 'sortNewest', priority: 'sortPriority' };
const CHANNELS = ['hotline', 'web', 'grid_patrol', 'open311', 'import', 'sensor'];

interface Filters {
  category: string;
  gridCode: string;
  channel: string;
  age: string;
  sort: string;
  q: string;
}

/** What became of a case the dispatcher acted on since the list was loaded. */
type Outcome = { state: 'working' } | { state: 'done'; status: string; bodyId: string | null } | { error: string };

/** The keys, as the help lists them. */
const KEYS: Array<[string, DeskTextKey]> = [
  ['j / ↓ · k / ↑', 'keyMove'],
  ['Enter', 'keyOpen'],
  ['d', 'keyDispatch'],
  ['e', 'keyExpand'],
  ['x', 'keySelect'],
  ['Shift+D', 'keyBatchDispatch'],
  ['Shift+R', 'keyBatchRegister'],
  ['Shift+C', 'keyBatchCancel'],
  ['/', 'keyFilter'],
  ['?', 'keyHelp'],
  ['Esc', 'keyEscape'],
];

/**
 * The dispatcher's desk (派单工作台): the waiting cases as dense rows with their description and where the
 * routing suggests they go, worked with the keyboard (one key registers and dispatches a case to its
 * suggestion), filtered and sorted on the server, refreshed by itself without losing the dispatcher's place.
 */
export function Workbench({ query }: { query: URLSearchParams }) {
  const { t, term, name } = useI18n();
  const text = useDeskText();
  const { categories, areas } = useReference();
  const view: View = query.get('view') === 'redispatch' ? 'redispatch' : 'new';
  const [filters, setFilters] = useState<Filters>({
    category: '',
    gridCode: '',
    channel: '',
    age: '',
    sort: 'oldest',
    q: '',
  });
  const [page, setPage] = useState<DeskPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const latest = useRef(0);

  const queryString = useMemo(() => {
    const params = new URLSearchParams({
      view,
      sort: filters.sort,
      limit: String(PAGE_SIZE),
      ...AGES[filters.age]!.query,
    });
    for (const key of ['category', 'gridCode', 'channel', 'q'] as const) {
      if (filters[key].trim()) params.set(key, filters[key].trim());
    }
    return params.toString();
  }, [view, filters]);

  // A reload keeps the dispatcher's place: the same case if it is still listed, else the row at the same
  // position (the one that moved up into it). A case acted on here has left the queue, but it stays on the
  // desk where it was, marked with what was done, until the view or a filter changes: the dispatcher sees
  // it went, and the live refresh its own step causes does not pull the rows from under the keyboard.
  const rows = page?.items ?? [];
  const outcomesNow = useRef(outcomes);
  outcomesNow.current = outcomes;
  const loadedFor = useRef<string | null>(null);
  const pageNow = useRef(page);
  pageNow.current = page;
  const load = async () => {
    const request = ++latest.current;
    try {
      const answer = await api<DeskPage>(`/cases/desk?${queryString}`);
      if (request !== latest.current) return;
      const sameView = loadedFor.current === queryString;
      loadedFor.current = queryString;
      const isDone = (caseNumber: string) => {
        const outcome = outcomesNow.current[caseNumber];
        return sameView && outcome !== undefined && 'state' in outcome && outcome.state === 'done';
      };
      const previous = pageNow.current;
      const listed = new Set(answer.items.map((c) => c.caseNumber));
      const items = [...answer.items];
      (previous?.items ?? []).forEach((c, i) => {
        if (!listed.has(c.caseNumber) && isDone(c.caseNumber)) items.splice(Math.min(i, items.length), 0, c);
      });
      const shown: DeskPage = { ...answer, items };
      pageNow.current = shown;
      setPage(shown);
      setCurrent((focused) => {
        if (focused && items.some((c) => c.caseNumber === focused)) return focused;
        const at = Math.max(0, previous?.items.findIndex((c) => c.caseNumber === focused) ?? 0);
        return items[Math.min(at, items.length - 1)]?.caseNumber ?? null;
      });
      const onDesk = (n: string) => shown.items.some((c) => c.caseNumber === n);
      setOutcomes((all) => Object.fromEntries(Object.entries(all).filter(([n]) => onDesk(n))));
      setSelected((all) => new Set([...all].filter((n) => onDesk(n) && !isDone(n))));
      setRefreshedAt(new Date());
      setError(null);
    } catch (e) {
      if (request === latest.current) setError(errorText(e));
    }
  };

  // Typing in the search box waits for a pause; every other filter applies at once.
  useEffect(() => {
    const timer = setTimeout(() => void load(), filters.q ? 300 : 0);
    return () => clearTimeout(timer);
  }, [queryString]);
  // Cases arriving or moving on, whoever moved them, refresh the desk at once (live); so does coming back.
  useCaseChanges(() => void load());
  useEffect(() => {
    const onFocus = () => void load();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [queryString]);

  const index = rows.findIndex((c) => c.caseNumber === current);
  const pending = (c: DeskCase) => !outcomes[c.caseNumber] || 'error' in outcomes[c.caseNumber]!;

  const move = (step: number) => {
    if (rows.length === 0) return;
    const next = Math.min(rows.length - 1, Math.max(0, (index < 0 ? -step : index) + step));
    setCurrent(rows[next]!.caseNumber);
  };
  useEffect(() => {
    if (current) document.querySelector(`[data-desk-case="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  /** Register (if still new) and dispatch to the suggestion: one request, both steps or neither. */
  const dispatch = async (c: DeskCase) => {
    if (!c.suggestion.bodyId) {
      setOutcomes((all) => ({ ...all, [c.caseNumber]: { error: text('noSuggestion') } }));
      return;
    }
    setOutcomes((all) => ({ ...all, [c.caseNumber]: { state: 'working' } }));
    try {
      const detail = c.allowedActions.includes('register')
        ? await api<CaseDetail>(`/cases/${c.caseNumber}/register-and-dispatch`, {
            method: 'POST',
            body: { version: c.version },
          })
        : await api<CaseDetail>(`/cases/${c.caseNumber}/actions`, {
            method: 'POST',
            body: { action: 'dispatch', version: c.version },
          });
      setOutcomes((all) => ({
        ...all,
        [c.caseNumber]: { state: 'done', status: detail.status, bodyId: detail.assignedBody?.id ?? null },
      }));
    } catch (e) {
      setOutcomes((all) => ({ ...all, [c.caseNumber]: { error: errorText(e) } }));
    }
  };

  const runBatch = async (action: 'register' | 'register_and_dispatch' | 'cancel') => {
    const chosen = rows.filter((c) => selected.has(c.caseNumber) && pending(c));
    if (chosen.length === 0) return;
    if (action === 'cancel' && !confirm(text('confirmCancel', { n: chosen.length }))) return;
    setOutcomes((all) => ({ ...all, ...Object.fromEntries(chosen.map((c) => [c.caseNumber, { state: 'working' }])) }));
    try {
      const { results } = await api<{ results: BatchResult[] }>('/cases/batch-actions', {
        method: 'POST',
        body: {
          action,
          note: action === 'cancel' ? text('spamNote') : undefined,
          cases: chosen.map((c) => ({ caseNumber: c.caseNumber, version: c.version })),
        },
      });
      const byNumber = new Map(chosen.map((c) => [c.caseNumber, c]));
      setOutcomes((all) => ({
        ...all,
        ...Object.fromEntries(
          results.map((r): [string, Outcome] => [
            r.caseNumber,
            r.ok
              ? {
                  state: 'done',
                  status: r.status!,
                  bodyId: r.status === 'dispatched' ? byNumber.get(r.caseNumber)!.suggestion.bodyId : null,
                }
              : { error: r.error?.message ?? '' },
          ]),
        ),
      }));
      const failed = results.filter((r) => !r.ok).length;
      setNotice(text('batchResult', { ok: results.length - failed, failed }));
      setSelected(new Set());
      if (action === 'register') void load();
    } catch (e) {
      setError(errorText(e));
      setOutcomes((all) => {
        const next = { ...all };
        for (const c of chosen) delete next[c.caseNumber];
        return next;
      });
    }
  };

  // An action taken in an expanded row (register, merge, dispatch elsewhere): the row follows the case.
  const followCase = (detail: CaseDetail) => {
    setPage((p) =>
      p
        ? {
            ...p,
            items: p.items.map((c) =>
              c.caseNumber === detail.caseNumber
                ? { ...c, status: detail.status, allowedActions: detail.allowedActions, version: detail.version }
                : c,
            ),
          }
        : p,
    );
    if (!(VIEWS[view] as readonly string[]).includes(detail.status)) {
      setOutcomes((all) => ({
        ...all,
        [detail.caseNumber]: { state: 'done', status: detail.status, bodyId: detail.assignedBody?.id ?? null },
      }));
    }
  };

  const toggle = (caseNumber: string) =>
    setSelected((all) => {
      const next = new Set(all);
      if (!next.delete(caseNumber)) next.add(caseNumber);
      return next;
    });

  // The keys work anywhere on the page but in a form field (where they are typing); Esc leaves the field.
  const onKey = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest('input, textarea, select')) {
      if (event.key === 'Escape' || (event.key === 'Enter' && target === searchBox.current)) {
        (target as HTMLInputElement).blur();
        event.preventDefault();
      }
      return;
    }
    const row = rows[index];
    const keys: Record<string, () => void> = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      Enter: () => row && navigate(`/cases/${row.caseNumber}`),
      // After a dispatch the next case is ready at once: one key per case.
      d: () => {
        if (!row || !pending(row)) return;
        void dispatch(row);
        move(1);
      },
      e: () => row && setExpanded((open) => (open === row.caseNumber ? null : row.caseNumber)),
      x: () => row && toggle(row.caseNumber),
      D: () => void runBatch('register_and_dispatch'),
      R: () => void runBatch('register'),
      C: () => void runBatch('cancel'),
      '/': () => searchBox.current?.focus(),
      '?': () => setHelp((open) => !open),
      Escape: () => setHelp(false),
    };
    const handler = keys[event.key];
    // A link or button keeps its own Enter.
    if (!handler || (event.key === 'Enter' && target.closest('a, button'))) return;
    event.preventDefault();
    handler();
  };
  // The listener reads the handler of the latest render: a key pressed right after the list changed
  // acts on what is on the screen, not on what was there before.
  const latestOnKey = useRef(onKey);
  latestOnKey.current = onKey;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => latestOnKey.current(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const set = (key: keyof Filters) => (event: Event) =>
    setFilters((f) => ({ ...f, [key]: (event.target as HTMLInputElement | HTMLSelectElement).value }));
  const coarseCategories = categories.filter((c) => c.level <= 2);
  const districts = areas.filter((a) => a.level === 'district');

  return (
    <section class="workbench desk" data-testid="workbench">
      <header class="desk-head">
        <h1>{t('workbench')}</h1>
        <nav class="tabs">
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <a
              key={v}
              {...linkTo(`/workbench?view=${v}`)}
              class={v === view ? 'current' : ''}
              data-testid={`workbench-view-${v}`}
            >
              {t(v === 'new' ? 'newCases' : 'waitingRedispatch')} ({page?.counts[v] ?? '…'})
            </a>
          ))}
        </nav>
        <button type="button" class="secondary small" onClick={() => setHelp((open) => !open)} data-testid="desk-keys">
          {text('keysHint')}
        </button>
      </header>
      <form class="desk-filters" onSubmit={(e) => e.preventDefault()} aria-label={text('deskFilters')}>
        <input
          ref={searchBox}
          type="search"
          value={filters.q}
          onInput={set('q')}
          placeholder={text('filterText')}
          aria-label={text('filterText')}
          maxLength={100}
          data-testid="desk-search"
        />
        <select
          value={filters.category}
          onChange={set('category')}
          aria-label={t('category')}
          data-testid="desk-category"
        >
          <option value="">{text('anyCategory')}</option>
          {coarseCategories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.level === 2 ? '\u3000' : ''}
              {name(c)}
            </option>
          ))}
        </select>
        <select value={filters.gridCode} onChange={set('gridCode')} aria-label={t('district')} data-testid="desk-area">
          <option value="">{text('anyArea')}</option>
          {districts.map((a) => (
            <option key={a.code} value={a.code}>
              {name(a)}
            </option>
          ))}
        </select>
        <select value={filters.channel} onChange={set('channel')} aria-label={t('channel')} data-testid="desk-channel">
          <option value="">{text('anyChannel')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {term(c)}
            </option>
          ))}
        </select>
        <select value={filters.age} onChange={set('age')} aria-label={text('anyAge')} data-testid="desk-age">
          {Object.entries(AGES).map(([value, age]) => (
            <option key={value} value={value}>
              {text(age.label)}
            </option>
          ))}
        </select>
        <select value={filters.sort} onChange={set('sort')} aria-label={text('sortOldest')} data-testid="desk-sort">
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {text(label)}
            </option>
          ))}
        </select>
      </form>
      <p class="desk-status hint" data-testid="desk-status">
        {page && text('showing', { shown: rows.length, total: page.total })}
        {selected.size > 0 && <> · {text('selected', { n: selected.size })}</>}
        {refreshedAt && (
          <>
            {' '}
            · {text('refreshedAt')} {refreshedAt.toLocaleTimeString()}
          </>
        )}
        {notice && (
          <>
            {' '}
            · <span data-testid="desk-notice">{notice}</span>
          </>
        )}
      </p>
      {error && <p class="error">{error}</p>}
      {help && <KeyHelp onClose={() => setHelp(false)} />}
      <ol class="desk-rows" data-testid="desk-rows">
        {rows.map((c) => (
          <DeskRow
            key={c.caseNumber}
            row={c}
            current={c.caseNumber === current}
            selected={selected.has(c.caseNumber)}
            outcome={outcomes[c.caseNumber]}
            expanded={expanded === c.caseNumber}
            statuses={VIEWS[view]}
            onFocus={() => setCurrent(c.caseNumber)}
            onSelect={() => toggle(c.caseNumber)}
            onDispatch={() => void dispatch(c)}
            onChanged={followCase}
          />
        ))}
      </ol>
      {page && rows.length === 0 && <p class="empty">{t('nothingWaiting')}</p>}
      {!page && !error && <p class="empty">{t('loading')}</p>}
    </section>
  );
}

function DeskRow({
  row,
  current,
  selected,
  outcome,
  expanded,
  statuses,
  onFocus,
  onSelect,
  onDispatch,
  onChanged,
}: {
  row: DeskCase;
  current: boolean;
  selected: boolean;
  outcome: Outcome | undefined;
  expanded: boolean;
  statuses: readonly string[];
  onFocus(): void;
  onSelect(): void;
  onDispatch(): void;
  onChanged(detail: CaseDetail): void;
}) {
  const { term, name, language } = useI18n();
  const text = useDeskText();
  const { areaFor } = useReference();
  const area = areaFor(row.gridCode);
  const done = outcome && 'state' in outcome && outcome.state === 'done' ? outcome : null;
  const working = outcome && 'state' in outcome && outcome.state === 'working';
  const mayDispatch = row.allowedActions.includes('register') || row.allowedActions.includes('dispatch');
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard moves between rows with j/k and the arrows (keys of the whole page); a click only puts the marker on the row
    <li
      class={`desk-row${current ? ' current' : ''}${selected ? ' selected' : ''}${done ? ' done' : ''} priority-${row.priority}`}
      data-desk-case={row.caseNumber}
      data-testid="desk-row"
      aria-current={current ? 'true' : undefined}
      onClick={onFocus}
    >
      <input
        type="checkbox"
        checked={selected}
        onChange={onSelect}
        aria-label={row.caseNumber}
        tabIndex={-1}
        data-testid="desk-select"
      />
      <div class="desk-main">
        <p class="desk-title">
          <CaseLink caseNumber={row.caseNumber} /> <StatusBadge status={done?.status ?? row.status} />
          {row.priority !== 'normal' && <span class={`priority priority-${row.priority}`}>{term(row.priority)}</span>}{' '}
          <strong>{row.title}</strong>
        </p>
        <p class="desk-description" data-testid="desk-description">
          {row.description || '—'}
          {row.descriptionTruncated ? '…' : ''}
        </p>
        <p class="desk-meta hint">
          {name(row.category)} · {area ? name(area) : (row.gridCode ?? '—')} · {term(row.channel)} ·{' '}
          <span title={row.createdAt}>{age(row.createdAt, language)}</span>
          {row.meTooCount > 0 && <> · +{row.meTooCount}</>}
        </p>
      </div>
      <div class="desk-decision">
        {done ? (
          <span class="desk-done" data-testid="desk-done">
            {done.status === 'dispatched'
              ? text('doneTo', { body: '' })
              : text('doneStatus', { status: term(done.status) })}
            {done.status === 'dispatched' && <BodyName id={done.bodyId} />}
          </span>
        ) : (
          <>
            <span class="desk-suggestion" data-testid="desk-suggestion" data-source={row.suggestion.source}>
              → {row.suggestion.bodyId ? <BodyName id={row.suggestion.bodyId} /> : <em>{text('noSuggestion')}</em>}
              <span class="hint"> · {term(`source_${row.suggestion.source}`)}</span>
            </span>
            {mayDispatch && row.suggestion.bodyId && (
              <button
                type="button"
                class="small"
                tabIndex={-1}
                disabled={working}
                onClick={(e) => {
                  e.stopPropagation();
                  onDispatch();
                }}
                data-testid="desk-dispatch"
              >
                {working
                  ? text('working')
                  : row.allowedActions.includes('register')
                    ? text('registerDispatch')
                    : text('dispatchNow')}{' '}
                <kbd>d</kbd>
              </button>
            )}
          </>
        )}
        {outcome && 'error' in outcome && (
          <span class="error" data-testid="desk-error">
            {outcome.error}
          </span>
        )}
      </div>
      {expanded && (
        <div class="desk-expanded">
          <WorkbenchCard summary={row} statuses={statuses} onChanged={onChanged} />
        </div>
      )}
    </li>
  );
}

/** How long a case has waited, in words of the language ("12 分钟前", "3 hours ago"). */
function age(createdAt: string, language: string): string {
  const minutes = Math.round((Date.parse(createdAt) - Date.now()) / 60_000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
  return format.format(Math.round(minutes / 1440), 'day');
}

function KeyHelp({ onClose }: { onClose(): void }) {
  const text = useDeskText();
  return (
    <aside class="desk-help" data-testid="desk-help" aria-label={text('keysTitle')}>
      <h2>{text('keysTitle')}</h2>
      <dl>
        {KEYS.map(([keys, what]) => (
          <>
            <dt key={`k-${keys}`}>
              <kbd>{keys}</kbd>
            </dt>
            <dd key={`d-${keys}`}>{text(what)}</dd>
          </>
        ))}
      </dl>
      <button type="button" class="secondary small" onClick={onClose}>
        Esc
      </button>
    </aside>
  );
}
