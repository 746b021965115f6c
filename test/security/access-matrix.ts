import type { Role } from '../../src/organizations/index.ts';

/**
 * Who may call each API route, written down by hand (the policy module is what the server runs; this is
 * what we mean it to do). access-matrix.test.ts takes the routes from the running application and checks
 * every route × every role × a resource inside and outside the role's reach against this table, and it
 * fails when a route has no entry here (or an entry has no route).
 *
 * - `allow`: these roles pass, wherever the resource is;
 * - `scoped`: these roles pass only for resources within their reach (a citizen's own cases, a handler's
 *   body's cases, a grid worker's areas) and get 404 or 403 outside it;
 * - every other role gets 403; `public` routes need no sign-in at all.
 * - `sample`: a request body or query that passes validation but changes nothing (a stale version, an
 *   unknown category…), so the check can run on every role without one role's call altering the next.
 */
export interface MatrixEntry {
  public?: true;
  allow?: readonly Role[];
  scoped?: readonly Role[];
  sample?: { body?: unknown; query?: string };
}

const CITY_WIDE_READERS: Role[] = ['dispatcher', 'supervisor', 'admin', 'data_steward', 'auditor'];
const STAFF: Role[] = ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'];
const STAFF_ACCOUNTS: Role[] = [...STAFF, 'data_steward', 'auditor'];
const EVERYONE: Role[] = ['citizen', ...STAFF_ACCOUNTS];
const PUBLIC: MatrixEntry = { public: true };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const KNOWLEDGE_ARTICLE_SAMPLE = {
  title: '矩阵',
  body: '矩阵',
  category: '矩阵',
  public: false,
  reviewDue: '2027-01-01',
};

export const ACCESS_MATRIX: Record<string, MatrixEntry> = {
  // Signing in
  'POST /api/v1/auth/sign-in': { public: true, sample: { body: { username: 'nobody', password: 'wrong' } } },
  'POST /api/v1/auth/code': { public: true, sample: { body: { phone: '12345' } } },
  'POST /api/v1/auth/code/verify': { public: true, sample: { body: { phone: '13800138999', code: '000000' } } },
  'GET /api/v1/auth/session': { allow: EVERYONE },
  'POST /api/v1/auth/sign-out': { allow: EVERYONE },
  'POST /api/v1/auth/sign-out-everywhere': { allow: EVERYONE },
  'PUT /api/v1/auth/password': {
    allow: STAFF_ACCOUNTS,
    sample: { body: { currentPassword: 'not the password', newPassword: 'Another-password-1' } },
  },
  'GET /api/v1/auth/tokens': { allow: STAFF_ACCOUNTS },
  'POST /api/v1/auth/tokens': { allow: STAFF_ACCOUNTS, sample: { body: { label: 'matrix', scopes: ['cases:read'] } } },
  'DELETE /api/v1/auth/tokens/:id': { allow: STAFF_ACCOUNTS, sample: {} },

  // People and reference data
  'GET /api/v1/me': { allow: EVERYONE },
  'GET /api/v1/users': { allow: ['admin'] },
  // An area that does not exist: refused with 400 after the policy check, changing nothing.
  'PUT /api/v1/users/:username/reach': { allow: ['admin'], sample: { body: { reach: ['999999'] } } },
  // Staff accounts: each sample is refused after the policy check (an unknown body or user), changing nothing.
  'POST /api/v1/users': {
    allow: ['admin'],
    sample: {
      body: {
        username: 'matrix.user',
        displayName: '矩阵',
        role: 'handler',
        handlingBodyId: UNKNOWN_ID,
        password: 'Matrix-password-2026',
      },
    },
  },
  'PATCH /api/v1/users/:username': { allow: ['admin'], sample: { body: { displayName: '矩阵' } } },
  'PUT /api/v1/users/:username/password': { allow: ['admin'], sample: { body: { password: 'Matrix-password-2026' } } },
  'POST /api/v1/users/:username/disable': { allow: ['admin'], sample: {} },
  'POST /api/v1/users/:username/enable': { allow: ['admin'], sample: {} },
  'GET /api/v1/categories': PUBLIC,
  'GET /api/v1/categories/:code': PUBLIC,
  // An unknown category: refused (404) after the policy check, changing nothing.
  'PUT /api/v1/categories/:code/evidence-rules': {
    allow: ['admin'],
    sample: { body: { afterPhotoRequired: true, verificationPhotoRequired: true } },
  },
  'PATCH /api/v1/categories/:code': { allow: ['admin'], sample: { body: { defaultBodyId: UNKNOWN_ID } } },
  'GET /api/v1/handling-bodies': PUBLIC,
  'POST /api/v1/handling-bodies': {
    allow: ['admin'],
    sample: { body: { code: 'matrix-body', nameZh: '矩阵', nameEn: 'Matrix', type: 'ngo', parentId: UNKNOWN_ID } },
  },
  'PATCH /api/v1/handling-bodies/:id': { allow: ['admin'], sample: { body: { nameEn: 'Matrix' } } },
  'GET /api/v1/demo/users': PUBLIC,
  'GET /api/v1/calendar/:year': PUBLIC,
  'PUT /api/v1/calendar/:year': { allow: ['admin'], sample: { body: { days: [{ date: '2027-13-01' }] } } },

  // The grid
  'GET /api/v1/grid/areas': PUBLIC,
  'GET /api/v1/grid/areas.geojson': PUBLIC,
  'GET /api/v1/grid/basemap': PUBLIC,
  'GET /api/v1/grid/locate': { public: true, sample: { query: 'lon=112.99&lat=28.19' } },
  'GET /api/v1/grid/areas/:code': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'], scoped: ['grid_worker'] },
  'PUT /api/v1/grid/areas/:code/workers': { allow: ['admin'], sample: { body: { usernames: ['nobody-at-all'] } } },
  'PUT /api/v1/grid/areas/:code/responsible-body': { allow: ['admin'], sample: { body: { bodyId: UNKNOWN_ID } } },

  // Cases
  'GET /api/v1/cases': { allow: EVERYONE },
  // A live stream: seconds=0 ends it at once, after its first event.
  'GET /api/v1/cases/changes': { allow: EVERYONE, sample: { query: 'seconds=0' } },
  'GET /api/v1/public/cases/:caseNumber/changes': { public: true, sample: { query: 'seconds=0' } },
  'GET /api/v1/cases/counts': { allow: EVERYONE },
  'GET /api/v1/cases/map': { allow: EVERYONE },
  'GET /api/v1/cases/queue': { allow: STAFF },
  'POST /api/v1/cases': {
    allow: ['citizen', 'dispatcher', 'grid_worker'],
    sample: { body: { title: '矩阵', description: '矩阵', categoryCode: '999999', address: '五一大道' } },
  },
  'GET /api/v1/cases/:caseNumber': { allow: CITY_WIDE_READERS, scoped: ['citizen', 'handler', 'grid_worker'] },
  'POST /api/v1/cases/:caseNumber/actions': {
    allow: ['dispatcher', 'supervisor'],
    scoped: ['citizen', 'handler', 'grid_worker'],
    // A stale version: refused with 409 after the policy and the visibility checks, changing nothing.
    sample: { body: { action: 'register', version: 99_999 } },
  },
  'GET /api/v1/cases/:caseNumber/duplicates': { allow: ['dispatcher', 'supervisor', 'admin'] },
  // The dispatcher's desk. A stale version, an unknown case, a number nobody called from: nothing changes.
  'GET /api/v1/cases/desk': { allow: ['dispatcher', 'supervisor'] },
  'POST /api/v1/cases/:caseNumber/register-and-dispatch': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { version: 99_999 } },
  },
  'POST /api/v1/cases/batch-actions': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { action: 'register', cases: [{ caseNumber: '2026-999999' }] } },
  },
  'POST /api/v1/cases/caller-history': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { phone: '13700000009' } },
  },
  'POST /api/v1/cases/:caseNumber/survey': {
    allow: ['dispatcher'],
    scoped: ['citizen'],
    sample: { body: { satisfaction: 'satisfied', solved: true } },
  },
  'GET /api/v1/cases/:caseNumber/reporter': { allow: CITY_WIDE_READERS, scoped: ['handler', 'grid_worker'] },
  'POST /api/v1/cases/:caseNumber/reporter/unmask': {
    allow: ['dispatcher', 'supervisor', 'data_steward'],
    scoped: ['handler', 'grid_worker'],
    sample: { body: { purpose: 'legal_request', reason: 'access matrix check' } },
  },
  // Photos and documents: where the case is seen. A JSON body is no upload: refused (400) once the case is
  // found, changing nothing; a case out of reach is a 404 first.
  'POST /api/v1/cases/:caseNumber/media': {
    allow: ['dispatcher', 'supervisor'],
    scoped: ['citizen', 'handler', 'grid_worker'],
    sample: { body: { stage: 'report' } },
  },
  'GET /api/v1/cases/:caseNumber/media': { allow: CITY_WIDE_READERS, scoped: ['citizen', 'handler', 'grid_worker'] },
  'GET /api/v1/media/:id': { allow: EVERYONE },
  'GET /api/v1/media/:id/thumbnail': { allow: EVERYONE },
  'POST /api/v1/media/:id/publication': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { publication: 'hidden', reason: 'matrix' } },
  },
  // Patrols: a start in the far future is refused (400) after the policy check; an unknown patrol is a 404.
  'POST /api/v1/patrols': { allow: ['grid_worker'], sample: { body: { startedAt: '2099-01-01T00:00:00Z' } } },
  'POST /api/v1/patrols/:id/points': {
    allow: ['grid_worker'],
    sample: { body: { points: [{ recordedAt: '2026-11-20T01:00:00Z', longitude: 112.99, latitude: 28.19 }] } },
  },
  'POST /api/v1/patrols/:id/end': { allow: ['grid_worker'], sample: { body: { endedAt: '2026-11-20T01:00:00Z' } } },
  'GET /api/v1/patrols/coverage': { allow: ['grid_worker', 'supervisor', 'admin'] },
  'GET /api/v1/patrols/coverage/team': { allow: ['supervisor', 'admin'] },
  'GET /api/v1/public/cases': PUBLIC,
  'GET /api/v1/public/cases/:caseNumber': PUBLIC,
  'GET /api/v1/public/cases/nearby': { public: true, sample: { query: 'longitude=112.99&latitude=28.19' } },
  'GET /api/v1/public/places': { public: true, sample: { query: 'q=%E8%8A%99%E8%93%89%E5%8C%BA' } },
  'GET /api/v1/public/media/:id': PUBLIC,
  'GET /api/v1/public/media/:id/thumbnail': PUBLIC,
  'GET /api/v1/public/feeds/cases.:format': PUBLIC,
  'POST /api/v1/public/category-suggestions': { public: true, sample: { body: { title: '矩阵', description: '' } } },
  // "Me too" is a resident's: on their own case it counts nothing; another's unpublished case is not found.
  'POST /api/v1/public/cases/:caseNumber/support': { scoped: ['citizen'] },
  // Following cases and areas is a resident's; an unknown subscription is not found.
  'GET /api/v1/me/subscriptions': { allow: ['citizen'] },
  'POST /api/v1/me/subscriptions': { allow: ['citizen'], sample: { body: { caseNumber: '2026-999999' } } },
  'DELETE /api/v1/me/subscriptions/:id': { allow: ['citizen'] },
  // The desk moderates what the portal shows; showing words already shown changes nothing.
  'GET /api/v1/cases/:caseNumber/public-display': { allow: ['dispatcher', 'supervisor'] },
  'PUT /api/v1/cases/:caseNumber/public-display/text': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { shown: true, reason: 'matrix' } },
  },
  'GET /api/v1/lifecycle': PUBLIC,

  // Sensor feeds: samples name an unknown category or device type, refused after the policy check.
  'GET /api/v1/sensors/device-types': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'POST /api/v1/sensors/device-types': {
    allow: ['admin'],
    sample: {
      body: {
        code: 'matrix',
        nameZh: '矩阵',
        nameEn: 'matrix',
        unit: 'm',
        rules: [{ code: 'high', kind: 'above', threshold: 1, categoryCode: 'no-such-category' }],
      },
    },
  },
  'GET /api/v1/sensors/devices': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'POST /api/v1/sensors/devices': {
    allow: ['admin'],
    sample: { body: { typeCode: 'no-such-type', name: '矩阵', longitude: 112.98, latitude: 28.19 } },
  },

  // The knowledge base: staff read it, supervisors and administrators write it (an unknown owner body or
  // article: refused after the policy check, changing nothing); the desk answers cases from it; residents
  // search its public answers without signing in.
  'GET /api/v1/knowledge/articles': { allow: STAFF },
  'GET /api/v1/knowledge/search': { allow: STAFF, sample: { query: 'q=%E8%90%BD%E6%88%B7' } },
  'GET /api/v1/knowledge/articles/:id': { allow: STAFF },
  'GET /api/v1/knowledge/articles/:id/history': { allow: STAFF },
  'POST /api/v1/knowledge/articles': {
    allow: ['supervisor', 'admin'],
    sample: { body: { ...KNOWLEDGE_ARTICLE_SAMPLE, ownerBodyId: UNKNOWN_ID } },
  },
  'PUT /api/v1/knowledge/articles/:id': {
    allow: ['supervisor', 'admin'],
    sample: { body: { ...KNOWLEDGE_ARTICLE_SAMPLE, ownerBodyId: UNKNOWN_ID, version: 1 } },
  },
  'GET /api/v1/cases/:caseNumber/knowledge': {
    allow: ['dispatcher', 'supervisor', 'admin'],
    scoped: ['handler', 'grid_worker'],
  },
  'POST /api/v1/cases/:caseNumber/answer': {
    allow: ['dispatcher', 'supervisor'],
    sample: { body: { articleId: UNKNOWN_ID, reply: '矩阵答复' } },
  },
  'GET /api/v1/public/knowledge': { public: true, sample: { query: 'q=%E8%90%BD%E6%88%B7' } },
  'GET /api/v1/public/knowledge/:id': PUBLIC,
  'GET /api/v1/supervision/board': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'POST /api/v1/supervision/sweep': { allow: ['supervisor', 'admin'] },

  // Routing
  'GET /api/v1/routing-rules': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'GET /api/v1/routing-rules/test': {
    allow: ['dispatcher', 'supervisor', 'admin'],
    sample: { query: 'category=010204&gridCode=430102' },
  },
  'POST /api/v1/routing-rules': {
    allow: ['supervisor', 'admin'],
    sample: { body: { categoryCode: '999999', leadBodyId: UNKNOWN_ID } },
  },
  'PUT /api/v1/routing-rules/:id': {
    allow: ['supervisor', 'admin'],
    sample: { body: { categoryCode: '999999', leadBodyId: UNKNOWN_ID } },
  },
  'DELETE /api/v1/routing-rules/:id': { allow: ['supervisor', 'admin'] },

  // Evaluation
  'GET /api/v1/evaluation': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'] },
  'GET /api/v1/evaluation/export': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'] },
  'GET /api/v1/evaluation/periods': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'] },
  'GET /api/v1/evaluation/first-contact': {
    allow: ['dispatcher', 'handler', 'supervisor', 'admin'],
    sample: { query: 'month=2026-10' },
  },
  'GET /api/v1/evaluation/dispatchers': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'GET /api/v1/evaluation/grid-workers': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'GET /api/v1/evaluation/weights': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'] },
  'PUT /api/v1/evaluation/weights': {
    allow: ['supervisor', 'admin'],
    // Weights that add up to 90: refused (400) after the policy check, changing nothing.
    sample: { body: { response: 10, onTime: 30, solved: 20, satisfied: 20, rework: 10 } },
  },
  'GET /api/v1/points/leaderboard': { allow: ['dispatcher', 'handler', 'supervisor', 'admin'] },

  // Personal data
  'GET /api/v1/me/personal-data': { allow: ['citizen'] },
  'GET /api/v1/me/personal-data/export': { allow: ['citizen'] },
  'GET /api/v1/me/data-accesses': { allow: ['citizen'] },
  'GET /api/v1/me/consents': { allow: ['citizen'] },
  'PUT /api/v1/me/consents': { allow: ['citizen'], sample: { body: { statistics: true } } },
  'GET /api/v1/me/data-requests': { allow: ['citizen'] },
  'POST /api/v1/me/data-requests': {
    allow: ['citizen'],
    // A correction that names nothing to correct: refused after the policy check.
    sample: { body: { kind: 'correction', reason: 'matrix', changes: {} } },
  },
  'GET /api/v1/data-requests': { allow: ['data_steward'] },
  'POST /api/v1/data-requests/:id/changes/reveal': { allow: ['data_steward'] },
  'POST /api/v1/data-requests/:id/decision': {
    allow: ['data_steward'],
    sample: { body: { decision: 'refuse', note: 'matrix' } },
  },
  'GET /api/v1/data-classification': { allow: ['data_steward', 'auditor', 'admin'] },
  'GET /api/v1/privacy/purposes': PUBLIC,
  'GET /api/v1/audit': { allow: ['auditor'] },
  // Open data: the steward publishes (a period ending before it starts: refused after the policy check,
  // changing nothing) and keeps the budgets (an unknown dataset: not found); anyone lists and downloads.
  'POST /api/v1/open-data/releases': {
    allow: ['data_steward'],
    sample: { body: { title: '矩阵', areaLevel: 'district', from: '2026-10', to: '2026-09' } },
  },
  'GET /api/v1/open-data/budgets': { allow: ['data_steward'] },
  'PUT /api/v1/open-data/budgets/:dataset': { allow: ['data_steward'], sample: { body: { totalEpsilon: 1 } } },
  'GET /api/v1/public/open-data/releases': PUBLIC,
  'GET /api/v1/public/open-data/releases/:id/data.:format': PUBLIC,
  'GET /api/v1/audit/verify': { allow: ['auditor'] },
  // The data catalogue: staff and the oversight roles read it; the steward and administrators publish a
  // dataset (":slug" is no dataset name: refused after the policy check, changing nothing); anyone reads
  // the open part as DCAT.
  'GET /api/v1/catalogue/datasets': { allow: STAFF_ACCOUNTS },
  'GET /api/v1/catalogue/datasets/:slug': { allow: STAFF_ACCOUNTS },
  'PUT /api/v1/catalogue/datasets/:slug/public': {
    allow: ['data_steward', 'admin'],
    sample: { body: { public: false } },
  },
  'GET /api/v1/public/catalogue.jsonld': PUBLIC,
  // Imports: a JSON body is refused (400, not multipart) after the policy check, importing nothing.
  'POST /api/v1/catalogue/imports': { allow: ['data_steward', 'admin'], sample: { body: {} } },
  'GET /api/v1/catalogue/imports/:id': { allow: STAFF_ACCOUNTS },
  'GET /api/v1/catalogue/imports/:id/rejected.csv': { allow: ['data_steward', 'admin'] },

  // Sharing between departments: a body's staff (handlers) ask and read through a grant; the owning body's
  // staff or the data steward decide; the steward and the auditor oversee. ":id" is no request or grant
  // (404 after the policy check); the new request names no dataset (400), changing nothing.
  'GET /api/v1/sharing/legal-bases': { allow: ['handler', 'data_steward', 'auditor'] },
  'GET /api/v1/sharing/requests': { allow: ['handler', 'data_steward', 'auditor'] },
  'GET /api/v1/sharing/requests/:id': { allow: ['handler', 'data_steward', 'auditor'] },
  'POST /api/v1/sharing/requests': {
    allow: ['handler'],
    sample: {
      body: {
        dataset: 'no-such-dataset',
        fields: ['status'],
        purpose: '矩阵',
        legalBasis: 'statutory_duty',
        from: '2026-11-20T00:00:00Z',
        to: '2027-11-20T00:00:00Z',
      },
    },
  },
  'POST /api/v1/sharing/requests/:id/approve': { allow: ['handler', 'data_steward'], sample: { body: {} } },
  'POST /api/v1/sharing/requests/:id/refuse': {
    allow: ['handler', 'data_steward'],
    sample: { body: { reason: '矩阵' } },
  },
  'POST /api/v1/sharing/requests/:id/withdraw': { allow: ['handler'], sample: {} },
  'POST /api/v1/sharing/grants/:id/revoke': {
    allow: ['handler', 'data_steward'],
    sample: { body: { reason: '矩阵' } },
  },
  'GET /api/v1/sharing/grants/:id/rows': { allow: ['handler'] },

  // Text intelligence
  'POST /api/v1/text/intake-suggestions': {
    allow: ['citizen', 'dispatcher', 'grid_worker'],
    sample: { body: { title: '路灯不亮', description: 'matrix' } },
  },
  'GET /api/v1/text/models': { allow: ['supervisor', 'admin', 'data_steward'] },
  'GET /api/v1/insight/hot-issues': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'GET /api/v1/insight/hot-issues/export': { allow: ['dispatcher', 'supervisor', 'admin'] },
  'GET /api/v1/insight/replies': { allow: ['supervisor', 'admin'] },
};

export { UNKNOWN_ID };
