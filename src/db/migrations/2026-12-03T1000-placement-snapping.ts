import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * A case whose point lay just outside every area and was placed on the nearest one records how far out it
 * was (metres), so the dispatcher sees the placement was a snap, not a hit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cases add column placement_snapped_metres double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column if exists placement_snapped_metres`.execute(db);
}
