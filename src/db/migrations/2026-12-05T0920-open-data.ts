import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * Open data (issue 18, part 6): the data steward publishes aggregate releases of the city's cases, with
 * small cells suppressed and, optionally, differentially private noise. Each dataset has a privacy budget
 * (ε, kept in millionths so that sums are exact); every release that spends from it is in the ledger, and
 * the budget's check constraint stands behind the service's conditional update, so no sequence of
 * releases, from any number of instances, can spend more than the budget.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table open_data_budgets (
      dataset text primary key,
      total_microepsilon integer not null,
      spent_microepsilon integer not null default 0,
      updated_at timestamptz not null default now(),
      constraint open_data_budgets_within check (spent_microepsilon >= 0 and spent_microepsilon <= total_microepsilon)
    )`.execute(db);
  // The cases dataset starts with ε = 1 in all: the steward may set another total, never below what is spent.
  await sql`insert into open_data_budgets (dataset, total_microepsilon) values ('cases', 1000000)`.execute(db);
  await sql`
    create table open_data_releases (
      id uuid primary key default gen_random_uuid(),
      dataset text not null references open_data_budgets (dataset),
      title text not null,
      area_level text not null,
      period_from text not null,
      period_to text not null,
      threshold integer not null,
      protection_margin integer not null,
      mechanism text,
      microepsilon integer,
      dimensions jsonb not null,
      cells jsonb not null,
      suppressed_cells integer not null,
      published_by_user_id uuid not null references users (id),
      published_at timestamptz not null,
      constraint open_data_releases_noise check ((mechanism is null) = (microepsilon is null))
    )`.execute(db);
  await sql`create index open_data_releases_published on open_data_releases (published_at desc)`.execute(db);
  await sql`
    create table privacy_ledger (
      id uuid primary key default gen_random_uuid(),
      dataset text not null references open_data_budgets (dataset),
      release_id uuid not null references open_data_releases (id),
      microepsilon integer not null check (microepsilon > 0),
      mechanism text not null,
      query text not null,
      spent_by_user_id uuid not null references users (id),
      spent_at timestamptz not null
    )`.execute(db);
  await sql`create index privacy_ledger_dataset on privacy_ledger (dataset, spent_at)`.execute(db);

  // A release's numbers, once published, and the ledger's record of what was spent are never changed or
  // removed: the database itself refuses (a download must give what was first published, and a noisy
  // table drawn again would let the noise be averaged away).
  await sql`
    create function open_data_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only (% refused)', tg_table_name, tg_op;
    end $$`.execute(db);
  for (const table of ['open_data_releases', 'privacy_ledger']) {
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function open_data_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists privacy_ledger`.execute(db);
  await sql`drop table if exists open_data_releases`.execute(db);
  await sql`drop table if exists open_data_budgets`.execute(db);
  await sql`drop function if exists open_data_append_only()`.execute(db);
}
