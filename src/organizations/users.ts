import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { mayDo } from '../policy/index.ts';
import { type Actor, actorColumns, type Jurisdiction, toActor } from './actors.ts';
import { adminOnly, unknownHandlingBody } from './organizations.errors.ts';
import { type Clearance, DEFAULT_CLEARANCE, type Role } from './organizations.tables.ts';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId?: string | null;
  personId?: string | null;
  /** For staff placed by area: the whole city or their areas. Without it they reach no case until given some. */
  reach?: Jurisdiction;
}

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId: string | null;
}

const badChange = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('USER_ERR_BAD_CHANGE', 400, message, details);

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
  const areas = input.reach === undefined ? [] : await checkedAreas(db, input.role, input.reach);
  if ((input.role === 'handler') !== Boolean(input.handlingBodyId)) {
    throw badChange('A handler needs a handling body, and only a handler has one', { role: input.role });
  }
  if (input.handlingBodyId) {
    const body = await db
      .selectFrom('handling_bodies')
      .select('id')
      .where('id', '=', input.handlingBodyId)
      .executeTakeFirst();
    if (!body) throw unknownHandlingBody(input.handlingBodyId);
  }
  const username = input.username.trim().toLowerCase();
  const taken = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (taken) throw new AppError('USER_ERR_USERNAME_TAKEN', 409, `The user name "${username}" is taken`, { username });
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({
        // Sign-in compares user names in lower case: store them so.
        username,
        display_name: input.displayName,
        role: input.role,
        handling_body_id: input.handlingBodyId ?? null,
        person_id: input.personId ?? null,
        clearance: DEFAULT_CLEARANCE[input.role],
        city_wide: input.reach === 'city',
      })
      .returning(['id', 'username', 'display_name', 'role', 'handling_body_id'])
      .executeTakeFirstOrThrow();
    await writeAreas(trx, row.id, areas);
    return toSummary(row);
  });
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

export interface StaffMember extends UserSummary {
  /** Where their work reaches: 'city', their areas (none: no cases), or null for handlers (their body). */
  reach: Jurisdiction | null;
  clearance: Clearance;
  disabled: boolean;
}

/** Every staff account with its reach, for the administrator: who sees what, and who sees nothing. */
export async function listStaff(db: Db, actor: Actor, onlyUserId?: string): Promise<StaffMember[]> {
  if (!mayDo(actor, 'users.manage')) throw adminOnly('list the staff');
  let query = actorColumns(db)
    .select('users.disabled_at')
    .where('users.role', '!=', 'citizen')
    .orderBy('users.role')
    .orderBy('users.username');
  if (onlyUserId) query = query.where('users.id', '=', onlyUserId);
  const rows = await query.execute();
  return rows.map((row) => ({
    ...toSummary(row),
    reach: AREA_ROLES.includes(row.role) ? toActor(row).jurisdiction : null,
    clearance: row.clearance,
    disabled: row.disabled_at !== null,
  }));
}

/** A user by name, for the administrator's changes; 404 when there is none. */
export async function requireUserId(db: Db, username: string): Promise<string> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username.trim().toLowerCase())
    .executeTakeFirst();
  if (!row) throw new AppError('USER_ERR_NOT_FOUND', 404, `There is no user "${username}"`);
  return row.id;
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

/** The roles whose work is placed by area: they reach the areas they are given, or the whole city by grant. */
export const AREA_ROLES: readonly Role[] = [
  'dispatcher',
  'grid_worker',
  'supervisor',
  'admin',
  'data_steward',
  'auditor',
];
/** Of those, the roles that may be given the whole city (a grid worker always works in areas). */
export const CITY_WIDE_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'admin', 'data_steward', 'auditor'];

const badReach = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('USER_ERR_REACH', 400, message, details);

/** The areas of a reach this role may be given (none for the whole city), each an existing area; else 400. */
async function checkedAreas(db: Db, role: Role, reach: Jurisdiction): Promise<string[]> {
  if (!AREA_ROLES.includes(role)) {
    throw badReach(`The role ${role} is not placed by area: their reach is their own cases or their body's`, { role });
  }
  if (reach === 'city') {
    if (!CITY_WIDE_ROLES.includes(role)) throw badReach('A grid worker works in areas, never city-wide', { role });
    return [];
  }
  const areas = [...new Set(reach)];
  const known = areas.length
    ? await db.selectFrom('grid_areas').select('code').where('code', 'in', areas).execute()
    : [];
  const unknown = areas.filter((code) => !known.some((k) => k.code === code));
  if (unknown.length) throw badReach(`There is no area ${unknown.join(', ')}`, { unknown });
  return areas;
}

async function writeAreas(trx: Db, userId: string, areas: readonly string[]) {
  await trx.deleteFrom('user_jurisdictions').where('user_id', '=', userId).execute();
  if (areas.length) {
    await trx
      .insertInto('user_jurisdictions')
      .values(areas.map((area_code) => ({ user_id: userId, area_code })))
      .execute();
  }
}

/**
 * Sets how far a user's staff work reaches: the whole city (an explicit grant) or these areas (codes; each
 * covers everything below it), replacing what they had. An empty list of areas means no cases at all:
 * taking a user off their last area never widens their reach.
 */
export async function setReach(db: Db, actor: Actor, userId: string, reach: Jurisdiction): Promise<void> {
  if (!mayDo(actor, 'users.manage')) throw adminOnly("set a user's areas");
  const user = await db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('USER_ERR_NOT_FOUND', 404, 'There is no such user');
  const areas = await checkedAreas(db, user.role, reach);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ city_wide: reach === 'city' })
      .where('id', '=', userId)
      .execute();
    await writeAreas(trx, userId, areas);
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

export interface StaffChanges {
  displayName?: string;
  role?: Role;
  /** A handler's body; null for the other roles. */
  handlingBodyId?: string | null;
  clearance?: Clearance;
}

/**
 * Changes a staff member's name, role, body or clearance. The rules a new account follows hold after the
 * change too: a handler has a body and only a handler has one; a role not placed by area keeps no areas,
 * and a grid worker is never city-wide. Nobody changes their own role or clearance (an administrator
 * cannot lock the city out of its last administrator, or raise their own clearance).
 */
export async function changeStaffMember(
  db: Db,
  actor: Actor,
  userId: string,
  changes: StaffChanges,
): Promise<StaffMember> {
  if (!mayDo(actor, 'users.manage')) throw adminOnly('change staff accounts');
  const user = await db
    .selectFrom('users')
    .select(['role', 'handling_body_id', 'city_wide'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.role === 'citizen') throw new AppError('USER_ERR_NOT_FOUND', 404, 'There is no such staff member');
  if (userId === actor.userId && (changes.role !== undefined || changes.clearance !== undefined)) {
    throw badChange('Nobody changes their own role or clearance; ask another administrator');
  }
  if (changes.role === 'citizen') throw badChange('Citizens sign up by phone; a staff account cannot become one');
  const role = changes.role ?? user.role;
  const bodyId = changes.handlingBodyId !== undefined ? changes.handlingBodyId : user.handling_body_id;
  if ((role === 'handler') !== (bodyId !== null)) {
    throw badChange('A handler needs a handling body, and only a handler has one', { role });
  }
  if (bodyId !== null && changes.handlingBodyId !== undefined) {
    const body = await db.selectFrom('handling_bodies').select('id').where('id', '=', bodyId).executeTakeFirst();
    if (!body) throw unknownHandlingBody(bodyId);
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
        ...(changes.clearance !== undefined ? { clearance: changes.clearance } : {}),
        role,
        handling_body_id: bodyId,
        city_wide: user.city_wide && CITY_WIDE_ROLES.includes(role),
      })
      .where('id', '=', userId)
      .execute();
    if (!AREA_ROLES.includes(role)) await writeAreas(trx, userId, []);
  });
  const [changed] = await listStaff(db, actor, userId);
  return changed!;
}
