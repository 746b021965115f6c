import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type CaseSummary } from './api.ts';
import type { Answer } from './api-shapes.ts';

type Page = Answer<'/cases'>;

/**
 * A list of cases by the API's filters, a page at a time (`more` loads the next), reloaded when the
 * query or `version` changes; an older, slower answer never overwrites a newer one.
 */
export function useCasePages(query: string, version = 0) {
  const [items, setItems] = useState<CaseSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const load = async (cursor?: string) => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const page = await api<Page>(`/cases?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (request !== latest.current) return;
      setItems((previous) => (cursor ? [...previous, ...page.items] : page.items));
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      if (request === latest.current) setError((e as Error).message);
    } finally {
      if (request === latest.current) setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [query, version]);

  return { items, loading, error, more: next ? () => load(next) : null };
}

/** The query string for several statuses (the API takes the parameter repeated). */
export function statusQuery(statuses: readonly string[], extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const status of statuses) params.append('status', status);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}
