import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * The data hub: a catalogue of every dataset the city holds (its own and imported ones), the imports that
 * made each version, the column and category mappings saved per source, and the link from an imported
 * historical case to its source record (so a re-import changes nothing). Imported reference data lives in
 * typed tables of their own in the `datastore` schema, one per dataset, created by the importer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists datastore`.execute(db);
  // A historical case may come with neither a point nor an address (a message board's history): it is
  // kept, unplaced, rather than lost; every case taken in by CivicGrid itself still needs one.
  await sql`alter table cases drop constraint cases_check1`.execute(db);
  await sql`
    alter table cases add constraint cases_has_place
    check (longitude is not null or address is not null or channel = 'import')`.execute(db);
  await sql`
    create table datasets (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9_-]{1,99}$'),
      kind text not null check (kind in ('platform', 'case_history', 'reference')),
      title_zh text not null,
      title_en text not null,
      description text not null default '',
      owner_body_id uuid references handling_bodies (id),
      columns jsonb not null default '[]',
      level text not null default 'general' check (level in ('general', 'important', 'core')),
      personal text not null default 'none' check (personal in ('none', 'personal', 'sensitive')),
      update_frequency text not null default 'irregular',
      licence text not null default '',
      spatial_coverage text not null default '',
      temporal_start timestamptz,
      temporal_end timestamptz,
      is_public boolean not null default false,
      quality jsonb,
      row_count integer not null default 0,
      created_at timestamptz not null,
      modified_at timestamptz not null
    )`.execute(db);
  await sql`create index datasets_modified on datasets (modified_at)`.execute(db);

  await sql`
    create table dataset_imports (
      id uuid primary key default gen_random_uuid(),
      dataset_id uuid not null references datasets (id),
      source_key text not null,
      file_name text not null,
      file_sha256 text not null,
      file_bytes bigint not null,
      format text not null,
      encoding text,
      status text not null check (status in ('running', 'completed', 'failed')),
      rows_read integer not null default 0,
      rows_imported integer not null default 0,
      rows_unchanged integer not null default 0,
      rows_rejected integer not null default 0,
      rows_unplaced integer not null default 0,
      unplaced_reasons jsonb not null default '{}',
      committed_row integer not null default 0,
      error text,
      started_by_user_id uuid references users (id),
      started_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db);
  // One unfinished import of a file per dataset: a second start resumes it rather than racing it.
  await sql`
    create unique index dataset_imports_one_running on dataset_imports (dataset_id, file_sha256)
    where status = 'running'`.execute(db);

  await sql`
    create table import_rejections (
      import_id uuid not null references dataset_imports (id) on delete cascade,
      row_number integer not null,
      column_name text not null,
      reason text not null,
      value text,
      primary key (import_id, row_number, column_name)
    )`.execute(db);

  await sql`
    create table dataset_versions (
      dataset_id uuid not null references datasets (id),
      version integer not null,
      import_id uuid references dataset_imports (id),
      made_by text not null,
      row_count integer not null,
      rows_changed integer not null,
      created_at timestamptz not null,
      primary key (dataset_id, version)
    )`.execute(db);

  // A source's column mapping (which of its columns is the id, the time, the category…), saved so the
  // next file from the same source imports with no questions; the shipped templates are built in.
  await sql`
    create table import_sources (
      key text primary key check (key ~ '^[a-z0-9][a-z0-9_-]{1,63}$'),
      mapping jsonb not null,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table category_mappings (
      source_key text not null,
      source_value text not null,
      category_id uuid not null references categories (id),
      decided_by text not null check (decided_by in ('template', 'staff')),
      updated_at timestamptz not null,
      primary key (source_key, source_value)
    )`.execute(db);

  await sql`
    create table case_sources (
      case_id uuid primary key references cases (id) on delete cascade,
      source_key text not null,
      source_id text not null,
      import_id uuid references dataset_imports (id),
      unique (source_key, source_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'case_sources',
    'category_mappings',
    'import_sources',
    'dataset_versions',
    'import_rejections',
    'dataset_imports',
    'datasets',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop schema if exists datastore cascade`.execute(db);
  await sql`alter table cases drop constraint cases_has_place`.execute(db);
  await sql`alter table cases add constraint cases_check1 check (longitude is not null or address is not null)`.execute(
    db,
  );
}
