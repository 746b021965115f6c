import type { Transaction } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * Next case number for the year, e.g. "2026-000123". The counter row is incremented in the caller's
 * transaction (upsert holds its row lock), so numbers are unique across app instances and never reused
 * by a rolled-back intake's successor.
 */
export async function nextCaseNumber(trx: Transaction<Database>, year: number): Promise<string> {
  const row = await trx
    .insertInto('case_number_counters')
    .values({ year, last_value: 1 })
    .onConflict((oc) =>
      oc.column('year').doUpdateSet((eb) => ({ last_value: eb('case_number_counters.last_value', '+', 1) })),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return `${year}-${String(row.last_value).padStart(6, '0')}`;
}

/** The calendar year of an instant in the city's time zone (a case at 00:30 on 1 January is next year's). */
export function yearIn(timeZone: string, at: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}
