import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { type AuditKeys, appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { Db } from '../db/database.ts';
import { defineError } from '../lib/app-error.ts';
import { deliverNotificationNow, enqueueSignInCode, type MessageSender } from '../notifications/index.ts';
import { type Actor, actorForUserId, registerCitizen } from '../organizations/index.ts';
import {
  currentBlindIndex,
  findCitizenByPhone,
  type Keyring,
  normalisePhone,
  recordPerson,
  seal,
} from '../privacy/index.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { type RevokedCredentials, revokeCredentials } from './sessions.ts';
import { clearFailures, lockedUntil, recordFailure, type ThrottleKey } from './throttle.ts';

export const badCredentials = defineError('AUTH_ERR_BAD_CREDENTIALS', 401, () => ({
  message: 'The user name or password is not right',
}));
export const lockedOut = defineError('AUTH_ERR_LOCKED', 429, (until: Date, now: Date) => ({
  message: 'Too many failed sign-ins: try again later',
  details: { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
}));
export const weakPassword = defineError('AUTH_ERR_WEAK_PASSWORD', 400, (problems: string[]) => ({
  message: `Choose a stronger password: ${problems.join('; ')}`,
  details: { problems },
}));
const badCode = defineError('AUTH_ERR_BAD_CODE', 401, () => ({
  message: 'The code is not right or has expired: ask for a new one',
}));
const notAMobile = defineError('AUTH_ERR_PHONE', 400, () => ({
  message: 'Give a mainland mobile number (11 digits, starting with 1)',
}));

export interface AuthDeps {
  db: Db;
  keyring: Keyring;
  /** Citizens may sign in by phone (off when no SMS gateway is configured in production). Default on. */
  phoneSignIn?: boolean;
  /** Sends a sign-in code as soon as it is queued; without one (tests, tools) the outbox's sweep sends it. */
  sender?: MessageSender;
}

function audit(
  db: Db,
  keys: AuditKeys,
  action: string,
  userId: string | null,
  role: string | null,
  now: Date,
  origin: RequestOrigin,
  details = {},
) {
  return appendAudit(db, keys, { at: now, actorUserId: userId, actorRole: role, action, details, ...origin });
}

/**
 * Signs in with user name and password. Failures count against the user name and the address; once
 * either is locked, even the right password is refused until the lock ends (that is what makes guessing
 * slow). Attempts on one user name take turns (a transaction-scoped advisory lock), so guesses sent in
 * parallel cannot all be checked before the first failure is counted. Every attempt is in the audit trail;
 * the name typed is kept only when it is a user's (a password typed into the wrong field is not).
 */
export async function signInWithPassword(
  deps: AuthDeps,
  input: { username: string; password: string },
  now: Date,
  origin: RequestOrigin,
): Promise<Actor> {
  const username = input.username.trim().toLowerCase();
  const keys: ThrottleKey[] = [`user:${username}`, `ip:${origin.ip ?? 'unknown'}`];
  // The outcome leaves the transaction as a value: a refusal thrown inside would roll back its count.
  const outcome = await deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`sign-in:${username}`}))`.execute(trx);
    const until = await lockedUntil(trx, keys, now);
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'password_hash', 'disabled_at'])
      .where('username', '=', username)
      .executeTakeFirst();
    const known = user ? { username } : {};
    if (until) {
      await audit(trx, deps.keyring, 'auth.sign_in_locked', user?.id ?? null, user?.role ?? null, now, origin, known);
      return { kind: 'locked', until } as const;
    }
    const ok = await verifyPassword(user && !user.disabled_at ? user.password_hash : null, input.password);
    const actor = ok && user ? await actorForUserId(trx, user.id) : undefined;
    if (!actor) {
      await recordFailure(trx, keys, now);
      await audit(trx, deps.keyring, 'auth.sign_in_failed', user?.id ?? null, user?.role ?? null, now, origin, known);
      return { kind: 'refused' } as const;
    }
    await clearFailures(trx, [`user:${username}`]);
    await audit(trx, deps.keyring, 'auth.sign_in', actor.userId, actor.role, now, origin);
    return { kind: 'signed_in', actor } as const;
  });
  if (outcome.kind === 'locked') throw lockedOut(outcome.until, now);
  if (outcome.kind === 'refused') throw badCredentials();
  return outcome.actor;
}

/**
 * Sets a user's password (checked against the policy; the caller has checked who may) and, in the same
 * transaction, ends every session of theirs but `exceptSession` and revokes every API token: a password
 * is changed to shut someone out, and nothing they could use may outlive it.
 */
export async function setPassword(
  db: Db,
  userId: string,
  username: string,
  password: string,
  now: Date,
  exceptSession?: string,
): Promise<RevokedCredentials> {
  const problems = passwordProblems(password, username);
  if (problems.length) throw weakPassword(problems);
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now })
      .where('id', '=', userId)
      .execute();
    return revokeCredentials(trx, userId, now, exceptSession);
  });
}

/** Changes one's own password, which needs the current one; every other session and token of theirs ends. */
export async function changePassword(
  deps: AuthDeps,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  now: Date,
  origin: RequestOrigin,
  thisSession?: string,
): Promise<RevokedCredentials> {
  // Guessing the current password from a stolen session counts against the same lockout as signing in.
  const keys: ThrottleKey[] = [`user:${actor.username.toLowerCase()}`, `ip:${origin.ip ?? 'unknown'}`];
  const until = await lockedUntil(deps.db, keys, now);
  if (until) {
    await audit(deps.db, deps.keyring, 'auth.password_change_locked', actor.userId, actor.role, now, origin);
    throw lockedOut(until, now);
  }
  const row = await deps.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  if (!(await verifyPassword(row?.password_hash ?? null, input.currentPassword))) {
    await recordFailure(deps.db, keys, now);
    await audit(deps.db, deps.keyring, 'auth.password_change_failed', actor.userId, actor.role, now, origin);
    throw badCredentials();
  }
  const revoked = await setPassword(deps.db, actor.userId, actor.username, input.newPassword, now, thisSession);
  await audit(deps.db, deps.keyring, 'auth.password_changed', actor.userId, actor.role, now, origin, revoked);
  return revoked;
}

export const CODE_MINUTES = 5;
const CODE_INTERVAL_SECONDS = 60;
const MAX_CODE_ATTEMPTS = 5;
/**
 * Text messages cost the city money (SMS pumping), so codes are limited: per number a day, per address an
 * hour (generous: mobile networks put many residents behind one address), and per number from one address
 * a day, so that one attacker cannot use up a resident's codes for the day (it takes several addresses).
 */
const CODES_PER_NUMBER_PER_DAY = 10;
const CODES_PER_ADDRESS_PER_HOUR = 20;
const CODES_PER_NUMBER_FROM_ADDRESS_PER_DAY = 3;
const MOBILE = /^1[3-9][0-9]{9}$/;

const codeTooSoon = defineError('AUTH_ERR_CODE_TOO_SOON', 429, (seconds: number) => ({
  message: `A code was sent just now: wait ${seconds} s before asking for another`,
  details: { retryAfterSeconds: seconds },
}));
const tooManyCodes = defineError('AUTH_ERR_CODE_LIMIT', 429, (message: string, seconds: number) => ({
  message,
  details: { retryAfterSeconds: seconds },
}));
const phoneSignInOff = defineError('AUTH_ERR_PHONE_SIGN_IN_OFF', 503, () => ({
  message: 'Signing in by phone is not available: no SMS gateway is configured. Call 12345 instead',
}));

/** Codes are filed under a keyed hash of the phone (its own kind of index), never the number in clear. */
function currentPhoneIndex(keyring: Keyring, phone: string): string {
  return currentBlindIndex(keyring, 'sign-in phone', phone);
}

function codeHash(codeId: string, code: string): Buffer {
  return createHash('sha256').update(`${codeId}:${code}`).digest();
}

const secondsUntil = (at: Date, now: Date) => Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));

/**
 * Sends a one-time code to a mobile number through the outbox (the city's SMS gateway; the log in
 * development). No account or person is made for the number until the code is verified, so asking for
 * codes to random numbers fills no table but the short-lived codes, and the reply never tells whether a
 * number is known. The number is kept sealed with the code, for sending it.
 */
export async function requestSignInCode(deps: AuthDeps, phoneInput: string, now: Date, origin: RequestOrigin) {
  if (deps.phoneSignIn === false) throw phoneSignInOff();
  const phone = normalisePhone(phoneInput);
  if (!MOBILE.test(phone)) throw notAMobile();
  const phoneIndex = currentPhoneIndex(deps.keyring, phone);
  const notificationId = await deps.db.transaction().execute(async (trx) => {
    // Requests for one number take turns, so parallel requests cannot all pass the limits.
    await sql`select pg_advisory_xact_lock(hashtext(${`sign-in code:${phoneIndex}`}))`.execute(trx);
    await checkCodeLimits(trx, phoneIndex, origin.ip ?? null, now);
    const codeId = crypto.randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await trx
      .insertInto('sign_in_codes')
      .values({
        id: codeId,
        phone_index: phoneIndex,
        code_hash: codeHash(codeId, code).toString('hex'),
        sealed_phone: seal(deps.keyring, phone, codeId),
        key_id: deps.keyring.current.id,
        ip: origin.ip ?? null,
        created_at: now,
        expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
        used_at: null,
      })
      .execute();
    const queued = await enqueueSignInCode(trx, codeId, { code, minutes: String(CODE_MINUTES) }, now);
    await audit(trx, deps.keyring, 'auth.code_sent', null, null, now, origin);
    return queued;
  });
  // The citizen is waiting for the code: sent now that it is committed, not at the sweep's next round.
  // Whatever goes wrong here, the code stays queued and the sweep sends it (and records its failures).
  if (deps.sender)
    await deliverNotificationNow(deps.db, deps.keyring, deps.sender, notificationId, now).catch(() => false);
  return { expiresInSeconds: CODE_MINUTES * 60 };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

async function checkCodeLimits(db: Db, phoneIndex: string, ip: string | null, now: Date) {
  const last = await db
    .selectFrom('sign_in_codes')
    .select('created_at')
    .where('phone_index', '=', phoneIndex)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (last && now.getTime() - last.created_at.getTime() < CODE_INTERVAL_SECONDS * 1000) {
    throw codeTooSoon(secondsUntil(new Date(last.created_at.getTime() + CODE_INTERVAL_SECONDS * 1000), now));
  }
  const limits = [
    {
      codes: CODES_PER_NUMBER_PER_DAY,
      windowMs: DAY_MS,
      of: { phone_index: phoneIndex },
      message: 'This number has been sent as many codes as a day allows: try again later',
    },
    ...(ip
      ? [
          {
            codes: CODES_PER_NUMBER_FROM_ADDRESS_PER_DAY,
            windowMs: DAY_MS,
            of: { phone_index: phoneIndex, ip },
            message: 'Too many codes were asked for this number from your address: try again later',
          },
          {
            codes: CODES_PER_ADDRESS_PER_HOUR,
            windowMs: HOUR_MS,
            of: { ip },
            message: 'Too many codes were asked for from your address: try again later',
          },
        ]
      : []),
  ];
  for (const limit of limits) {
    let query = db
      .selectFrom('sign_in_codes')
      .select('created_at')
      .where('created_at', '>', new Date(now.getTime() - limit.windowMs));
    for (const [column, value] of Object.entries(limit.of)) {
      query = query.where(column as 'phone_index' | 'ip', '=', value);
    }
    // The oldest codes in the window: once it is full, a new one may be sent when the oldest leaves it.
    const inWindow = await query.orderBy('created_at', 'asc').limit(limit.codes).execute();
    if (inWindow.length >= limit.codes) {
      const freed = new Date(inWindow[0]!.created_at.getTime() + limit.windowMs);
      throw tooManyCodes(limit.message, secondsUntil(freed, now));
    }
  }
}

/**
 * Checks a one-time code (each code: one use, a few tries, a few minutes) and returns the citizen, whose
 * person and account are made now if the number has none. Wrong codes count against the code (it is void
 * after a few) and the address, never the number: guessing must not lock a resident out of their account.
 */
export async function signInWithCode(
  deps: AuthDeps,
  input: { phone: string; code: string },
  now: Date,
  origin: RequestOrigin,
): Promise<Actor> {
  if (deps.phoneSignIn === false) throw phoneSignInOff();
  const phone = normalisePhone(input.phone);
  if (!MOBILE.test(phone)) throw notAMobile();
  const phoneIndex = currentPhoneIndex(deps.keyring, phone);
  const throttle: ThrottleKey[] = [`ip:${origin.ip ?? 'unknown'}`];
  const until = await lockedUntil(deps.db, throttle, now);
  if (until) {
    await audit(deps.db, deps.keyring, 'auth.code_locked', null, null, now, origin);
    throw lockedOut(until, now);
  }
  const actor = await deps.db.transaction().execute(async (trx) => {
    // Codes for one number are checked in turn: two right codes at once must not make two accounts.
    await sql`select pg_advisory_xact_lock(hashtext(${`sign-in code:${phoneIndex}`}))`.execute(trx);
    const pending = await trx
      .selectFrom('sign_in_codes')
      .select(['id', 'code_hash', 'attempts'])
      .where('phone_index', '=', phoneIndex)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .forUpdate()
      .executeTakeFirst();
    if (!pending || pending.attempts >= MAX_CODE_ATTEMPTS) return undefined;
    const matches = timingSafeEqual(codeHash(pending.id, input.code.trim()), Buffer.from(pending.code_hash, 'hex'));
    await trx
      .updateTable('sign_in_codes')
      // A used code's number is needed no more.
      .set(matches ? { used_at: now, sealed_phone: null, key_id: null } : { attempts: pending.attempts + 1 })
      .where('id', '=', pending.id)
      .execute();
    if (!matches) return undefined;
    // Signed in: the number's other codes, older ones still pending, are void.
    await trx
      .updateTable('sign_in_codes')
      .set({ used_at: now, sealed_phone: null, key_id: null })
      .where('phone_index', '=', phoneIndex)
      .where('used_at', 'is', null)
      .execute();
    let citizen = await findCitizenByPhone(trx, deps.keyring, phone);
    if (!citizen) {
      const personId = await recordPerson(trx, deps.keyring, { phone });
      const userId = await registerCitizen(trx, personId, `市民 ${phone.slice(0, 3)}****${phone.slice(-4)}`);
      citizen = { personId, userId };
    }
    return actorForUserId(trx, citizen.userId);
  });
  if (!actor) {
    await recordFailure(deps.db, throttle, now);
    await audit(deps.db, deps.keyring, 'auth.code_failed', null, null, now, origin);
    throw badCode();
  }
  await audit(deps.db, deps.keyring, 'auth.sign_in', actor.userId, actor.role, now, origin, { by: 'phone' });
  return actor;
}

/**
 * A code's number is kept only while the code may still be sent or used: forgotten an hour after it
 * expired. The code itself is kept a day, what the limits per number and per address count, then deleted
 * (with its outbox message).
 */
export async function forgetExpiredSignInCodes(db: Db, now: Date): Promise<number> {
  const result = await db
    .updateTable('sign_in_codes')
    .set({ sealed_phone: null, key_id: null })
    .where('sealed_phone', 'is not', null)
    .where('expires_at', '<', new Date(now.getTime() - HOUR_MS))
    .executeTakeFirst();
  await db
    .deleteFrom('sign_in_codes')
    .where('created_at', '<', new Date(now.getTime() - DAY_MS - HOUR_MS))
    .execute();
  return Number(result.numUpdatedRows);
}
