import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * What a category asks of a report beyond its text and place (a pothole's size, when a noise is heard):
 * the taxonomy's attributes, each a question with a datatype (Open311's six) and, for lists, its answers.
 * A case keeps the answers it was filed with (cases.attributes). A client's note on a case remembers the
 * client's own id for it, so a retried note is recorded once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table category_attributes (
      id uuid primary key default gen_random_uuid(),
      category_id uuid not null references categories (id) on delete cascade,
      code text not null check (code ~ '^[a-z][a-z0-9_]{0,49}$'),
      datatype text not null check (datatype in ('string', 'number', 'datetime', 'text', 'singlevaluelist',
        'multivaluelist')),
      required boolean not null default false,
      description_zh text not null check (length(description_zh) between 1 and 500),
      description_en text not null check (length(description_en) between 1 and 500),
      sort_order integer not null default 0,
      -- [{"key": "…", "name": "…"}]: the answers of a list (empty for the other datatypes).
      "values" jsonb not null default '[]',
      unique (category_id, code),
      check ((datatype in ('singlevaluelist', 'multivaluelist')) = (jsonb_array_length("values") > 0))
    )`.execute(db);
  // The answers a case was filed with, by attribute code: a string, or a list of keys (multivaluelist).
  await sql`alter table cases add column attributes jsonb`.execute(db);
  // A client's id for a note it sent (Open311 update_id), once per client.
  await sql`
    create unique index case_events_client_update_idx
    on case_events (actor_user_id, (details->>'clientUpdateId'))
    where details->>'clientUpdateId' is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists case_events_client_update_idx`.execute(db);
  await sql`alter table cases drop column if exists attributes`.execute(db);
  await sql`drop table if exists category_attributes`.execute(db);
}
