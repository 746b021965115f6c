import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

export async function up(db: Kysely<any>): Promise<void> {
  // The areas a user works in, as area codes (each covers every area below it). A grid worker's grids;
  // a district's staff their district. A user with none is city-wide (or scoped otherwise by role).
  await sql`
    create table user_jurisdictions (
      user_id uuid not null references users (id) on delete cascade,
      area_code text not null check (area_code ~ '^[0-9]{1,15}$'),
      primary key (user_id, area_code)
    )`.execute(db);
  await sql`create index user_jurisdictions_area_idx on user_jurisdictions (area_code text_pattern_ops)`.execute(db);

  // The community committee or street office responsible for an area (a unit grid, usually).
  await sql`
    create table area_responsibilities (
      area_code text primary key check (area_code ~ '^[0-9]{1,15}$'),
      handling_body_id uuid not null references handling_bodies (id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists area_responsibilities`.execute(db);
  await sql`drop table if exists user_jurisdictions`.execute(db);
}
