import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CompiledQuery, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { idempotencyKeyReused, idempotentAnswerLost, idempotentRequestInProgress } from './idempotency.errors.ts';

/**
 * Idempotent submissions (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe uses it): a
 * grid worker's phone resends what it queued while it had no signal, and a retry gets the first answer
 * again instead of making a second case or step. The database is the only shared state, so this works
 * with any number of app instances on one PostgreSQL, and on the embedded database alike.
 *
 * One row per (user, key) goes through three states:
 *   running  the first request holds the key and is at work; nothing of it has committed yet
 *   applied  its change committed (the row is marked inside that very transaction, db/commit-hooks.ts)
 *   done     its answer is stored (status, body, Location), or, with no status, known to be lost
 * A request that fails with nothing committed lets go of the key (the row is deleted), so its retry runs
 * anew. Client errors (4xx) are answers like any other: stored and replayed.
 */

/** The longest key accepted (Stripe: 255). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Printable ASCII (space to tilde), as the header's schema says. */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x20-\\x7E]+$';
const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** Keys (and the answers they hold) are kept at least this long; the background sweep forgets them after. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

/** How long a retry waits for the first request with its key to finish before it is told to come back. */
const DEFAULT_WAIT_MS = 30_000;
/** How often a waiting retry looks again (with jitter, so waiters on one key do not poll in step). */
const DEFAULT_POLL_MS = 75;
/**
 * A row that has been 'running' this long belongs to a request whose instance died before it committed
 * anything (no handler runs for minutes): another request may take the key over. An 'applied' row this old
 * will never get its answer.
 */
const DEFAULT_STALE_AFTER_SECONDS = 120;
/** What an answer of "still in progress" tells the client to wait before trying again. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 5;

export function isIdempotencyKey(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length >= 1 && value.length <= IDEMPOTENCY_KEY_MAX_LENGTH && KEY.test(value)
  );
}

/** One user's key: keys are per user, so two users' phones may happen to send the same one. */
export interface IdempotencyKeyRef {
  ownerUserId: string;
  key: string;
}

/** The first answer, as it is replayed. */
export interface StoredAnswer {
  status: number;
  /** The serialized body ('' for none). */
  body: string;
  location: string | null;
}

export interface ClaimOptions {
  /** How long to wait for a first request still at work (default 30 s). */
  waitMs?: number;
  /** How often to look again while waiting (default about 75 ms). */
  pollMs?: number;
  /** After how long a 'running' row may be taken over, and an 'applied' one counts as lost (default 120 s). */
  staleAfterSeconds?: number;
}

/** Either this request runs (it holds the key now), or the first request's answer is to be replayed. */
export type Claim = { run: true } | { run: false; answer: StoredAnswer };

/**
 * The SHA-256 (hex) of what makes two requests the same request: the method, the route's URL with its
 * parameters filled in, and the body as canonical JSON (object keys sorted).
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${url}\n`).update(canonicalJson(body)).digest('hex');
}

/** JSON with every object's keys in code-unit order, so `{a, b}` and `{b, a}` are the same body. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? Object.fromEntries(
            Object.entries(item).sort(([a], [b]) => {
              if (a < b) return -1;
              return a > b ? 1 : 0;
            }),
          )
        : item,
    ) ?? ''
  );
}

const ofKey = (ref: IdempotencyKeyRef) => ({ owner_user_id: ref.ownerUserId, key: ref.key });
const olderThan = (seconds: number) => sql<boolean>`updated_at < now() - make_interval(secs => ${seconds})`;

/**
 * Claims a key for a request, or finds the first answer to replay:
 *  - a key never seen (or let go of): inserted as 'running', and this request runs;
 *  - seen with another fingerprint: 422 IDEMPOTENCY_ERR_KEY_REUSED, whatever its state;
 *  - done: its answer is replayed (409 IDEMPOTENCY_ERR_ANSWER_LOST if the answer was lost);
 *  - running or applied (the first request is at work, maybe on another instance): waits for it, polling,
 *    then replays; if it failed and let go, claims the key again; still at work after the wait: 409
 *    IDEMPOTENCY_ERR_IN_PROGRESS with Retry-After;
 *  - running for minutes (its instance died before committing): taken over by one conditional UPDATE, so
 *    of several retries exactly one wins;
 *  - applied for minutes (its instance died after committing, before answering): 409 ANSWER_LOST, never
 *    run again.
 */
export async function claimIdempotencyKey(
  db: Db,
  ref: IdempotencyKeyRef,
  fingerprint: string,
  options: ClaimOptions = {},
): Promise<Claim> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const staleAfter = options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ ...ofKey(ref), fingerprint, state: 'running' })
      .onConflict((conflict) => conflict.columns(['owner_user_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { run: true };

    const row = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'state', 'response_status', 'response_body', 'response_location'])
      .select(olderThan(staleAfter).as('stale'))
      .where('owner_user_id', '=', ref.ownerUserId)
      .where('key', '=', ref.key)
      .executeTakeFirst();
    if (!row) continue; // the first request failed and let go of the key in between: claim it again
    if (row.fingerprint !== fingerprint) throw idempotencyKeyReused();
    if (row.state === 'done') {
      if (row.response_status === null) throw idempotentAnswerLost();
      return {
        run: false,
        answer: { status: row.response_status, body: row.response_body ?? '', location: row.response_location },
      };
    }
    if (row.stale) {
      if (row.state === 'applied') throw idempotentAnswerLost();
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ updated_at: sql`now()` })
        .where('owner_user_id', '=', ref.ownerUserId)
        .where('key', '=', ref.key)
        .where('state', '=', 'running')
        .where(olderThan(staleAfter))
        .returning('key')
        .executeTakeFirst();
      if (taken) return { run: true };
      continue; // another retry took it over, or the first one moved on after all
    }
    const left = deadline - Date.now();
    if (left <= 0) throw idempotentRequestInProgress(IN_PROGRESS_RETRY_AFTER_SECONDS);
    await sleep(Math.min(left, pollMs * (0.67 + Math.random() * 0.66)));
  }
}

/**
 * The query marking a key's change as committed, to run inside the change's own transaction just before
 * its COMMIT (db/commit-hooks.ts), so "the effect committed" and "the key is applied" commit together.
 */
export function markAppliedQuery(db: Db, ref: IdempotencyKeyRef): CompiledQuery {
  return db
    .updateTable('idempotency_keys')
    .set({ state: 'applied', updated_at: sql`now()` })
    .where('owner_user_id', '=', ref.ownerUserId)
    .where('key', '=', ref.key)
    .where('state', '=', 'running')
    .compile();
}

/**
 * Stores the first request's answer for its retries (state 'done'). `null`: the answer cannot be kept
 * (not text): retries are then told it was lost, and never run the request again.
 */
export async function storeIdempotentAnswer(db: Db, ref: IdempotencyKeyRef, answer: StoredAnswer | null) {
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: answer?.status ?? null,
      response_body: answer?.body ?? null,
      response_location: answer?.location ?? null,
      updated_at: sql`now()`,
    })
    .where('owner_user_id', '=', ref.ownerUserId)
    .where('key', '=', ref.key)
    .where('state', 'in', ['running', 'applied'])
    .execute();
}

/**
 * After a failure on our side (5xx): a request that committed nothing lets go of its key, so its retry
 * runs anew ('released'); one whose change did commit keeps it, and its retries are told the answer was
 * lost ('answer-lost'), since running it again would do it twice.
 */
export async function releaseIdempotencyKey(db: Db, ref: IdempotencyKeyRef): Promise<'released' | 'answer-lost'> {
  const deleted = await db
    .deleteFrom('idempotency_keys')
    .where('owner_user_id', '=', ref.ownerUserId)
    .where('key', '=', ref.key)
    .where('state', '=', 'running')
    .executeTakeFirst();
  if (deleted.numDeletedRows > 0n) return 'released';
  await storeIdempotentAnswer(db, ref, null);
  return 'answer-lost';
}

/**
 * Forgets keys older than a day, answers included: a conditional DELETE, so every instance may sweep at
 * once. Returns how many were forgotten.
 */
export async function deleteExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000);
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
