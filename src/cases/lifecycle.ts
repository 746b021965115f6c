/**
 * The closed loop of a case (GB/T 30428 digital urban management, 7 steps), as data.
 *
 *   reported ─register→ registered ─dispatch→ dispatched ─accept→ in_progress ─handle→ handled
 *      │                    │                     │  └─return→ returned ─dispatch→ …      │
 *      └──────cancel────────┴─→ cancelled         └──────return──────┘                  │
 *   handled ─verify_pass→ verified ─close→ closed ─reopen (reporter, in window)→ reopened ─dispatch→ …
 *   handled ─verify_fail→ in_progress (rework, 返工)
 *   registered/dispatched/in_progress/returned/reopened ─suspend→ suspended ─resume→ (the status before)
 *   any open status ─relocate→ the same status, placed anew on the grid
 *   reported/registered ─merge→ merged (a duplicate: its reporter follows the parent case as a "me too")
 *   reported/registered ─answer→ closed (直接答复: the desk answers from the knowledge base at first contact)
 *   dispatched/in_progress ─request_extension→ (same; one pending request) ─approve_/refuse_extension→ (same)
 *   any status ─note→ (same): a public note recorded on the case (a partner application's update)
 *   any open status ─record_closure→ closed: imported history, closed in the system it came from (no
 *   one takes this step in CivicGrid; the importer writes it with the source's own closure time)
 *
 * Pure: no I/O. The transition service, the replay check, the API's "allowed actions" and the console's
 * buttons all read these rules, so they cannot disagree.
 */
import type { Role } from '../organizations/index.ts';
import { CASE_STEP_ROLES } from '../policy/index.ts';

export const CASE_STATUSES = [
  'reported',
  'registered',
  'cancelled',
  'dispatched',
  'in_progress',
  'returned',
  'handled',
  'verified',
  'closed',
  'reopened',
  'suspended',
  'merged',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_ACTIONS = [
  'report',
  'register',
  'cancel',
  'dispatch',
  'accept',
  'return',
  'handle',
  'verify_pass',
  'verify_fail',
  'close',
  'reopen',
  'suspend',
  'resume',
  'relocate',
  'merge',
  'answer',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'note',
  'record_closure',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
/**
 * The actions taken on an existing case: everything but the report that creates it, and the note, which
 * is recorded (cases/notes.ts) but moves nothing, so it is no step of the loop anyone is offered.
 */
export type TransitionAction = Exclude<CaseAction, 'report' | 'note' | 'record_closure'>;
export const TRANSITION_ACTIONS = CASE_ACTIONS.filter(
  (a): a is TransitionAction => a !== 'report' && a !== 'note' && a !== 'record_closure',
);

/**
 * Who, beyond the role, may take an action: anyone of the role; the assigned body's staff; or the
 * reporter (a citizen who reported it, or the desk for a case whose reporter is on record).
 */
type Relation = 'any' | 'assigned_body' | 'reporter';

interface Rule {
  from: readonly CaseStatus[];
  /** 'previous' = back to the status the case had before it was suspended; 'same' = the status stays. */
  to: CaseStatus | 'previous' | 'same';
  roles: readonly Role[];
  relation: Relation;
  requires: {
    note?: boolean;
    body?: boolean;
    reviewDate?: boolean;
    location?: boolean;
    parentCase?: boolean;
    extensionDays?: boolean;
    /** answer: the knowledge-base article (and its version) the reply was given from. */
    article?: boolean;
  };
  /** Extension decisions need a pending request; a new request needs there to be none. */
  extension?: 'pending' | 'none_pending';
}

const DESK: readonly Role[] = CASE_STEP_ROLES.desk;
/** Where deadlines run for the handling body, and so where an extension can be asked for and decided. */
const CLOCK_RUNNING: readonly CaseStatus[] = ['dispatched', 'in_progress'];
const SUSPENDABLE: readonly CaseStatus[] = ['registered', 'dispatched', 'in_progress', 'returned', 'reopened'];

export const RULES: Record<CaseAction, Rule> = {
  report: { from: [], to: 'reported', roles: CASE_STEP_ROLES.report, relation: 'any', requires: {} },
  register: { from: ['reported'], to: 'registered', roles: DESK, relation: 'any', requires: {} },
  cancel: {
    from: ['reported', 'registered', 'reopened'],
    to: 'cancelled',
    roles: DESK,
    relation: 'any',
    requires: { note: true },
  },
  // Also from `dispatched`: re-dispatch (改派) a case the body has not accepted yet, e.g. sent to the wrong body.
  dispatch: {
    from: ['registered', 'dispatched', 'returned', 'reopened'],
    to: 'dispatched',
    roles: DESK,
    relation: 'any',
    requires: { body: true },
  },
  accept: {
    from: ['dispatched'],
    to: 'in_progress',
    roles: CASE_STEP_ROLES.handlingBody,
    relation: 'assigned_body',
    requires: {},
  },
  return: {
    from: ['dispatched', 'in_progress'],
    to: 'returned',
    roles: CASE_STEP_ROLES.handlingBody,
    relation: 'assigned_body',
    requires: { note: true },
  },
  handle: {
    from: ['in_progress'],
    to: 'handled',
    roles: CASE_STEP_ROLES.handlingBody,
    relation: 'assigned_body',
    requires: { note: true },
  },
  verify_pass: {
    from: ['handled'],
    to: 'verified',
    roles: CASE_STEP_ROLES.verification,
    relation: 'any',
    requires: {},
  },
  verify_fail: {
    from: ['handled'],
    to: 'in_progress',
    roles: CASE_STEP_ROLES.verification,
    relation: 'any',
    requires: { note: true },
  },
  close: { from: ['verified'], to: 'closed', roles: DESK, relation: 'any', requires: {} },
  // The reporter, or the desk on behalf of a caller on record (a hotline reporter has no account).
  reopen: {
    from: ['closed'],
    to: 'reopened',
    roles: CASE_STEP_ROLES.reopen,
    relation: 'reporter',
    requires: { note: true },
  },
  suspend: {
    from: SUSPENDABLE,
    to: 'suspended',
    roles: DESK,
    relation: 'any',
    requires: { note: true, reviewDate: true },
  },
  resume: { from: ['suspended'], to: 'previous', roles: DESK, relation: 'any', requires: {} },
  // Correct where the case is (placed anew on the grid) while it is still open; the status stays.
  relocate: {
    from: [
      'reported',
      'registered',
      'dispatched',
      'in_progress',
      'returned',
      'handled',
      'verified',
      'reopened',
      'suspended',
    ],
    to: 'same',
    roles: CASE_STEP_ROLES.relocate,
    relation: 'any',
    requires: { location: true },
  },
  // A duplicate of an earlier case (the parent): it ends here, its reporter follows the parent.
  merge: {
    from: ['reported', 'registered'],
    to: 'merged',
    roles: DESK,
    relation: 'any',
    requires: { parentCase: true },
  },
  // 直接答复: a question the knowledge base answers is answered by the desk at first contact and closed, with
  // no dispatch; the reporter still gets the survey, and may reopen it like any closed case.
  answer: {
    from: ['reported', 'registered'],
    to: 'closed',
    roles: DESK,
    relation: 'any',
    requires: { note: true, article: true },
  },
  // 延期: the handling body asks for more time, with a reason; a supervisor decides.
  request_extension: {
    from: CLOCK_RUNNING,
    to: 'same',
    roles: CASE_STEP_ROLES.handlingBody,
    relation: 'assigned_body',
    requires: { note: true, extensionDays: true },
    extension: 'none_pending',
  },
  approve_extension: {
    from: CLOCK_RUNNING,
    to: 'same',
    roles: CASE_STEP_ROLES.extensionDecision,
    relation: 'any',
    requires: {},
    extension: 'pending',
  },
  refuse_extension: {
    from: CLOCK_RUNNING,
    to: 'same',
    roles: CASE_STEP_ROLES.extensionDecision,
    relation: 'any',
    requires: { note: true },
    extension: 'pending',
  },
  // A public note (a partner application's update, Open311): on a case in any status, changing none. The
  // desk's roles, as a partner application's account is a desk account (civicgrid open311 add-client).
  note: { from: CASE_STATUSES, to: 'same', roles: DESK, relation: 'any', requires: { note: true } },
  // Imported history (hub/case-history.ts): the source closed the case; no role takes this step here.
  record_closure: {
    from: ['reported', 'registered', 'dispatched', 'in_progress', 'returned', 'handled', 'verified', 'reopened'],
    to: 'closed',
    roles: [],
    relation: 'any',
    requires: {},
  },
};

/** The steps that close a case, after which the reporter is asked for the survey. */
export const CLOSING_ACTIONS: readonly CaseAction[] = ['close', 'answer'];

/** Which channels each role may report through. */
export const REPORT_CHANNELS: Partial<Record<Role, readonly string[]>> = {
  citizen: ['web'],
  dispatcher: ['hotline', 'import', 'web', 'open311'],
  grid_worker: ['grid_patrol'],
};

export interface CaseFacts {
  status: CaseStatus;
  assignedBodyId: string | null;
  reportedByUserId: string;
  /** A reporter's identity is on record (a caller who gave a name or number, or a citizen account). */
  hasReporterOnRecord: boolean;
  /** A citizen reported it from their own account: they act for themselves, the desk does not. */
  reportedByCitizen: boolean;
  closedAt: Date | null;
  /** The handling body has asked for an extension that no supervisor has decided yet. */
  pendingExtension: boolean;
}

/** The facts of a stored case row, as the rules read them. */
export function factsOf(row: {
  status: CaseStatus;
  assigned_body_id: string | null;
  reported_by_user_id: string;
  reporter_person_id: string | null;
  reported_by_citizen: boolean;
  closed_at: Date | null;
  pending_extension: boolean;
}): CaseFacts {
  return {
    status: row.status,
    assignedBodyId: row.assigned_body_id,
    reportedByUserId: row.reported_by_user_id,
    hasReporterOnRecord: row.reporter_person_id !== null,
    reportedByCitizen: row.reported_by_citizen,
    closedAt: row.closed_at,
    pendingExtension: row.pending_extension,
  };
}

export interface ActingUser {
  userId: string;
  role: Role;
  handlingBodyId: string | null;
}

export interface LoopPolicy {
  reopenWindowDays: number;
}

/** Why an action cannot be taken now; null when it can. */
export type Refusal =
  | { kind: 'illegal_transition' }
  | { kind: 'forbidden'; reason: 'role' | 'not_assigned_body' | 'not_reporter' }
  | { kind: 'window_passed' }
  | { kind: 'extension'; pending: boolean };

export function refusal(
  action: TransitionAction,
  facts: CaseFacts,
  actor: ActingUser,
  now: Date,
  policy: LoopPolicy,
): Refusal | null {
  const rule = RULES[action];
  if (!rule.from.includes(facts.status)) return { kind: 'illegal_transition' };
  if (!rule.roles.includes(actor.role)) return { kind: 'forbidden', reason: 'role' };
  if (rule.relation === 'assigned_body' && (!actor.handlingBodyId || actor.handlingBodyId !== facts.assignedBodyId)) {
    return { kind: 'forbidden', reason: 'not_assigned_body' };
  }
  if (rule.relation === 'reporter' && !actsForReporter(facts, actor)) {
    return { kind: 'forbidden', reason: 'not_reporter' };
  }
  if (rule.extension && facts.pendingExtension !== (rule.extension === 'pending')) {
    return { kind: 'extension', pending: facts.pendingExtension };
  }
  if (action === 'reopen' && facts.closedAt) {
    const deadline = facts.closedAt.getTime() + policy.reopenWindowDays * 86_400_000;
    if (now.getTime() > deadline) return { kind: 'window_passed' };
  }
  return null;
}

/** The reporter themselves, or the desk for a caller on record (never for a citizen's own report). */
function actsForReporter(facts: CaseFacts, actor: ActingUser): boolean {
  return actor.role === 'citizen'
    ? actor.userId === facts.reportedByUserId
    : facts.hasReporterOnRecord && !facts.reportedByCitizen;
}

/**
 * Who answers the survey after a closure (回访): the reporter, or a dispatcher calling back a caller on
 * record; the same people who may reopen it.
 */
export function answersSurvey(facts: CaseFacts, actor: ActingUser): boolean {
  return RULES.reopen.roles.includes(actor.role) && actsForReporter(facts, actor);
}

/** The actions this actor may take on this case now, in loop order. */
export function allowedActions(facts: CaseFacts, actor: ActingUser, now: Date, policy: LoopPolicy): TransitionAction[] {
  return TRANSITION_ACTIONS.filter((action) => refusal(action, facts, actor, now, policy) === null);
}

/** The actions the loop allows from a status, whoever asks. */
export function actionsFrom(status: CaseStatus): TransitionAction[] {
  return TRANSITION_ACTIONS.filter((action) => RULES[action].from.includes(status));
}

export interface ReplayedEvent {
  action: CaseAction;
  actorRole: Role;
}

export interface ReplayState {
  status: CaseStatus;
  /** Where `resume` goes: the status before the latest suspension. */
  resumeTo: CaseStatus | null;
}

/**
 * Applies one event to the state, or throws if the loop does not allow it (status or role).
 * Replaying a case's events from the first must give the status stored on the case.
 */
export function applyEvent(state: ReplayState | null, event: ReplayedEvent): ReplayState {
  const rule = RULES[event.action];
  if (!rule.roles.includes(event.actorRole)) {
    throw new Error(`role ${event.actorRole} may not ${event.action}`);
  }
  if (state === null) {
    if (event.action !== 'report') throw new Error(`a case must begin with a report, not ${event.action}`);
    return { status: 'reported', resumeTo: null };
  }
  if (!rule.from.includes(state.status)) throw new Error(`${event.action} is not allowed from ${state.status}`);
  if (rule.to === 'previous') {
    if (!state.resumeTo) throw new Error('resume without a suspension');
    return { status: state.resumeTo, resumeTo: null };
  }
  if (rule.to === 'same') return state;
  return { status: rule.to, resumeTo: event.action === 'suspend' ? state.status : state.resumeTo };
}

export function replay(events: readonly ReplayedEvent[]): ReplayState {
  let state: ReplayState | null = null;
  for (const event of events) state = applyEvent(state, event);
  if (!state) throw new Error('a case has at least one event');
  return state;
}
