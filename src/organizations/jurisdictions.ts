import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import { adminOnly } from './organizations.errors.ts';

export interface AreaWorker {
  username: string;
  displayName: string;
  /** The area code of the assignment that covers this area (the area itself, or one above it). */
  assignedArea: string;
}

/** The grid workers whose areas cover an area: assigned to it or to an area above it. */
export async function areaWorkers(db: Db, areaCode: string): Promise<AreaWorker[]> {
  const rows = await db
    .selectFrom('user_jurisdictions')
    .innerJoin('users', 'users.id', 'user_jurisdictions.user_id')
    .select(['users.username', 'users.display_name', 'user_jurisdictions.area_code'])
    .where('users.role', '=', 'grid_worker')
    .where(sql<string>`${areaCode}`, 'like', sql<string>`user_jurisdictions.area_code || '%'`)
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({ username: r.username, displayName: r.display_name, assignedArea: r.area_code }));
}

/**
 * Makes exactly these grid workers the ones assigned to an area: adds it to their areas and takes it
 * from the workers who had it and are not listed. (A worker may cover several areas; an area may have
 * several workers.)
 */
export async function assignAreaWorkers(db: Db, actor: Actor, areaCode: string, usernames: string[]): Promise<void> {
  if (!mayDo(actor, 'grid.edit')) throw adminOnly('assign grid workers');
  const users = usernames.length
    ? await db.selectFrom('users').select(['id', 'username', 'role']).where('username', 'in', usernames).execute()
    : [];
  const missing = usernames.filter((u) => !users.some((row) => row.username === u));
  const notWorkers = users.filter((u) => u.role !== 'grid_worker').map((u) => u.username);
  if (missing.length || notWorkers.length) {
    throw new AppError('GRID_ERR_BAD_WORKERS', 400, 'Only existing grid workers can be assigned to an area', {
      unknown: missing,
      notGridWorkers: notWorkers,
    });
  }
  await db.transaction().execute(async (trx) => {
    // Only grid workers' assignments to this area are replaced; district staff scoped to it keep theirs.
    await trx
      .deleteFrom('user_jurisdictions')
      .where('area_code', '=', areaCode)
      .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('role', '=', 'grid_worker'))
      .execute();
    if (users.length) {
      await trx
        .insertInto('user_jurisdictions')
        .values(users.map((u) => ({ user_id: u.id, area_code: areaCode })))
        .execute();
    }
  });
}
