import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Clearance, Role } from './organizations.tables.ts';

/** The signed-in user on whose behalf a domain function acts. Every domain function takes one. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId: string | null;
  personId: string | null;
  /**
   * Where the user's staff work reaches: 'city' with a city-wide grant, else the areas they work in, as
   * code prefixes (none: no cases at all). Citizens and handlers are reached by their own cases and their
   * body instead, and have no areas.
   */
  jurisdiction: Jurisdiction;
  /** The highest data classification the user may receive. */
  clearance: Clearance;
  /** What the credential may do: an API token's scopes, or null for a console session (all the role may). */
  scopes: string[] | null;
}

export type Jurisdiction = 'city' | string[];

/** The stored form of a bearer secret (API token, session id): SHA-256, since the secret itself is random. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The user's columns an actor is made of, with their areas in the same query (every request asks).
 * Exported for sign-in, which joins its session or token to it: one query per request.
 */
export function actorColumns(db: Db) {
  return db
    .selectFrom('users')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.handling_body_id',
      'users.person_id',
      'users.clearance',
      'users.city_wide',
      sql<string[]>`array(select area_code from user_jurisdictions where user_id = users.id order by area_code)`.as(
        'jurisdiction',
      ),
    ]);
}

/** The user as an actor (a disabled user is none). Scopes are the credential's: set by the caller. */
export async function actorForUserId(db: Db, userId: string): Promise<Actor | undefined> {
  const row = await actorColumns(db)
    .where('users.id', '=', userId)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  return row && toActor(row);
}

export async function actorForUsername(db: Db, username: string): Promise<Actor | undefined> {
  const row = await actorColumns(db).where('users.username', '=', username).executeTakeFirst();
  return row && toActor(row);
}

export function toActor(row: {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  handling_body_id: string | null;
  person_id: string | null;
  clearance: Clearance;
  city_wide: boolean;
  jurisdiction: string[];
}): Actor {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    handlingBodyId: row.handling_body_id,
    personId: row.person_id,
    jurisdiction: row.city_wide ? 'city' : row.jurisdiction,
    clearance: row.clearance,
    scopes: null,
  };
}
