import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** Months made ahead of the current one, so a partition is there before its first reading. */
const MONTHS_AHEAD = 2;

const monthName = (start: Date) =>
  `sensor_readings_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Makes the readings' monthly partitions for this month and the next ones where they are missing (see the
 * sensors migration for why ahead and not on demand). Only the table's owner may: run as the servers' own
 * role (README, "Two roles") it cannot, and says so in `failed`; `civicgrid migrate`'s role can. A month
 * whose readings already went to the default partition cannot get its own either (PostgreSQL refuses):
 * those readings stay where they are, and are still found through `sensor_readings`.
 */
export async function ensureReadingPartitions(
  db: Db,
  now: Date,
): Promise<{ created: string[]; failed: { name: string; reason: string }[] }> {
  const created: string[] = [];
  const failed: { name: string; reason: string }[] = [];
  for (let i = 0; i <= MONTHS_AHEAD; i++) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i + 1, 1));
    const name = monthName(start);
    const { rows } = await sql<{ found: string | null }>`
      select to_regclass(${`sensor_partitions.${name}`})::text as found`.execute(db);
    if (rows[0]?.found) continue;
    try {
      await db.transaction().execute(async (trx) => {
        // Instances take turns: the second finds the partition made.
        await sql`select pg_advisory_xact_lock(hashtext('civicgrid:sensor-partitions'))`.execute(trx);
        await sql`create table if not exists ${sql.table(`sensor_partitions.${name}`)} partition of sensor_readings
          for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(trx);
      });
      created.push(name);
    } catch (error) {
      failed.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { created, failed };
}
