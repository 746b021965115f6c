import type { JSX } from 'preact';
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
  nav?: { path: string; label: 'cases' | 'newCase'; roles?: string[] };
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
    pattern: /^\/cases\/(\d{4}-\d{6,})$/,
    render: (match) => <CaseDetail caseNumber={match[1]!} />,
  },
];
