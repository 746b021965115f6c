import type { Db } from '../db/database.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import { adminOnly } from './organizations.errors.ts';
import { DEFAULT_CLEARANCE, type Role } from './organizations.tables.ts';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId?: string | null;
  personId?: string | null;
}

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId: string | null;
}

/**
 * Creates a user. `actor` is the administrator doing it, or 'bootstrap' for the very first
 * administrator of an empty database (there is nobody yet who could create it).
 */
export async function createUser(db: Db, actor: Actor | 'bootstrap', input: NewUser): Promise<UserSummary> {
  if (actor === 'bootstrap') {
    const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing || input.role !== 'admin') throw adminOnly('create users once the first administrator exists');
  } else if (!mayDo(actor, 'users.manage')) {
    throw adminOnly('create users');
  }
  const row = await db
    .insertInto('users')
    .values({
      // Sign-in compares user names in lower case: store them so.
      username: input.username.trim().toLowerCase(),
      display_name: input.displayName,
      role: input.role,
      handling_body_id: input.handlingBodyId ?? null,
      person_id: input.personId ?? null,
      clearance: DEFAULT_CLEARANCE[input.role],
    })
    .returning(['id', 'username', 'display_name', 'role', 'handling_body_id'])
    .executeTakeFirstOrThrow();
  return toSummary(row);
}

export async function listUsers(db: Db): Promise<UserSummary[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'handling_body_id'])
    .orderBy('role')
    .orderBy('username')
    .execute();
  return rows.map(toSummary);
}

function toSummary(row: {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  handling_body_id: string | null;
}): UserSummary {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    handlingBodyId: row.handling_body_id,
  };
}

/**
 * Sets the areas a user works in (area codes; each covers everything below it), replacing the old ones.
 * An empty list makes the user city-wide again.
 */
export async function setJurisdiction(db: Db, actor: Actor, userId: string, areaCodes: string[]): Promise<void> {
  if (!mayDo(actor, 'users.manage')) throw adminOnly("set a user's areas");
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_jurisdictions').where('user_id', '=', userId).execute();
    if (areaCodes.length) {
      await trx
        .insertInto('user_jurisdictions')
        .values([...new Set(areaCodes)].map((area_code) => ({ user_id: userId, area_code })))
        .execute();
    }
  });
}

/** A citizen's account, made the first time they sign in with their phone (no administrator involved). */
export async function registerCitizen(db: Db, personId: string, displayName: string): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({
      username: `citizen-${personId.slice(0, 8)}`,
      display_name: displayName,
      role: 'citizen',
      handling_body_id: null,
      person_id: personId,
      clearance: DEFAULT_CLEARANCE.citizen,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
