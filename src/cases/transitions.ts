import type { Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import { type CoordinateSystem, pointInWgs84 } from '../grid/index.ts';
import { enqueueNotifications, type TemplateName } from '../notifications/index.ts';
import { type Actor, requireHandlingBody } from '../organizations/index.ts';
import { maskPersonalData } from '../privacy/index.ts';
import {
  type ClockContext,
  daysInMinutes,
  extendClock,
  pauseClocks,
  resumeClocks,
  runningHandlingClock,
  startClock,
  stopClocks,
} from './case-clocks.ts';
import type { CaseDeps } from './case-deps.ts';
import {
  actionForbidden,
  badParentCase,
  caseNotFound,
  extensionState,
  illegalTransition,
  missingInput,
  noDefaultBody,
  outsideYourAreas,
  reopenWindowPassed,
  staleVersion,
} from './cases.errors.ts';
import { type CaseEventDetails, type CaseTable, CLOCK_KINDS, PRIORITIES, type Priority } from './cases.tables.ts';
import { timeLimitsFor } from './deadlines.ts';
import { allowedActions, type CaseStatus, factsOf, RULES, refusal, type TransitionAction } from './lifecycle.ts';
import { suggestionFor } from './suggestion.ts';
import { visibleTo, withinJurisdiction } from './visibility.ts';

export interface TransitionInput {
  action: TransitionAction;
  note?: string;
  /** dispatch: the lead handling body; defaults to the suggested one (routing rule or category default). */
  bodyId?: string;
  /** dispatch: assisting bodies (协办); default: the suggestion's when the suggested lead is kept. */
  assistingBodyIds?: string[];
  /** suspend: the date (YYYY-MM-DD) the suspension is to be reviewed. */
  reviewDate?: string;
  /** relocate: where the case really is, in WGS-84 unless `crs` says otherwise. */
  location?: { longitude: number; latitude: number; crs?: CoordinateSystem };
  /** relocate: the address, if it changes too. */
  address?: string;
  /** merge: the case this one duplicates. */
  parentCaseNumber?: string;
  /** answer: the knowledge-base article the reply was given from, at the version the desk read. */
  article?: { id: string; version: number };
  /** request_extension: how many more working days. */
  extensionDays?: number;
  /** register: the priority the desk confirms (a citizen's priority is only a request until then). */
  priority?: Priority;
  /**
   * The case's version (its number of events) as the client last saw it. When given, the action is
   * refused with 409 if anyone acted on the case since: two dispatchers sending the same case at once
   * get one dispatch, not a dispatch and a silent re-dispatch.
   */
  version?: number;
}

/** The steps a reporter is told of, and the message for each. */
const PUBLIC_STEPS: Partial<Record<TransitionAction, TemplateName>> = {
  register: 'case_registered',
  dispatch: 'case_dispatched',
  handle: 'case_handled',
  close: 'case_closed',
  reopen: 'case_reopened',
  cancel: 'case_cancelled',
  merge: 'case_merged',
  answer: 'case_answered',
};

/** Duplicates merged into a case raise its priority (never lower it): many voices, more urgency. */
const PRIORITY_BY_ME_TOO: ReadonlyArray<[number, Priority]> = [
  [10, 'urgent'],
  [3, 'high'],
];

/**
 * One more "me too" on a case (a duplicate merged into it, or a resident's support), raising its priority
 * as the count passes each threshold. Call with the case's row locked.
 */
export async function countMeToo(
  trx: Db,
  target: { id: string; priority: Priority; me_too_count: number },
  now: Date,
): Promise<number> {
  const meToo = target.me_too_count + 1;
  await trx
    .updateTable('cases')
    .set({ me_too_count: meToo, priority: priorityAfterMeToo(target.priority, meToo), updated_at: now })
    .where('id', '=', target.id)
    .execute();
  return meToo;
}

export function priorityAfterMeToo(current: Priority, meTooCount: number): Priority {
  const raised = PRIORITY_BY_ME_TOO.find(([threshold]) => meTooCount >= threshold)?.[1];
  return raised && PRIORITIES.indexOf(raised) > PRIORITIES.indexOf(current) ? raised : current;
}

/**
 * Moves a case one step along the loop, or refuses: 404 if the actor may not see it, 409 if the loop does
 * not allow the action from the current status, 403 if the actor may not take it, 400 if input is missing.
 * The case row is locked for the transaction, so two people acting at once are serialised: the second
 * sees the first's result and gets a 409 if its action no longer applies.
 */
export async function transitionCase(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  input: TransitionInput,
): Promise<void> {
  await deps.db.transaction().execute((trx) => transitionWithin(trx, deps, actor, caseNumber, input));
}

/** The same, inside a transaction the caller holds (a survey that reopens a case). */
export async function transitionWithin(
  trx: Db,
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  input: TransitionInput,
  extraDetails: CaseEventDetails = {},
): Promise<void> {
  const rule = RULES[input.action];
  // Staff notes are shown in the history and sent to reporters: numbers written into them are masked.
  const note = input.note?.trim() ? maskPersonalData(input.note.trim()).masked : null;

  const row = await trx
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select([
      'cases.id',
      'cases.status',
      'cases.priority',
      'cases.grid_code',
      'cases.assigned_body_id',
      'cases.reported_by_user_id',
      'cases.reporter_person_id',
      'cases.reported_by_citizen',
      'cases.closed_at',
      'cases.event_count',
      'cases.rework_count',
      'cases.pending_extension',
      'cases.suggested_body_id',
      'cases.suggested_assisting_body_ids',
      'cases.current_dispatch_id',
      'cases.created_at',
      'categories.code as category_code',
      'categories.response_limit_hours',
      'categories.handling_limit_days',
      'categories.verification_limit_hours',
      'categories.after_photo_required',
      'categories.verification_photo_required',
    ])
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .forUpdate('cases')
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  // Read the clock only once the case is locked, so events of one case are in time order.
  const now = deps.clock.now();
  if (input.version !== undefined && input.version !== row.event_count) {
    throw staleVersion(caseNumber, input.version, row.event_count, row.status);
  }
  const facts = factsOf(row);
  const refused = refusal(input.action, facts, actor, now, deps.policy);
  if (refused) {
    const allowed = allowedActions(facts, actor, now, deps.policy);
    if (refused.kind === 'illegal_transition') throw illegalTransition(input.action, row.status, allowed);
    if (refused.kind === 'window_passed') throw reopenWindowPassed(deps.policy.reopenWindowDays);
    if (refused.kind === 'extension') throw extensionState(input.action, refused.pending);
    throw actionForbidden(input.action, refused.reason, allowed);
  }
  if (rule.requires.note && !note) throw missingInput(input.action, 'a note saying why or what was done');
  if (rule.requires.reviewDate && !input.reviewDate) throw missingInput(input.action, 'reviewDate');
  if (rule.requires.location && !input.location) throw missingInput(input.action, 'location');
  if (rule.requires.parentCase && !input.parentCaseNumber) throw missingInput(input.action, 'parentCaseNumber');
  if (rule.requires.extensionDays && !input.extensionDays) throw missingInput(input.action, 'extensionDays');
  if (rule.requires.article && !input.article) {
    throw missingInput(input.action, 'a knowledge-base article (POST /cases/{caseNumber}/answer)');
  }

  const details: CaseEventDetails = { ...extraDetails };
  const changes: Updateable<CaseTable> = { updated_at: now, event_count: row.event_count + 1 };
  const calendar = deps.calendar.current;
  const clocks: ClockContext = { trx, calendar, caseId: row.id, now, userId: actor.userId };
  // With its dispatch, a body's hold on the case ends (cases/visibility.ts heldBy): a dispatch made in this
  // step names the new holders.
  const endDispatch = async (reason: 'redispatched' | 'returned' | 'verified' | 'cancelled') => {
    if (!row.current_dispatch_id) return;
    await trx
      .updateTable('case_dispatches')
      // A verified dispatch waits for the points award (evaluation/points.ts).
      .set({ ended_at: now, end_reason: reason, points_pending: reason === 'verified' })
      .where('id', '=', row.current_dispatch_id)
      .where('ended_at', 'is', null)
      .execute();
    changes.current_dispatch_id = null;
  };
  const countOnDispatch = (column: 'handled_count' | 'rework_count') =>
    row.current_dispatch_id
      ? trx
          .updateTable('case_dispatches')
          .set((eb) => ({ [column]: eb(column, '+', 1) }))
          .where('id', '=', row.current_dispatch_id)
          .execute()
      : Promise.resolve();
  const pendingRequest = () =>
    trx
      .selectFrom('extension_requests')
      .select(['id', 'clock_id', 'extra_minutes'])
      .where('case_id', '=', row.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
  const withdrawPendingExtension = async () => {
    if (!row.pending_extension) return;
    await trx
      .updateTable('extension_requests')
      .set({ status: 'withdrawn', decided_at: now })
      .where('case_id', '=', row.id)
      .where('status', '=', 'pending')
      .execute();
    changes.pending_extension = false;
  };
  let notifyParams: Record<string, string> = {};

  let toStatus: CaseStatus;
  if (rule.to === 'previous') {
    const suspension = await trx
      .selectFrom('case_events')
      .select('from_status')
      .where('case_id', '=', row.id)
      .where('action', '=', 'suspend')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    toStatus = suspension.from_status ?? 'registered';
  } else {
    toStatus = rule.to === 'same' ? row.status : rule.to;
  }

  switch (input.action) {
    case 'register':
      if (input.priority && input.priority !== row.priority) {
        changes.priority = input.priority;
        details.priority = input.priority;
      }
      break;
    case 'dispatch': {
      const bodyId = input.bodyId ?? row.suggested_body_id;
      if (!bodyId) throw noDefaultBody(row.category_code);
      const body = await requireHandlingBody(trx, bodyId);
      const overridden = row.suggested_body_id !== null && bodyId !== row.suggested_body_id;
      // The rule's assisting bodies come along only with the lead body it suggested.
      const assisting = (input.assistingBodyIds ?? (overridden ? [] : row.suggested_assisting_body_ids)).filter(
        (id) => id !== bodyId,
      );
      for (const id of assisting) await requireHandlingBody(trx, id);
      // A re-dispatch (改派) ends the previous body's dispatch: its clocks no longer count against it.
      await endDispatch('redispatched');
      await stopClocks(clocks, ['response', 'handling'], { outcome: 'superseded' });
      const dispatch = await trx
        .insertInto('case_dispatches')
        .values({
          case_id: row.id,
          event_seq: row.event_count + 1,
          body_id: bodyId,
          dispatched_by_user_id: actor.userId,
          dispatched_at: now,
          suggested_body_id: row.suggested_body_id,
          overridden,
          grid_code: row.grid_code,
          ended_at: null,
          end_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const limits = timeLimitsFor(row, row.priority, calendar.minutesPerWorkingDay);
      const owner = { dispatchId: dispatch.id, bodyId };
      await startClock(clocks, 'response', limits, owner);
      await startClock(clocks, 'handling', limits, owner);
      Object.assign(details, { bodyId, suggestedBodyId: row.suggested_body_id, overridden });
      if (assisting.length) details.assistingBodyIds = assisting;
      Object.assign(changes, {
        assigned_body_id: bodyId,
        assisting_body_ids: assisting,
        current_dispatch_id: dispatch.id,
      });
      notifyParams = { bodyNameZh: body.name_zh, bodyNameEn: body.name_en };
      break;
    }
    case 'accept':
      await stopClocks(clocks, ['response']);
      break;
    case 'return':
      // Returning a misrouted case (退单) is a response; the handling deadline no longer counts for this body.
      await stopClocks(clocks, ['response']);
      await stopClocks(clocks, ['handling'], { outcome: 'returned' });
      await endDispatch('returned');
      await withdrawPendingExtension();
      changes.assigned_body_id = null;
      changes.assisting_body_ids = [];
      break;
    case 'handle': {
      await pauseClocks(clocks, ['handling']);
      await countOnDispatch('handled_count');
      await withdrawPendingExtension();
      const limits = timeLimitsFor(row, row.priority, calendar.minutesPerWorkingDay);
      await startClock(clocks, 'verification', limits, { dispatchId: row.current_dispatch_id, bodyId: null });
      break;
    }
    case 'verify_pass':
      await stopClocks(clocks, ['verification']);
      await stopClocks(clocks, ['handling'], { asOfPause: true });
      await endDispatch('verified');
      break;
    case 'verify_fail':
      await stopClocks(clocks, ['verification']);
      await resumeClocks(clocks, ['handling']);
      await countOnDispatch('rework_count');
      changes.rework_count = row.rework_count + 1;
      break;
    case 'close':
      changes.closed_at = now;
      break;
    case 'reopen':
      changes.closed_at = null;
      break;
    case 'answer':
      // Closed at first contact: no dispatch was made, so no deadline ran and none is stopped.
      changes.closed_at = now;
      details.articleId = input.article!.id;
      details.articleVersion = input.article!.version;
      notifyParams = { note: note ?? '' };
      break;
    case 'cancel':
      await stopClocks(clocks, CLOCK_KINDS, { outcome: 'cancelled' });
      await endDispatch('cancelled');
      changes.assisting_body_ids = [];
      notifyParams = { note: note ?? '' };
      break;
    case 'suspend':
      details.reviewDate = input.reviewDate;
      await pauseClocks(clocks, CLOCK_KINDS);
      changes.paused_at = now;
      break;
    case 'resume':
      await resumeClocks(clocks, CLOCK_KINDS);
      changes.paused_at = null;
      break;
    case 'relocate': {
      const [x, y] = pointInWgs84(input.location!, 'location');
      const placement = deps.locateArea(x, y);
      const gridCode = placement?.code ?? null;
      if (!withinJurisdiction(actor, gridCode)) throw outsideYourAreas(actor.jurisdiction);
      Object.assign(changes, {
        longitude: x,
        latitude: y,
        grid_code: gridCode,
        outside_jurisdiction: gridCode === null,
        placement_snapped_metres: placement?.snappedMetres ?? null,
      });
      if (input.address?.trim()) changes.address = maskPersonalData(input.address.trim()).masked;
      // Before dispatch, where a case is decides where it should go.
      if (row.status === 'reported' || row.status === 'registered') {
        Object.assign(
          changes,
          await suggestionFor(trx, deps, { categoryCode: row.category_code, gridCode, reportedAt: row.created_at }),
        );
      }
      details.location = [x, y];
      details.gridCode = gridCode;
      break;
    }
    case 'merge': {
      const parent = await trx
        .selectFrom('cases')
        .select(['id', 'case_number', 'status', 'parent_case_id', 'priority', 'me_too_count'])
        .where('case_number', '=', input.parentCaseNumber!)
        .where(visibleTo(actor))
        .forUpdate()
        .executeTakeFirst();
      if (!parent || parent.id === row.id || parent.parent_case_id || ['cancelled', 'merged'].includes(parent.status)) {
        throw badParentCase(input.parentCaseNumber!);
      }
      await countMeToo(trx, parent, now);
      changes.parent_case_id = parent.id;
      details.parentCaseNumber = parent.case_number;
      notifyParams = { parentCaseNumber: parent.case_number };
      break;
    }
    case 'request_extension': {
      const clock = await runningHandlingClock(clocks);
      if (!clock) throw extensionState(input.action, false);
      await trx
        .insertInto('extension_requests')
        .values({
          case_id: row.id,
          clock_id: clock.id,
          requested_by_user_id: actor.userId,
          reason: note!,
          extra_minutes: daysInMinutes(calendar, clock.measure, input.extensionDays!),
          status: 'pending',
          decided_by_user_id: null,
          decision_note: null,
          decided_at: null,
          created_at: now,
        })
        .execute();
      details.extensionDays = input.extensionDays;
      changes.pending_extension = true;
      break;
    }
    case 'approve_extension':
    case 'refuse_extension': {
      const request = await pendingRequest();
      const approved = input.action === 'approve_extension';
      if (approved) await extendClock(clocks, request.clock_id, request.extra_minutes);
      await trx
        .updateTable('extension_requests')
        .set({
          status: approved ? 'approved' : 'refused',
          decided_by_user_id: actor.userId,
          decision_note: note,
          decided_at: now,
        })
        .where('id', '=', request.id)
        .execute();
      changes.pending_extension = false;
      break;
    }
  }
  changes.status = toStatus;

  const event = await trx
    .insertInto('case_events')
    .values({
      case_id: row.id,
      seq: row.event_count + 1,
      action: input.action,
      from_status: row.status,
      to_status: toStatus,
      actor_user_id: actor.userId,
      actor_role: actor.role,
      note,
      details: JSON.stringify(details),
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await deps.evidence?.attachToStep(trx, {
    caseId: row.id,
    eventId: event.id,
    action: input.action,
    actor,
    afterPhotoRequired: row.after_photo_required,
    verificationPhotoRequired: row.verification_photo_required,
  });
  await trx.updateTable('cases').set(changes).where('id', '=', row.id).execute();

  const template = PUBLIC_STEPS[input.action];
  if (template) {
    await enqueueNotifications(
      trx,
      await reportersFollowing(trx, row.id, input.action),
      {
        caseId: row.id,
        template,
        params: { caseNumber, ...notifyParams },
      },
      now,
    );
  }
}

/**
 * Who hears of a step: the case's reporter and the reporters of the duplicates merged into it (they
 * follow the parent). A merge is told to the merged case's own reporter only.
 */
async function reportersFollowing(trx: Db, caseId: string, action: TransitionAction): Promise<string[]> {
  let query = trx.selectFrom('cases').select('reporter_person_id').where('reporter_person_id', 'is not', null);
  query =
    action === 'merge'
      ? query.where('id', '=', caseId)
      : query.where((eb) => eb.or([eb('id', '=', caseId), eb('parent_case_id', '=', caseId)]));
  return (await query.execute()).map((r) => r.reporter_person_id!);
}
