import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { type Actor, actorColumns, hashToken, toActor } from '../organizations/index.ts';

export const SESSION_COOKIE = 'cg_session';

export interface SessionTimes {
  /** A session ends after this long without a request… */
  idleMinutes: number;
  /** …and after this long in any case (a new sign-in is then needed). */
  absoluteHours: number;
}

export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  db: Db,
  userId: string,
  ip: string | null,
  now: Date,
  times: SessionTimes,
): Promise<NewSession> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + times.idleMinutes * 60_000);
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(cookieValue),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      ip,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

export interface ActiveSession {
  actor: Actor;
  csrfToken: string;
  idHash: string;
}

/**
 * The user behind a session cookie, if the session is live; each use moves its idle expiry on (written at
 * most once a minute, so reading pages does not turn into a write per request).
 */
export async function sessionFor(
  db: Db,
  cookieValue: string,
  now: Date,
  times: SessionTimes,
): Promise<ActiveSession | undefined> {
  const idHash = hashToken(cookieValue);
  // The session and its user in one query: this runs on every console request.
  const session = await actorColumns(db)
    .innerJoin('sessions', 'sessions.user_id', 'users.id')
    .select(['sessions.csrf_token', 'sessions.created_at', 'sessions.last_seen_at'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!session) return undefined;
  const actor = toActor(session);
  if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
    const absoluteEnd = new Date(session.created_at).getTime() + times.absoluteHours * 3_600_000;
    const expiresAt = new Date(Math.min(absoluteEnd, now.getTime() + times.idleMinutes * 60_000));
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return { actor, csrfToken: session.csrf_token, idHash };
}

export async function revokeSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).execute();
}

export interface RevokedCredentials {
  sessionsEnded: number;
  tokensRevoked: number;
}

/**
 * Ends every credential of a user: all their sessions but `exceptSession` (the one asking, after a
 * password change) and all their API tokens. What a stolen session could have minted must not outlive
 * the owner's recovery (a password change, "sign out everywhere", an administrator's reset or disabling).
 */
export async function revokeCredentials(
  db: Db,
  userId: string,
  now: Date,
  exceptSession?: string,
): Promise<RevokedCredentials> {
  let sessions = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (exceptSession) sessions = sessions.where('id_hash', '!=', exceptSession);
  const ended = await sessions.executeTakeFirst();
  const revoked = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return { sessionsEnded: Number(ended.numUpdatedRows), tokensRevoked: Number(revoked.numUpdatedRows) };
}
