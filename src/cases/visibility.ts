import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';

/**
 * Which cases an actor may see. Citizens see the cases they reported; a handler sees the cases dispatched
 * to their body; city-wide roles see all. (Grid workers are scoped to their grids once grids exist.)
 * Applied inside every query, so a list, a count and a detail read can never disagree.
 */
export function visibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    switch (actor.role) {
      case 'citizen':
        return eb('cases.reported_by_user_id', '=', actor.userId);
      case 'handler':
        return eb('cases.assigned_body_id', '=', actor.handlingBodyId ?? '00000000-0000-0000-0000-000000000000');
      default:
        return eb.lit(true);
    }
  };
}
