import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Role } from './organizations.tables.ts';

/** The signed-in user on whose behalf a domain function acts. Every domain function takes one. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  handlingBodyId: string | null;
  personId: string | null;
  /**
   * The areas the user works in, as code prefixes; null when the user is not limited to areas (city-wide
   * roles; citizens and handlers are scoped by their own cases and their body instead).
   */
  jurisdiction: string[] | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a new API token for a user; only its hash is stored, so the token is shown once. */
export async function issueApiToken(db: Db, userId: string, label: string): Promise<string> {
  const token = `cg_${randomBytes(24).toString('base64url')}`;
  await db
    .insertInto('api_tokens')
    .values({ token_hash: hashToken(token), user_id: userId, label })
    .execute();
  return token;
}

/** The user's columns an actor is made of, with their areas in the same query (every request asks). */
function actorColumns(db: Db) {
  return db
    .selectFrom('users')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.handling_body_id',
      'users.person_id',
      sql<string[]>`array(select area_code from user_jurisdictions where user_id = users.id order by area_code)`.as(
        'jurisdiction',
      ),
    ]);
}

export async function actorForToken(db: Db, token: string): Promise<Actor | undefined> {
  const row = await actorColumns(db)
    .innerJoin('api_tokens', 'api_tokens.user_id', 'users.id')
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row && toActor(row);
}

export async function actorForUsername(db: Db, username: string): Promise<Actor | undefined> {
  const row = await actorColumns(db).where('users.username', '=', username).executeTakeFirst();
  return row && toActor(row);
}

function toActor(row: {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  handling_body_id: string | null;
  person_id: string | null;
  jurisdiction: string[];
}): Actor {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    handlingBodyId: row.handling_body_id,
    personId: row.person_id,
    jurisdiction: row.jurisdiction.length ? row.jurisdiction : null,
  };
}
