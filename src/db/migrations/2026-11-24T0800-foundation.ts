import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table handling_bodies (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      name_zh text not null,
      name_en text not null,
      type text not null check (type in ('government_department', 'district_government', 'street_office',
        'community_committee', 'enterprise', 'ngo', 'volunteer_team')),
      parent_id uuid references handling_bodies (id),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table categories (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^([0-9]{2}){1,3}$'),
      parent_id uuid references categories (id),
      level smallint not null check (level between 1 and 3 and length(code) = level * 2),
      name_zh text not null,
      name_en text not null,
      default_body_id uuid references handling_bodies (id),
      response_limit_hours integer check (response_limit_hours > 0),
      handling_limit_days integer check (handling_limit_days > 0)
    )`.execute(db);
  await sql`create index categories_parent_idx on categories (parent_id)`.execute(db);

  await sql`
    create table persons (
      id uuid primary key default gen_random_uuid(),
      name text,
      phone text,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null unique,
      display_name text not null,
      role text not null check (role in ('citizen', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin')),
      handling_body_id uuid references handling_bodies (id),
      person_id uuid references persons (id),
      created_at timestamptz not null default now(),
      check ((role = 'handler') = (handling_body_id is not null))
    )`.execute(db);

  await sql`
    create table api_tokens (
      token_hash text primary key,
      user_id uuid not null references users (id) on delete cascade,
      label text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table grid_areas (
      code text primary key,
      parent_code text references grid_areas (code),
      level text not null check (level in ('city', 'district', 'street', 'community', 'grid')),
      name_zh text not null,
      name_en text not null,
      geometry jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  // Jurisdiction queries are prefix queries on codes ("everything under 430102").
  await sql`create index grid_areas_code_prefix_idx on grid_areas (code text_pattern_ops)`.execute(db);

  await sql`
    create table case_number_counters (
      year integer primary key,
      last_value integer not null
    )`.execute(db);

  await sql`
    create table cases (
      id uuid primary key default gen_random_uuid(),
      case_number text not null unique,
      title text not null check (length(title) between 1 and 200),
      description text not null check (length(description) <= 10000),
      category_id uuid not null references categories (id),
      longitude double precision check (longitude between -180 and 180),
      latitude double precision check (latitude between -90 and 90),
      address text,
      grid_code text,
      channel text not null check (channel in ('web', 'hotline', 'grid_patrol', 'open311', 'import', 'sensor')),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      status text not null check (status in ('reported', 'registered', 'cancelled', 'dispatched', 'in_progress',
        'returned', 'handled', 'verified', 'closed', 'reopened', 'suspended')),
      assigned_body_id uuid references handling_bodies (id),
      reporter_person_id uuid references persons (id),
      reported_by_user_id uuid not null references users (id),
      rework_count integer not null default 0,
      event_count integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz,
      check ((longitude is null) = (latitude is null)),
      check (longitude is not null or address is not null)
    )`.execute(db);
  // The case list pages newest first by (created_at, id); the filters each get an index.
  await sql`create index cases_created_idx on cases (created_at desc, id desc)`.execute(db);
  await sql`create index cases_status_idx on cases (status, created_at desc)`.execute(db);
  await sql`create index cases_category_idx on cases (category_id)`.execute(db);
  await sql`create index cases_body_idx on cases (assigned_body_id)`.execute(db);
  await sql`create index cases_reporter_idx on cases (reported_by_user_id)`.execute(db);
  await sql`create index cases_grid_idx on cases (grid_code text_pattern_ops)`.execute(db);
  await sql`create index cases_text_idx on cases using gin ((title || ' ' || description) gin_trgm_ops)`.execute(db);

  await sql`
    create table case_events (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      seq integer not null,
      action text not null,
      from_status text,
      to_status text not null,
      actor_user_id uuid not null references users (id),
      actor_role text not null,
      note text,
      details jsonb not null default '{}',
      created_at timestamptz not null,
      unique (case_id, seq)
    )`.execute(db);

  // The history of a case is append-only: the database itself refuses to change or remove an event.
  await sql`
    create function case_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'case_events is append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`
    create trigger case_events_append_only before update or delete on case_events
    for each row execute function case_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'case_events',
    'cases',
    'case_number_counters',
    'grid_areas',
    'api_tokens',
    'users',
    'persons',
    'categories',
    'handling_bodies',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists case_events_append_only()`.execute(db);
}
