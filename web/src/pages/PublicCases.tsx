import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type PublicCase } from '../api.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n.ts';

const PAGE = 50;

/**
 * The published cases, for anyone (no sign-in): what was reported and where it stands, never who reported
 * it. A case whose reporter withdrew consent to publication is not listed (the server decides).
 */
export function PublicCases() {
  const { t, name, date } = useI18n();
  const [items, setItems] = useState<PublicCase[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = async (before?: string) => {
    try {
      const page = await api<PublicCase[]>(
        `/public/cases?limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      );
      setItems((previous) => (before ? [...previous, ...page] : page));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  useEffect(() => {
    void load();
  }, []);

  return (
    <section class="public-cases">
      <h1>{t('publicCases')}</h1>
      <p class="hint">{t('publicCasesHint')}</p>
      {error && <p class="error">{error}</p>}
      {!loaded && <p>{t('loading')}</p>}
      {loaded && items.length === 0 && !error && <p class="empty">{t('noCases')}</p>}
      <table class="cases" data-testid="public-cases" data-loaded={String(loaded)} data-count={items.length}>
        <thead>
          <tr>
            <th>{t('caseNumber')}</th>
            <th>{t('title')}</th>
            <th>{t('category')}</th>
            <th>{t('status')}</th>
            <th>{t('createdAt')}</th>
            <th>{t('closedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.caseNumber} data-testid={`public-case-${c.caseNumber}`}>
              <td class="case-number nowrap">{c.caseNumber}</td>
              <td class="title-cell">{c.title}</td>
              <td>{name(c.category)}</td>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td class="nowrap">{date(c.createdAt)}</td>
              <td class="nowrap">{c.closedAt ? date(c.closedAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <p>
          <button
            type="button"
            class="secondary"
            data-testid="public-more"
            onClick={() => load(items[items.length - 1]?.caseNumber)}
          >
            {t('loadMore')}
          </button>
        </p>
      )}
    </section>
  );
}
