import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';

/**
 * Which cases an actor may see. Citizens see the cases they reported; a handler sees the cases a dispatch
 * named their body in, as lead or assisting body, now or before (so a body still sees a case it returned),
 * and the cases escalated to it; staff see the cases in their areas, or every case with a city-wide grant
 * (an actor with neither sees none). Applied inside every query, so a list, a count and a detail read can
 * never disagree.
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
              .where((inner) =>
                inner.or([
                  inner(sql<string>`case_events.details->>'bodyId'`, '=', bodyId),
                  sql<boolean>`case_events.details->'assistingBodyIds' @> jsonb_build_array(${bodyId}::text)`,
                ]),
              ),
          ),
        ]);
      }
      default:
        // Staff limited to areas (grid workers; district staff) see only the cases placed in those areas
        // (and may report or move cases only into them: see withinJurisdiction); with no areas, none.
        if (actor.jurisdiction === 'city') return eb.lit(true);
        if (!actor.jurisdiction.length) return eb.lit(false);
        return eb.or(actor.jurisdiction.map((prefix) => eb('cases.grid_code', 'like', likePrefix(prefix))));
    }
  };
}

/**
 * The cases a body holds now: named by the dispatch in force, as the lead body or assisting (协办). A
 * routing rule's suggestion holds nothing, and a hold ends with its dispatch (returned, re-dispatched,
 * verified, cancelled); only a body that holds a case may see its reporter in clear.
 */
export function heldBy(bodyId: string) {
  return (eb: ExpressionBuilder<Database, 'cases'>) =>
    eb.and([
      eb('cases.current_dispatch_id', 'is not', null),
      eb.or([eb('cases.assigned_body_id', '=', bodyId), sql<boolean>`${bodyId}::uuid = any(cases.assisting_body_ids)`]),
    ]);
}

/**
 * Whether an actor may put a case at this grid code: anywhere with a city-wide grant, else only inside
 * their areas (no areas: nowhere). Citizens and handlers are not placed by area: their reach is their own
 * cases and their body's.
 */
export function withinJurisdiction(actor: Actor, gridCode: string | null): boolean {
  if (actor.jurisdiction === 'city' || actor.role === 'citizen' || actor.role === 'handler') return true;
  return gridCode !== null && actor.jurisdiction.some((prefix) => gridCode.startsWith(prefix));
}
