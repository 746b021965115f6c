import { useCasePages } from '../case-pages.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { linkTo, navigate } from '../router.ts';

const FILTER_KEYS = ['status', 'category', 'bodyId', 'channel', 'q', 'from', 'to'] as const;

/**
 * The start of a calendar day in the city (Asia/Shanghai, UTC+8, no daylight saving), `plusDays` later.
 * "From 20 Nov to 20 Nov" means the whole of 20 November there: the API's `to` is exclusive.
 */
function startOfDay(day: string, plusDays = 0): string {
  const date = new Date(`${day}T00:00:00+08:00`);
  date.setUTCDate(date.getUTCDate() + plusDays);
  return date.toISOString();
}
const CHANNELS = ['web', 'hotline', 'grid_patrol', 'open311', 'import', 'sensor'];

/** The case list; its filters live in the URL so a filtered view can be bookmarked and shared. */
export function CaseList({ query }: { query: URLSearchParams }) {
  const { t, term, name, date } = useI18n();
  const { lifecycle, categories, bodies, areaFor } = useReference();
  const apiQuery = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (!value) continue;
    apiQuery.set(key, key === 'from' ? startOfDay(value) : key === 'to' ? startOfDay(value, 1) : value);
  }
  // Reloads exactly when the filters in the URL change.
  const { items, loading, error, more } = useCasePages(apiQuery.toString());

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = String(form.get(key) ?? '');
      if (value) params.set(key, value);
    }
    navigate(`/cases?${params}`);
  };

  return (
    <section>
      <form class="filters" onSubmit={onSubmit} key={query.toString()}>
        <select name="status" aria-label={t('status')} value={query.get('status') ?? ''}>
          <option value="">{t('allStatuses')}</option>
          {lifecycle.statuses.map((s) => (
            <option key={s} value={s}>
              {term(s)}
            </option>
          ))}
        </select>
        <select name="category" aria-label={t('category')} value={query.get('category') ?? ''}>
          <option value="">{t('allCategories')}</option>
          {categories
            .filter((c) => c.level === 1)
            .map((c) => (
              <option key={c.code} value={c.code}>
                {name(c)}
              </option>
            ))}
        </select>
        <select name="bodyId" aria-label={t('body')} value={query.get('bodyId') ?? ''}>
          <option value="">{t('allBodies')}</option>
          {bodies.map((b) => (
            <option key={b.id} value={b.id}>
              {name(b)}
            </option>
          ))}
        </select>
        <select name="channel" aria-label={t('channel')} value={query.get('channel') ?? ''}>
          <option value="">{t('allChannels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {term(c)}
            </option>
          ))}
        </select>
        <input type="date" name="from" aria-label={t('from')} value={query.get('from') ?? ''} />
        <input type="date" name="to" aria-label={t('to')} value={query.get('to') ?? ''} />
        <input type="search" name="q" placeholder={t('search')} value={query.get('q') ?? ''} data-testid="search" />
        <button type="submit">{t('apply')}</button>
        <a {...linkTo('/cases')} class="button secondary">
          {t('reset')}
        </a>
      </form>
      {error && <p class="error">{error}</p>}
      <table class="cases" data-testid="case-list">
        <thead>
          <tr>
            <th>{t('caseNumber')}</th>
            <th>{t('title')}</th>
            <th>{t('category')}</th>
            <th>{t('status')}</th>
            <th>{t('body')}</th>
            <th>{t('district')}</th>
            <th>{t('channel')}</th>
            <th>{t('createdAt')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => {
            const area = areaFor(c.gridCode);
            return (
              <tr key={c.caseNumber} data-case={c.caseNumber}>
                <td class="nowrap">
                  <a {...linkTo(`/cases/${c.caseNumber}`)}>{c.caseNumber}</a>
                </td>
                <td class="title-cell">{c.title}</td>
                <td>{name(c.category)}</td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td>{c.assignedBody ? name(c.assignedBody) : '—'}</td>
                <td>{area ? name(area) : '—'}</td>
                <td>{term(c.channel)}</td>
                <td class="nowrap">{date(c.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!loading && items.length === 0 && <p class="empty">{t('noCases')}</p>}
      {loading && <p class="empty">{t('loading')}</p>}
      {more && !loading && (
        <button type="button" class="secondary" onClick={() => void more()}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
