import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * Sign-in lockout with backoff, kept in the database so every instance sees the same count. A user name
 * is locked after 5 failures within 15 minutes; an address after 30 (a hotline centre shares one address).
 * A phone number is never locked: wrong codes void the code instead (sign-in.ts), so guessing cannot lock
 * a resident out.
 * Attempts while locked are refused unchecked; each further failure once a lock has ended (within the
 * window) doubles the next lock, from 1 minute up to an hour.
 */
const WINDOW_MS = 15 * 60_000;
const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_MS = 60 * 60_000;
const LIMITS = { user: 5, ip: 30 } as const;

export type ThrottleKey = `${keyof typeof LIMITS}:${string}`;

/** When the earliest of these keys is free again, or null when none is locked. */
export async function lockedUntil(db: Db, keys: ThrottleKey[], now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

export async function recordFailure(db: Db, keys: ThrottleKey[], now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  for (const key of keys) {
    const limit = LIMITS[key.slice(0, key.indexOf(':')) as keyof typeof LIMITS];
    // One statement per key: concurrent failures from several instances all count.
    await sql`
      insert into sign_in_throttle as t (key, failures, first_failure_at, locked_until)
      values (${key}, 1, ${now}, null)
      on conflict (key) do update set
        failures = case when t.first_failure_at < ${windowStart} and (t.locked_until is null or t.locked_until < ${now})
          then 1 else t.failures + 1 end,
        first_failure_at = case when t.first_failure_at < ${windowStart}
          and (t.locked_until is null or t.locked_until < ${now}) then ${now} else t.first_failure_at end,
        locked_until = case when t.failures + 1 >= ${limit} and not (t.first_failure_at < ${windowStart}
          and (t.locked_until is null or t.locked_until < ${now}))
          then ${now}::timestamptz + least(${MAX_LOCK_MS}, ${FIRST_LOCK_MS} * power(2, t.failures + 1 - ${limit}))
            * interval '1 millisecond'
          else t.locked_until end`.execute(db);
  }
}

export async function clearFailures(db: Db, keys: ThrottleKey[]): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', 'in', keys).execute();
}
