import type { Updateable } from 'kysely';
import { type CoordinateSystem, convertPoint } from '../grid/index.ts';
import { type Actor, defaultBodyFor, requireHandlingBody } from '../organizations/index.ts';
import type { CaseDeps } from './case-deps.ts';
import {
  actionForbidden,
  caseNotFound,
  illegalTransition,
  missingInput,
  noDefaultBody,
  outsideYourAreas,
  reopenWindowPassed,
} from './cases.errors.ts';
import type { CaseEventDetails, CaseTable } from './cases.tables.ts';
import { allowedActions, type CaseStatus, factsOf, RULES, refusal, type TransitionAction } from './lifecycle.ts';
import { visibleTo, withinJurisdiction } from './visibility.ts';

export interface TransitionInput {
  action: TransitionAction;
  note?: string;
  /** dispatch: the handling body; defaults to the category's default body. */
  bodyId?: string;
  /** suspend: the date (YYYY-MM-DD) the suspension is to be reviewed. */
  reviewDate?: string;
  /** relocate: where the case really is, in WGS-84 unless `crs` says otherwise. */
  location?: { longitude: number; latitude: number; crs?: CoordinateSystem };
  /** relocate: the address, if it changes too. */
  address?: string;
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
  const rule = RULES[input.action];
  const note = input.note?.trim() || null;

  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('cases')
      .innerJoin('categories', 'categories.id', 'cases.category_id')
      .select([
        'cases.id',
        'cases.status',
        'cases.assigned_body_id',
        'cases.reported_by_user_id',
        'cases.reporter_person_id',
        'cases.closed_at',
        'cases.event_count',
        'cases.rework_count',
        'categories.code as category_code',
      ])
      .where('cases.case_number', '=', caseNumber)
      .where(visibleTo(actor))
      .forUpdate('cases')
      .executeTakeFirst();
    if (!row) throw caseNotFound(caseNumber);
    // Read the clock only once the case is locked, so events of one case are in time order.
    const now = deps.clock.now();
    const facts = factsOf(row);
    const refused = refusal(input.action, facts, actor, now, deps.policy);
    if (refused) {
      const allowed = allowedActions(facts, actor, now, deps.policy);
      if (refused.kind === 'illegal_transition') throw illegalTransition(input.action, row.status, allowed);
      if (refused.kind === 'window_passed') throw reopenWindowPassed(deps.policy.reopenWindowDays);
      throw actionForbidden(input.action, refused.reason, allowed);
    }
    if (rule.requires.note && !note) throw missingInput(input.action, 'a note saying why or what was done');
    if (rule.requires.reviewDate && !input.reviewDate) throw missingInput(input.action, 'reviewDate');
    if (rule.requires.location && !input.location) throw missingInput(input.action, 'location');

    const details: CaseEventDetails = {};
    const changes: Updateable<CaseTable> = { updated_at: now, event_count: row.event_count + 1 };
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
      case 'dispatch': {
        const bodyId = input.bodyId ?? (await defaultBodyFor(trx, row.category_code));
        if (!bodyId) throw noDefaultBody(row.category_code);
        await requireHandlingBody(trx, bodyId);
        details.bodyId = bodyId;
        changes.assigned_body_id = bodyId;
        break;
      }
      case 'return':
        changes.assigned_body_id = null;
        break;
      case 'verify_fail':
        changes.rework_count = row.rework_count + 1;
        break;
      case 'close':
        changes.closed_at = now;
        break;
      case 'reopen':
        changes.closed_at = null;
        break;
      case 'suspend':
        details.reviewDate = input.reviewDate;
        break;
      case 'relocate': {
        const { longitude, latitude, crs } = input.location!;
        const [x, y] = convertPoint([longitude, latitude], crs ?? 'wgs84');
        const gridCode = deps.locateArea(x, y);
        if (!withinJurisdiction(actor, gridCode)) throw outsideYourAreas(actor.jurisdiction ?? []);
        Object.assign(changes, {
          longitude: x,
          latitude: y,
          grid_code: gridCode,
          outside_jurisdiction: gridCode === null,
        });
        if (input.address?.trim()) changes.address = input.address.trim();
        details.location = [x, y];
        details.gridCode = gridCode;
        break;
      }
    }
    changes.status = toStatus;

    await trx
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
      .execute();
    await trx.updateTable('cases').set(changes).where('id', '=', row.id).execute();
  });
}
