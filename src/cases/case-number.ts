import type { Transaction } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * The next `count` case numbers for the year, e.g. "2026-000123". The counter row is moved by `count` in
 * the caller's transaction (upsert holds its row lock), so numbers are unique across app instances and
 * never reused by a rolled-back intake's successor; an import takes a batch's numbers in one step.
 */
export async function reserveCaseNumbers(trx: Transaction<Database>, year: number, count: number): Promise<string[]> {
  const row = await trx
    .insertInto('case_number_counters')
    .values({ year, last_value: count })
    .onConflict((oc) =>
      oc.column('year').doUpdateSet((eb) => ({ last_value: eb('case_number_counters.last_value', '+', count) })),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return Array.from({ length: count }, (_, i) => `${year}-${String(row.last_value - count + 1 + i).padStart(6, '0')}`);
}

/** The next case number for the year. */
export async function nextCaseNumber(trx: Transaction<Database>, year: number): Promise<string> {
  return (await reserveCaseNumbers(trx, year, 1))[0] as string;
}

/** The calendar year of an instant in the city's time zone (a case at 00:30 on 1 January is next year's). */
export function yearIn(timeZone: string, at: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}
