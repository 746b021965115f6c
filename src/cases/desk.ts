/**
 * The dispatcher's desk (派单工作台): the cases waiting for the desk with everything a decision needs in
 * one read, register and dispatch to the suggestion as one step, the same steps on many cases at once, and
 * the earlier cases of a caller on the line.
 */
import { sql } from 'kysely';
import { appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import { authorize } from '../policy/index.ts';
import { maskPhone, normalisePhone, personsWithPhone, recordCallerHistoryLookup } from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { badPhoneNumber, missingInput } from './cases.errors.ts';
import { type CaseSummary, countCases, summaryQuery, toSummary } from './cases.queries.ts';
import type { Channel, Priority } from './cases.tables.ts';
import { allowedActions, type CaseStatus, factsOf, type TransitionAction } from './lifecycle.ts';
import { transitionWithin } from './transitions.ts';
import { visibleTo } from './visibility.ts';

/** The desk's two queues: new cases, and cases back for another dispatch. */
export const DESK_VIEWS = {
  new: ['reported', 'registered'],
  redispatch: ['returned', 'reopened'],
} as const satisfies Record<string, readonly CaseStatus[]>;
export type DeskView = keyof typeof DESK_VIEWS;

export const DESK_SORTS = ['oldest', 'newest', 'priority'] as const;
export type DeskSort = (typeof DESK_SORTS)[number];

/** Enough of the description for two lines of a dense row; the case page has the rest. */
export const DESCRIPTION_EXCERPT = 240;
export const DESK_LIMIT = 200;

export interface DeskQuery {
  view?: DeskView;
  category?: string;
  gridCode?: string;
  channel?: Channel;
  /** Reported at least this many minutes ago (waiting long). */
  minAgeMinutes?: number;
  /** Reported at most this many minutes ago (just in). */
  maxAgeMinutes?: number;
  q?: string;
  sort?: DeskSort;
  limit?: number;
}

export interface DeskCase extends CaseSummary {
  description: string;
  descriptionTruncated: boolean;
  suggestion: {
    bodyId: string | null;
    assistingBodyIds: string[];
    source: 'rule' | 'category_default' | 'none';
  };
  allowedActions: TransitionAction[];
  version: number;
}

/**
 * The cases waiting in one of the desk's queues that match the filters, in the order asked for (the
 * longest waiting first unless told otherwise), with each one's suggestion and the actions the dispatcher
 * may take; and how many wait in each queue under the same filters.
 */
export async function deskCases(
  deps: CaseDeps,
  actor: Actor,
  query: DeskQuery,
): Promise<{ items: DeskCase[]; total: number; counts: Record<DeskView, number> }> {
  authorize(actor, 'case.desk');
  const now = deps.clock.now();
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const filter = {
    category: query.category,
    gridCode: query.gridCode,
    channel: query.channel,
    text: query.q,
    createdTo: query.minAgeMinutes === undefined ? undefined : minutesAgo(query.minAgeMinutes),
    createdFrom: query.maxAgeMinutes === undefined ? undefined : minutesAgo(query.maxAgeMinutes),
  };
  const view = query.view ?? 'new';
  const sort = query.sort ?? 'oldest';
  const rank = sql<number>`case cases.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;
  const rows = await summaryQuery(deps.db, actor, { ...filter, status: [...DESK_VIEWS[view]] })
    .select([
      sql<string>`substr(cases.description, 1, ${DESCRIPTION_EXCERPT + 1})`.as('description_excerpt'),
      'cases.suggested_body_id',
      'cases.suggested_assisting_body_ids',
      'cases.routing_rule_id',
      'cases.event_count',
      'cases.assigned_body_id',
      'cases.reported_by_user_id',
      'cases.reporter_person_id',
      'cases.reported_by_citizen',
      'cases.closed_at',
    ])
    .$if(sort === 'priority', (qb) => qb.orderBy(rank))
    .orderBy('cases.created_at', sort === 'newest' ? 'desc' : 'asc')
    .orderBy('cases.id')
    .limit(query.limit ?? 50)
    .execute();
  const counted = await countCases(deps, actor, {
    ...filter,
    status: [...DESK_VIEWS.new, ...DESK_VIEWS.redispatch],
  });
  const inView = (v: DeskView) => DESK_VIEWS[v].reduce((sum, status) => sum + (counted.byStatus[status] ?? 0), 0);
  const counts = { new: inView('new'), redispatch: inView('redispatch') };
  return {
    total: counts[view],
    counts,
    items: rows.map((row) => ({
      ...toSummary(row, now),
      description: row.description_excerpt.slice(0, DESCRIPTION_EXCERPT),
      descriptionTruncated: row.description_excerpt.length > DESCRIPTION_EXCERPT,
      suggestion: {
        bodyId: row.suggested_body_id,
        assistingBodyIds: row.suggested_assisting_body_ids,
        source: row.routing_rule_id ? 'rule' : row.suggested_body_id ? 'category_default' : 'none',
      },
      allowedActions: allowedActions(factsOf(row), actor, now, deps.policy),
      version: row.event_count,
    })),
  };
}

export interface RegisterAndDispatchInput {
  /** The version of the case as the dispatcher saw it (refused with 409 if anyone acted since). */
  version?: number;
  /** The lead body; default: the suggestion. */
  bodyId?: string;
  assistingBodyIds?: string[];
  /** The priority the desk confirms on registering. */
  priority?: Priority;
}

/**
 * Registers a new case and dispatches it, in one transaction: both steps happen or neither (a case the
 * routing has no body for stays reported, not half done). The history shows the two steps, as the
 * evaluation and the reporter's messages count them.
 */
export async function registerAndDispatch(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  input: RegisterAndDispatchInput,
): Promise<void> {
  authorize(actor, 'case.desk.act');
  await deps.db.transaction().execute((trx) => registerAndDispatchWithin(trx, deps, actor, caseNumber, input));
}

async function registerAndDispatchWithin(
  trx: Db,
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  input: RegisterAndDispatchInput,
): Promise<void> {
  await transitionWithin(trx, deps, actor, caseNumber, {
    action: 'register',
    version: input.version,
    priority: input.priority,
  });
  await transitionWithin(trx, deps, actor, caseNumber, {
    action: 'dispatch',
    // The register step above is one more version of the case.
    version: input.version === undefined ? undefined : input.version + 1,
    bodyId: input.bodyId,
    assistingBodyIds: input.assistingBodyIds,
  });
}

export const BATCH_ACTIONS = ['register', 'register_and_dispatch', 'cancel'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];
export const BATCH_LIMIT = 50;

export type BatchResult =
  | { caseNumber: string; ok: true; status: CaseStatus }
  | { caseNumber: string; ok: false; error: { code: string; message: string } };

/**
 * One step on many cases (register them, register and dispatch each to its suggestion, or cancel them
 * as spam with one note), each case in its own transaction: one refused case (changed meanwhile, or no
 * body to send it to) does not hold back the others, and the answer says what happened to each. Each
 * case's outcome goes into the audit trail under the case, with the step's own transaction when it commits.
 */
export async function actOnCases(
  deps: CaseDeps,
  actor: Actor,
  request: { action: BatchAction; note?: string; cases: Array<{ caseNumber: string; version?: number }> },
  origin: RequestOrigin,
): Promise<BatchResult[]> {
  authorize(actor, 'case.desk.act');
  const note = request.note?.trim();
  if (request.action === 'cancel' && !note) throw missingInput('cancel', 'a note saying why (e.g. spam)');
  const entry = (caseNumber: string, details: Record<string, unknown>) => ({
    at: deps.clock.now(),
    actorUserId: actor.userId,
    actorRole: actor.role,
    action: 'case.batch',
    subjectType: 'case',
    subjectId: caseNumber,
    details: { step: request.action, ...details },
    ...origin,
  });
  const results: BatchResult[] = [];
  for (const { caseNumber, version } of request.cases) {
    try {
      const status = await deps.db.transaction().execute(async (trx) => {
        if (request.action === 'register_and_dispatch') {
          await registerAndDispatchWithin(trx, deps, actor, caseNumber, { version });
        } else {
          await transitionWithin(trx, deps, actor, caseNumber, { action: request.action, note, version });
        }
        const after = await trx
          .selectFrom('cases')
          .select('status')
          .where('case_number', '=', caseNumber)
          .executeTakeFirstOrThrow();
        await appendAudit(trx, deps.keyring, entry(caseNumber, { ok: true, status: after.status }));
        return after.status;
      });
      results.push({ caseNumber, ok: true, status });
    } catch (error) {
      // Only the refusals a client can act on are answered per case; anything else is the server's fault.
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      await appendAudit(deps.db, deps.keyring, entry(caseNumber, { ok: false, code: error.code }));
      results.push({ caseNumber, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}

export const CALLER_HISTORY_LIMIT = 20;

export interface CallerHistory {
  /** The number looked up, masked. */
  phone: string;
  total: number;
  items: Array<{ caseNumber: string; title: string; status: CaseStatus; channel: Channel; createdAt: Date }>;
}

/**
 * The earlier cases reported from a phone number (the caller on the line), newest first, as far as the
 * dispatcher may see them. The number is found through the reporters' blind index; the look-up is recorded
 * in each caller's access record and in the audit trail.
 */
export async function callerHistory(
  deps: CaseDeps,
  actor: Actor,
  phone: string,
  origin: RequestOrigin,
): Promise<CallerHistory> {
  authorize(actor, 'case.caller_history');
  const number = normalisePhone(phone);
  if (!/^[0-9]{7,12}$/.test(number)) throw badPhoneNumber();
  const personIds = await personsWithPhone(deps.db, deps.keyring, number);
  const reportedByCaller = deps.db
    .selectFrom('cases')
    .where('cases.reporter_person_id', 'in', personIds)
    .where(visibleTo(actor));
  const [rows, count] = personIds.length
    ? await Promise.all([
        reportedByCaller
          .select(['case_number', 'title', 'status', 'channel', 'created_at', 'reporter_person_id'])
          .orderBy('created_at', 'desc')
          .limit(CALLER_HISTORY_LIMIT)
          .execute(),
        reportedByCaller.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ])
    : [[], { n: 0 }];
  // Recorded even when nothing is found: a search by a person's number is a use of personal data.
  await recordCallerHistoryLookup(deps, actor, {
    phone: number,
    // Only the people whose cases are shown: the others' link to this number was not released.
    personIds: [...new Set(rows.map((r) => r.reporter_person_id!))],
    caseNumbers: rows.map((r) => r.case_number),
    now: deps.clock.now(),
    origin,
  });
  return {
    phone: maskPhone(number) ?? '',
    total: Number(count.n),
    items: rows.map((r) => ({
      caseNumber: r.case_number,
      title: r.title,
      status: r.status,
      channel: r.channel,
      createdAt: r.created_at,
    })),
  };
}
