import { AppError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
// The tables module, not the domain's index: the organizations domain checks this policy itself, and its
// index would make a cycle. The tables module is constants and types only.
import { CLEARANCES, type Clearance, ROLES, type Role } from '../organizations/organizations.tables.ts';

/**
 * The one place that decides who may do what. Every route names the action it performs
 * (`config: { action }`), the auth hook checks it before anything else runs, and domain functions check
 * the same table for the actions they are called for (from the CLI and sweeps too). Rows within an
 * allowed action are then limited by jurisdiction, handling body or ownership (cases/visibility.ts),
 * and columns by data classification (classification.ts).
 *
 * Scopes are what an API token may do; a console session may do everything its user's role may.
 */
export const SCOPES = [
  'cases:read',
  'cases:write',
  'personal_data',
  'evaluation:read',
  'configuration',
  'audit:read',
  'account',
  'open311',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What an API token may be given: everything but managing the account itself (that needs a person). */
export const TOKEN_SCOPES: readonly string[] = ['*', ...SCOPES.filter((s) => s !== 'account')];

interface Policy {
  roles: readonly Role[];
  scope: Scope;
  /** Said in the refusal: "Your role may not …". */
  what: string;
}

const EVERYONE = ROLES;
const STAFF: readonly Role[] = ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'];
const DESK: readonly Role[] = ['dispatcher', 'supervisor'];
const MANAGERS: readonly Role[] = ['supervisor', 'admin'];
/** Readers of case data beyond their own: staff and the oversight roles. */
const CASE_READERS: readonly Role[] = [...STAFF, 'data_steward', 'auditor'];

export const POLICIES = {
  // Who am I is harmless for any credential (the read scope); signing out (everywhere) is the account's.
  'account.read': { roles: EVERYONE, scope: 'cases:read', what: 'see who you are signed in as' },
  'account.sign_out': { roles: EVERYONE, scope: 'account', what: 'sign out' },
  'account.change_password': {
    roles: [...STAFF, 'data_steward', 'auditor'],
    scope: 'account',
    what: 'change a password',
  },
  'account.tokens': {
    roles: [...STAFF, 'data_steward', 'auditor'],
    scope: 'account',
    what: 'manage API tokens',
  },
  'users.manage': { roles: ['admin'], scope: 'configuration', what: 'manage users' },

  'case.list': { roles: [...CASE_READERS, 'citizen'], scope: 'cases:read', what: 'list cases' },
  'case.read': { roles: [...CASE_READERS, 'citizen'], scope: 'cases:read', what: 'read a case' },
  'case.queue': { roles: STAFF, scope: 'cases:read', what: 'see a work queue' },
  'case.report': { roles: ['citizen', 'dispatcher', 'grid_worker'], scope: 'cases:write', what: 'report a case' },
  'case.act': {
    roles: ['citizen', 'dispatcher', 'handler', 'grid_worker', 'supervisor'],
    scope: 'cases:write',
    what: 'take a step on a case',
  },
  'case.duplicates': { roles: [...DESK, 'admin'], scope: 'cases:read', what: 'look for duplicate cases' },
  'case.desk': { roles: DESK, scope: 'cases:read', what: "see the dispatcher's desk" },
  'case.desk.act': {
    roles: DESK,
    scope: 'cases:write',
    what: 'register and dispatch in one step, or act on many cases at once',
  },
  // The caller is on the line and gives their number: which of the city's cases they reported before.
  'case.caller_history': { roles: DESK, scope: 'personal_data', what: "look up a caller's earlier cases" },
  'case.survey': { roles: ['citizen', 'dispatcher'], scope: 'cases:write', what: 'answer a satisfaction survey' },
  'case.support': { roles: ['citizen'], scope: 'cases:write', what: 'support a published case ("me too")' },
  'case.media.upload': {
    roles: ['citizen', 'dispatcher', 'handler', 'grid_worker', 'supervisor'],
    scope: 'cases:write',
    what: 'attach photos or documents to a case',
  },
  'case.media.read': { roles: [...CASE_READERS, 'citizen'], scope: 'cases:read', what: 'see the photos of a case' },
  'case.media.moderate': { roles: DESK, scope: 'cases:write', what: 'approve or hide photos for the public' },
  'subscription.manage': {
    roles: ['citizen'],
    scope: 'personal_data',
    what: 'follow cases and areas, and stop following them',
  },
  'case.public.moderate': {
    roles: DESK,
    scope: 'cases:write',
    what: "hide or show a case's words on the public portal",
  },
  'patrol.record': { roles: ['grid_worker'], scope: 'cases:write', what: 'record a patrol' },
  'patrol.team': { roles: ['supervisor', 'admin'], scope: 'cases:read', what: "see the grid workers' patrol coverage" },
  'patrol.coverage': {
    roles: ['grid_worker', 'supervisor', 'admin'],
    scope: 'cases:read',
    what: 'see patrol coverage',
  },
  'case.reporter.read': {
    roles: [...CASE_READERS],
    scope: 'cases:read',
    what: "see a case's reporter (masked)",
  },
  'case.reporter.unmask': {
    roles: ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'data_steward'],
    scope: 'personal_data',
    what: 'see personal data in clear',
  },
  'supervision.board': { roles: [...DESK, 'admin'], scope: 'cases:read', what: 'see the supervision board' },
  'supervision.sweep': { roles: MANAGERS, scope: 'cases:write', what: 'run the supervision sweep' },

  'routing.read': { roles: [...DESK, 'admin'], scope: 'cases:read', what: 'see routing rules' },
  'routing.edit': { roles: MANAGERS, scope: 'configuration', what: 'change routing rules' },
  'calendar.edit': { roles: ['admin'], scope: 'configuration', what: 'change the working calendar' },
  'grid.read': { roles: STAFF, scope: 'cases:read', what: 'see grid areas in detail' },
  'grid.edit': { roles: ['admin'], scope: 'configuration', what: 'change the grid and who is responsible' },
  'taxonomy.edit': { roles: ['admin'], scope: 'configuration', what: 'change categories and handling bodies' },

  'evaluation.read': { roles: [...DESK, 'admin', 'handler'], scope: 'evaluation:read', what: 'see the evaluation' },
  'evaluation.people': {
    roles: [...DESK, 'admin'],
    scope: 'evaluation:read',
    what: "see other staff's figures",
  },
  'evaluation.weights': { roles: MANAGERS, scope: 'configuration', what: 'change the evaluation weights' },

  'text.suggest': {
    roles: ['citizen', 'dispatcher', 'grid_worker'],
    scope: 'cases:write',
    what: 'ask for category and urgency suggestions',
  },
  'text.models.read': {
    roles: [...MANAGERS, 'data_steward'],
    scope: 'evaluation:read',
    what: 'see the text models and how well they do',
  },
  // The knowledge base (知识库): every staff member reads it (the desk answers from it, bodies keep their
  // answers right); supervisors (the desk's leads) and administrators write it. Public articles need no sign-in.
  'knowledge.read': { roles: STAFF, scope: 'cases:read', what: 'read the knowledge base' },
  'knowledge.edit': { roles: MANAGERS, scope: 'configuration', what: 'write knowledge-base articles' },
  'knowledge.answer': { roles: DESK, scope: 'cases:write', what: 'answer a case from the knowledge base' },
  // Sensor feeds (物联感知): the desk and administrators see the devices and what their rules opened;
  // administrators register device types, rules and devices (a device's key is configuration).
  'sensor.read': { roles: [...DESK, 'admin'], scope: 'cases:read', what: 'see the sensor devices and their readings' },
  'sensor.configure': { roles: ['admin'], scope: 'configuration', what: 'register sensor device types and devices' },
  'insight.hot_issues': { roles: [...DESK, 'admin'], scope: 'evaluation:read', what: 'see the hot issues' },
  'insight.replies': { roles: MANAGERS, scope: 'evaluation:read', what: 'see the quality of replies' },

  'my_data.read': { roles: ['citizen'], scope: 'personal_data', what: 'see your personal data' },
  'my_data.manage': {
    roles: ['citizen'],
    scope: 'personal_data',
    what: 'change consents or ask for a correction or deletion',
  },
  'data_requests.handle': {
    roles: ['data_steward'],
    scope: 'personal_data',
    what: 'handle correction and deletion requests',
  },
  'data_classification.read': {
    roles: ['data_steward', 'auditor', 'admin'],
    scope: 'audit:read',
    what: 'see the data classification',
  },
  'audit.read': { roles: ['auditor'], scope: 'audit:read', what: 'read the audit trail' },
  // Open data: the data steward publishes aggregates of the cases and keeps each dataset's privacy budget.
  'opendata.publish': { roles: ['data_steward'], scope: 'configuration', what: 'publish open-data releases' },
  'opendata.budget': {
    roles: ['data_steward'],
    scope: 'configuration',
    what: "see and set the open data's privacy budgets",
  },
  // The data catalogue (数据目录): staff and the oversight roles see what the city holds; the data steward
  // and administrators decide what is published in the open catalogue (CKAN API, DCAT).
  'catalogue.read': { roles: CASE_READERS, scope: 'cases:read', what: 'see the data catalogue' },
  'catalogue.publish': {
    roles: ['data_steward', 'admin'],
    scope: 'configuration',
    what: 'publish a dataset in the open catalogue or withdraw it',
  },
  // Importing other systems' data (数据汇聚): the same people who answer for what the catalogue holds.
  'catalogue.import': {
    roles: ['data_steward', 'admin'],
    scope: 'configuration',
    what: 'import files into the catalogue (historical cases, reference data)',
  },
  // Sharing between departments (数据共享): a body's staff (handlers, the only role that works for a body)
  // ask for another body's dataset and read it through the grant; the owning body's staff, or the data
  // steward for any dataset, decide and revoke. The steward and the auditor see every request.
  'sharing.read': {
    roles: ['handler', 'data_steward', 'auditor'],
    scope: 'cases:read',
    what: 'see requests to share data between departments',
  },
  'sharing.request': {
    roles: ['handler'],
    scope: 'cases:write',
    what: "ask for another body's data, or withdraw the request",
  },
  'sharing.decide': {
    roles: ['handler', 'data_steward'],
    scope: 'cases:write',
    what: "approve, refuse or revoke access to a body's data",
  },
  'sharing.access': { roles: ['handler'], scope: 'cases:read', what: 'read data shared with your body' },
  // A partner application's account (civicgrid open311 add-client): its key files cases through Open311 only.
  'open311.report': { roles: ['dispatcher'], scope: 'open311', what: 'file cases through Open311' },
  // The same account's key adds its users' updates to cases as notes (POST servicerequestupdates).
  'open311.update': { roles: ['dispatcher'], scope: 'open311', what: 'add notes to cases through Open311' },
} as const satisfies Record<string, Policy>;

export type Action = keyof typeof POLICIES;

export function isAction(name: string): name is Action {
  return Object.hasOwn(POLICIES, name);
}

/** Whether the actor's role (and, for a token, its scopes) allows the action. */
export function mayDo(actor: Actor, action: Action): boolean {
  const policy: Policy = POLICIES[action];
  if (!policy.roles.includes(actor.role)) return false;
  if (actor.scopes === null || actor.scopes.includes(policy.scope)) return true;
  // '*' is everything the role may do with the data, but not the account itself: a token must not mint
  // further tokens or change the password (that needs the person, signed in).
  return actor.scopes.includes('*') && policy.scope !== 'account';
}

export const forbidden = (actor: Actor, action: Action) => {
  const policy: Policy = POLICIES[action];
  const byScope = policy.roles.includes(actor.role);
  return new AppError(
    'AUTH_ERR_FORBIDDEN',
    403,
    byScope
      ? `This token's scopes do not allow you to ${policy.what} (needs "${policy.scope}")`
      : `Your role (${actor.role}) may not ${policy.what}`,
    { action, ...(byScope ? { scope: policy.scope } : {}) },
  );
};

/** Throws 403 unless the actor may take the action. */
export function authorize(actor: Actor, action: Action): void {
  if (!mayDo(actor, action)) throw forbidden(actor, action);
}

/** Whether a user with this clearance may receive data classified at `level`. */
export function clearedFor(clearance: Clearance, level: Clearance): boolean {
  return CLEARANCES.indexOf(clearance) >= CLEARANCES.indexOf(level);
}

/** Roles that may take each step of the case lifecycle (the state machine in cases/lifecycle.ts uses these). */
export const CASE_STEP_ROLES = {
  report: ['citizen', 'dispatcher', 'grid_worker'],
  desk: DESK,
  handlingBody: ['handler'],
  verification: ['grid_worker', 'dispatcher', 'supervisor'],
  reopen: ['citizen', 'dispatcher'],
  relocate: ['dispatcher', 'supervisor', 'grid_worker'],
  extensionDecision: ['supervisor'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * Why personal data may be seen in clear, and by whom (PIPL art. 6: a definite, reasonable purpose, the
 * least data needed). A handler contacts the reporter of a case its body holds now; verification is done
 * by the grid worker or the desk; legal and data-rights requests go through the data steward.
 */
export const UNMASK_PURPOSES = {
  contact_reporter: {
    roles: ['handler', 'dispatcher', 'supervisor'],
    zh: '联系反映人以办理案件',
    en: 'contacting the reporter to handle the case',
  },
  verification_callback: {
    roles: ['grid_worker', 'dispatcher', 'supervisor'],
    zh: '核查回访',
    en: 'verification call-back',
  },
  // Recorded when the desk looks up a caller's earlier cases by the number they called from; it never
  // unmasks a reporter (the look-up shows the number masked), so it is not offered for unmasking.
  caller_history: {
    roles: ['dispatcher', 'supervisor'],
    zh: '热线受理时查看来电人的既往诉求',
    en: "seeing a caller's earlier cases while taking their call",
    lookUpOnly: true,
  },
  legal_request: { roles: ['data_steward'], zh: '依法调取', en: 'a legal request' },
  data_rights_request: {
    roles: ['data_steward'],
    zh: '处理个人信息权利请求',
    en: 'handling a data-rights request',
  },
  // Recorded when a body reads a case through a sharing grant (the grant's own purpose is the reason).
  data_sharing: {
    roles: ['handler'],
    zh: '部门间数据共享',
    en: 'data shared between departments',
    lookUpOnly: true,
  },
} as const satisfies Record<string, { roles: readonly Role[]; zh: string; en: string; lookUpOnly?: true }>;

export type UnmaskPurpose = keyof typeof UNMASK_PURPOSES;

/** The purposes a reporter's data may be unmasked for (a look-up's purpose is only recorded). */
export const PURPOSES_TO_UNMASK = (Object.keys(UNMASK_PURPOSES) as UnmaskPurpose[]).filter(
  (purpose) => !('lookUpOnly' in UNMASK_PURPOSES[purpose]),
);

export function mayUnmaskFor(actor: Actor, purpose: UnmaskPurpose): boolean {
  const roles: readonly Role[] = UNMASK_PURPOSES[purpose].roles;
  return mayDo(actor, 'case.reporter.unmask') && PURPOSES_TO_UNMASK.includes(purpose) && roles.includes(actor.role);
}
