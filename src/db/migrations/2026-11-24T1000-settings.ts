import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/** Small facts about the installation itself, e.g. whether the demo city finished loading. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table app_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists app_settings`.execute(db);
}
