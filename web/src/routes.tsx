import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me } from './api.ts';
import { CaseDetail } from './pages/CaseDetail.tsx';
import { CaseList } from './pages/CaseList.tsx';
import { NewCase } from './pages/NewCase.tsx';

/**
 * The console's pages. To add one: write it under pages/, add a line here, and (if it belongs in the
 * top bar) give it a `nav` label key.
 */
export interface Route {
  pattern: RegExp;
  render(match: RegExpMatchArray, context: { me: Me; query: URLSearchParams }): JSX.Element;
  nav?: { path: string; label: 'cases' | 'newCase' | 'map'; roles?: string[] };
}

export const ROUTES: Route[] = [
  {
    pattern: /^\/(cases)?$/,
    render: (_match, { query }) => <CaseList query={query} />,
    nav: { path: '/cases', label: 'cases' },
  },
  {
    pattern: /^\/cases\/new$/,
    render: (_match, { me }) => <NewCase me={me} />,
    nav: { path: '/cases/new', label: 'newCase', roles: ['citizen', 'dispatcher', 'grid_worker'] },
  },
  {
    pattern: /^\/map$/,
    render: (_match, { query }) => <LazyMap initialArea={query.get('area')} />,
    nav: { path: '/map', label: 'map' },
  },
  {
    pattern: /^\/cases\/(\d{4}-\d{6,})$/,
    render: (match) => <CaseDetail caseNumber={match[1]!} />,
  },
];

/** The map page and MapLibre (about 1 MB) load only when the map is opened. */
function LazyMap({ initialArea }: { initialArea: string | null }) {
  const [Page, setPage] = useState<ComponentType<{ initialArea?: string | null }> | null>(null);
  useEffect(() => {
    void import('./pages/MapPage.tsx').then((module) => setPage(() => module.MapPage));
  }, []);
  return Page ? <Page initialArea={initialArea} /> : <p>…</p>;
}
