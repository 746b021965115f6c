import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { caseNotFound, supportClosed } from './cases.errors.ts';
import { published } from './public-view.ts';
import { countMeToo } from './transitions.ts';

/**
 * A resident's "me too" on an open published case (FixMyStreet's support): it counts like a duplicate
 * merged into the case, and raises the priority the same way, without filing a case for the desk to read
 * and merge. Once per person and case; a second support, or the reporter's own, changes nothing.
 */
export async function supportCase(
  db: Db,
  actor: Actor,
  caseNumber: string,
  now: Date,
): Promise<{ meTooCount: number; counted: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('cases')
      .select(['id', 'status', 'priority', 'me_too_count', 'reported_by_user_id'])
      .where('case_number', '=', caseNumber)
      .where(published)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw caseNotFound(caseNumber);
    if (row.status === 'closed') throw supportClosed(caseNumber);
    if (row.reported_by_user_id === actor.userId) return { meTooCount: row.me_too_count, counted: false };
    const inserted = await trx
      .insertInto('case_supports')
      .values({ case_id: row.id, user_id: actor.userId, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('case_id')
      .executeTakeFirst();
    if (!inserted) return { meTooCount: row.me_too_count, counted: false };
    return { meTooCount: await countMeToo(trx, row, now), counted: true };
  });
}
