import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

export async function up(db: Kysely<any>): Promise<void> {
  // A trained classifier per target (category at each level, handling body), versioned; the JSON of the
  // model is kept as text because only the application reads it, whole.
  await sql`
    create table text_models (
      id uuid primary key default gen_random_uuid(),
      target text not null check (target in ('category_1', 'category_2', 'category_3', 'body')),
      version integer not null check (version >= 1),
      trained_at timestamptz not null,
      trained_by text not null,
      snapshot_id text not null,
      training_examples integer not null,
      metrics jsonb not null,
      classifier text not null,
      unique (target, version)
    )`.execute(db);

  // What was suggested at intake and what the dispatcher then chose: accepted or corrected; corrections
  // count double in the next training.
  await sql`
    create table intake_suggestions (
      id uuid primary key default gen_random_uuid(),
      model_id uuid references text_models (id) on delete set null,
      suggested jsonb not null,
      created_at timestamptz not null,
      created_by_user_id uuid references users (id),
      case_id uuid unique references cases (id),
      chosen_category_code text,
      outcome text check (outcome in ('accepted', 'corrected')),
      decided_at timestamptz
    )`.execute(db);
  await sql`create index intake_suggestions_outcome_idx on intake_suggestions (outcome, decided_at)`.execute(db);

  // Other names the city's people use for an area (an old name, a nickname, an export's code).
  await sql`
    create table place_aliases (
      alias text primary key,
      area_code text not null references grid_areas (code) on delete cascade
    )`.execute(db);

  // The dangers read out of a case's text at intake, with their evidence, shown to the dispatcher.
  await sql`alter table cases add column urgency_flags jsonb`.execute(db);
  // A case reported with an address or text but no point, placed on the grid from the places its text
  // names: the area, how sure, and the words that placed it.
  await sql`alter table cases add column text_placement jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column text_placement`.execute(db);
  await sql`alter table cases drop column urgency_flags`.execute(db);
  await sql`drop table place_aliases`.execute(db);
  await sql`drop table intake_suggestions`.execute(db);
  await sql`drop table text_models`.execute(db);
}
