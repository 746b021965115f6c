import { createHash, randomBytes } from 'node:crypto';
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

export async function actorForToken(db: Db, token: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.handling_body_id',
      'users.person_id',
    ])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row && toActor(row, await jurisdictionOf(db, row.id));
}

export async function actorForUsername(db: Db, username: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'handling_body_id', 'person_id'])
    .where('username', '=', username)
    .executeTakeFirst();
  return row && toActor(row, await jurisdictionOf(db, row.id));
}

async function jurisdictionOf(db: Db, userId: string): Promise<string[] | null> {
  const rows = await db
    .selectFrom('user_jurisdictions')
    .select('area_code')
    .where('user_id', '=', userId)
    .orderBy('area_code')
    .execute();
  return rows.length ? rows.map((r) => r.area_code) : null;
}

function toActor(
  row: {
    id: string;
    username: string;
    display_name: string;
    role: Role;
    handling_body_id: string | null;
    person_id: string | null;
  },
  jurisdiction: string[] | null,
): Actor {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    handlingBodyId: row.handling_body_id,
    personId: row.person_id,
    jurisdiction,
  };
}
