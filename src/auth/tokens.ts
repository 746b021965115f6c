import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { type Actor, actorColumns, hashToken, toActor } from '../organizations/index.ts';

export interface TokenOptions {
  label: string;
  /** What the token may do (policy scopes), or ['*'] for everything its user's role may. */
  scopes: string[];
  expiresAt: Date | null;
}

/** Issues a new API token for a user; only its hash is stored, so the token is shown once. */
export async function issueApiToken(
  db: Db,
  userId: string,
  options: TokenOptions,
): Promise<{ id: string; token: string }> {
  const token = `cg_${randomBytes(24).toString('base64url')}`;
  const row = await db
    .insertInto('api_tokens')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      label: options.label,
      scopes: options.scopes,
      expires_at: options.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** The user a live token acts for, limited to the token's scopes. */
export async function actorForToken(db: Db, token: string, now: Date): Promise<Actor | undefined> {
  // The token and its user in one query: this runs on every request a system makes.
  const row = await actorColumns(db)
    .innerJoin('api_tokens', 'api_tokens.user_id', 'users.id')
    .select(['api_tokens.scopes', 'api_tokens.last_used_at', 'api_tokens.token_hash'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const actor = toActor(row);
  // Written at most once a minute: enough to tell which tokens are still in use.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('token_hash', '=', row.token_hash).execute();
  }
  return { ...actor, scopes: row.scopes };
}

export interface TokenSummary {
  id: string;
  label: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

export async function listApiTokens(db: Db, userId: string): Promise<TokenSummary[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'scopes', 'created_at', 'expires_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    scopes: r.scopes,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes one of the user's own tokens; false when they have no such live token. */
export async function revokeApiToken(db: Db, userId: string, tokenId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
