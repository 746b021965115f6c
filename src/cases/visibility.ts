import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';

/**
 * Which cases an actor may see. Citizens see the cases they reported; a handler sees the cases dispatched
 * to their body, now or before (so a body still sees a case it returned); staff with a jurisdiction see
 * the cases in their areas; city-wide roles see all. (Grid workers are scoped to their grids once grids exist.)
 * Applied inside every query, so a list, a count and a detail read can never disagree.
 */
export function visibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    switch (actor.role) {
      case 'citizen':
        return eb('cases.reported_by_user_id', '=', actor.userId);
      case 'handler': {
        const bodyId = actor.handlingBodyId ?? '00000000-0000-0000-0000-000000000000';
        return eb.or([
          heldBy(bodyId)(eb),
          // A body's superior sees the cases escalated to it by a red supervision notice.
          eb.exists(
            eb
              .selectFrom('supervision_notices')
              .select(sql.lit(1).as('one'))
              .whereRef('supervision_notices.case_id', '=', 'cases.id')
              .where('supervision_notices.escalated_to_body_id', '=', bodyId),
          ),
          eb.exists(
            eb
              .selectFrom('case_events')
              .select(sql.lit(1).as('one'))
              .whereRef('case_events.case_id', '=', 'cases.id')
              .where('case_events.action', '=', 'dispatch')
              .where(sql<string>`case_events.details->>'bodyId'`, '=', bodyId),
          ),
        ]);
      }
      default:
        // Staff limited to areas (grid workers; district staff) see only the cases placed in those areas
        // (and may report or move cases only into them: see withinJurisdiction).
        if (!actor.jurisdiction) return eb.lit(true);
        return eb.or(actor.jurisdiction.map((prefix) => eb('cases.grid_code', 'like', likePrefix(prefix))));
    }
  };
}

/** The cases a body has now: dispatched to it as the lead body, or assisting (协办). */
export function heldBy(bodyId: string) {
  return (eb: ExpressionBuilder<Database, 'cases'>) =>
    eb.or([eb('cases.assigned_body_id', '=', bodyId), sql<boolean>`${bodyId}::uuid = any(cases.assisting_body_ids)`]);
}

/** Whether an actor limited to areas may put a case at this grid code (always, for city-wide actors). */
export function withinJurisdiction(actor: Actor, gridCode: string | null): boolean {
  if (!actor.jurisdiction || actor.role === 'citizen' || actor.role === 'handler') return true;
  return gridCode !== null && actor.jurisdiction.some((prefix) => gridCode.startsWith(prefix));
}
