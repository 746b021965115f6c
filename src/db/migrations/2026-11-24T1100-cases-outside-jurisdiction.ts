import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/** A case whose point lies in no area of the city is kept, flagged, and left to the dispatcher. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cases add column outside_jurisdiction boolean not null default false`.execute(db);
  await sql`create index cases_outside_idx on cases (created_at desc) where outside_jurisdiction`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column if exists outside_jurisdiction`.execute(db);
}
