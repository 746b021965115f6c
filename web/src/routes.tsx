import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me } from './api.ts';
import { DataCatalogue, DatasetPage } from './catalogue/DataCatalogue.tsx';
import { ImportData } from './catalogue/ImportData.tsx';
import type { MessageKey } from './i18n.ts';
import { KnowledgeBase } from './knowledge/KnowledgeBase.tsx';
import { OpenData } from './opendata/OpenData.tsx';
import { Administration } from './pages/Administration.tsx';
import { AuditTrail } from './pages/AuditTrail.tsx';
import { CaseDetail } from './pages/CaseDetail.tsx';
import { CaseList } from './pages/CaseList.tsx';
import { DataRequests } from './pages/DataRequests.tsx';
import { Evaluation } from './pages/Evaluation.tsx';
import { HandlerQueue } from './pages/HandlerQueue.tsx';
import { Insight } from './pages/Insight.tsx';
import { MyData } from './pages/MyData.tsx';
import { NewCase } from './pages/NewCase.tsx';
import { PublicCases } from './pages/PublicCases.tsx';
import { RoutingRules } from './pages/RoutingRules.tsx';
import { SupervisionBoard } from './pages/SupervisionBoard.tsx';
import { Workbench } from './pages/Workbench.tsx';
import { Sensors } from './sensors/Sensors.tsx';
import { DataSharing } from './sharing/DataSharing.tsx';

/**
 * The console's pages. To add one: write it under pages/, add a line here, and (if it belongs in the
 * top bar) give it a `nav` label key. `roles` limits who sees the page (in the top bar and when opened).
 */
export interface Route {
  pattern: RegExp;
  render(match: RegExpMatchArray, context: { me: Me; query: URLSearchParams }): JSX.Element;
  roles?: string[];
  nav?: { path: string; label: MessageKey };
}

/** Who reads the data catalogue (policy: catalogue.read): staff and the oversight roles. */
const CATALOGUE_READERS = ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin', 'data_steward', 'auditor'];

export const ROUTES: Route[] = [
  {
    pattern: /^\/(cases)?$/,
    render: (_match, { query }) => <CaseList query={query} />,
    nav: { path: '/cases', label: 'cases' },
  },
  {
    pattern: /^\/cases\/new$/,
    render: (_match, { me }) => <NewCase me={me} />,
    roles: ['citizen', 'dispatcher', 'grid_worker'],
    nav: { path: '/cases/new', label: 'newCase' },
  },
  {
    pattern: /^\/workbench$/,
    render: (_match, { query }) => <Workbench query={query} />,
    roles: ['dispatcher', 'supervisor'],
    nav: { path: '/workbench', label: 'workbench' },
  },
  {
    pattern: /^\/queue$/,
    render: (_match, { me }) => <HandlerQueue me={me} />,
    roles: ['handler'],
    nav: { path: '/queue', label: 'queue' },
  },
  {
    pattern: /^\/supervision$/,
    render: (_match, { me }) => <SupervisionBoard me={me} />,
    roles: ['supervisor', 'dispatcher', 'admin'],
    nav: { path: '/supervision', label: 'supervision' },
  },
  {
    pattern: /^\/evaluation$/,
    render: (_match, { me, query }) => <Evaluation me={me} query={query} />,
    roles: ['supervisor', 'dispatcher', 'admin', 'handler'],
    nav: { path: '/evaluation', label: 'evaluation' },
  },
  {
    pattern: /^\/insight$/,
    render: (_match, { me }) => <Insight me={me} />,
    roles: ['dispatcher', 'supervisor', 'admin'],
    nav: { path: '/insight', label: 'hotIssues' },
  },
  {
    pattern: /^\/knowledge$/,
    render: (_match, { me }) => <KnowledgeBase me={me} />,
    roles: ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'],
    nav: { path: '/knowledge', label: 'knowledgeBase' },
  },
  {
    pattern: /^\/sensors$/,
    render: (_match, { me }) => <Sensors me={me} />,
    roles: ['dispatcher', 'supervisor', 'admin'],
    nav: { path: '/sensors', label: 'sensors' },
  },
  {
    pattern: /^\/catalogue$/,
    render: () => <DataCatalogue />,
    roles: CATALOGUE_READERS,
    nav: { path: '/catalogue', label: 'dataCatalogue' },
  },
  {
    pattern: /^\/catalogue\/import$/,
    render: () => <ImportData />,
    roles: ['data_steward', 'admin'],
    nav: { path: '/catalogue/import', label: 'importData' },
  },
  {
    pattern: /^\/catalogue\/([a-z0-9][a-z0-9_-]{1,99})$/,
    render: (match, { me }) => <DatasetPage slug={match[1]!} me={me} />,
    roles: CATALOGUE_READERS,
  },
  {
    // Publishing open data and keeping its ε budgets is the steward's (policy: opendata.publish).
    pattern: /^\/open-data$/,
    render: () => <OpenData />,
    roles: ['data_steward'],
    nav: { path: '/open-data', label: 'openData' },
  },
  {
    // Who sees sharing between departments (policy: sharing.read): a body's staff, the steward, the auditor.
    pattern: /^\/sharing$/,
    render: (_match, { me }) => <DataSharing me={me} />,
    roles: ['handler', 'data_steward', 'auditor'],
    nav: { path: '/sharing', label: 'dataSharing' },
  },
  {
    pattern: /^\/routing-rules$/,
    render: (_match, { me }) => <RoutingRules me={me} />,
    roles: ['supervisor', 'admin', 'dispatcher'],
    nav: { path: '/routing-rules', label: 'routing' },
  },
  {
    pattern: /^\/map$/,
    render: (_match, { query, me }) => <LazyMap initialArea={query.get('area')} me={me} />,
    nav: { path: '/map', label: 'map' },
  },
  {
    pattern: /^\/my-data$/,
    render: () => <MyData />,
    roles: ['citizen'],
    nav: { path: '/my-data', label: 'myData' },
  },
  {
    pattern: /^\/data-requests$/,
    render: (_match, { query }) => <DataRequests query={query} />,
    roles: ['data_steward'],
    nav: { path: '/data-requests', label: 'dataRequests' },
  },
  {
    // /staff is where the staff list was before the administration had tabs.
    pattern: /^\/(admin|staff)$/,
    render: (match, { query }) => <Administration tab={match[1] === 'staff' ? 'staff' : query.get('tab')} />,
    roles: ['admin'],
    nav: { path: '/admin', label: 'administration' },
  },
  {
    pattern: /^\/audit$/,
    render: () => <AuditTrail />,
    roles: ['auditor'],
    nav: { path: '/audit', label: 'auditTrail' },
  },
  {
    pattern: /^\/cases\/(\d{4}-\d{6,})$/,
    render: (match, { me }) => <CaseDetail caseNumber={match[1]!} me={me} />,
  },
];

/** Pages anyone may open, signed in or not (`me` is null when not). */
export interface PublicRoute {
  pattern: RegExp;
  render(match: RegExpMatchArray, context: { me: Me | null; query: URLSearchParams }): JSX.Element;
}

export const PUBLIC_ROUTES: PublicRoute[] = [{ pattern: /^\/public$/, render: () => <PublicCases /> }];

/** Whether a user's role may open a route. */
export function mayOpen(route: Route, me: Me): boolean {
  return !route.roles || route.roles.includes(me.role);
}

/** The map page and MapLibre (about 1 MB) load only when the map is opened. */
function LazyMap({ initialArea, me }: { initialArea: string | null; me: Me }) {
  const [Page, setPage] = useState<ComponentType<{ initialArea?: string | null; me: Me }> | null>(null);
  useEffect(() => {
    void import('./pages/MapPage.tsx').then((module) => setPage(() => module.MapPage));
  }, []);
  return Page ? <Page initialArea={initialArea} me={me} /> : <p>…</p>;
}
