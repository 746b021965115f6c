import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

export async function up(db: Kysely<any>): Promise<void> {
  // Two more roles: the data steward (handles data-rights requests, may unmask for legal requests) and
  // the auditor (reads the audit trail). Clearance is the highest data classification a user may receive.
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check check (role in ('citizen', 'dispatcher', 'handler',
    'grid_worker', 'supervisor', 'admin', 'data_steward', 'auditor'))`.execute(db);
  await sql`
    alter table users
      add column password_hash text,
      add column password_changed_at timestamptz,
      add column clearance text not null default 'general' check (clearance in ('general', 'important', 'core')),
      add column disabled_at timestamptz`.execute(db);
  await sql`update users set clearance = case role
      when 'admin' then 'core' when 'auditor' then 'core' when 'data_steward' then 'core'
      when 'citizen' then 'general' else 'important' end`.execute(db);

  // Console sessions: only a hash of the cookie's value is stored, like API tokens.
  await sql`
    create table sessions (
      id_hash text primary key,
      user_id uuid not null references users (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip text
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

  // API tokens for systems get an id (to list and revoke them), scopes and an expiry. The demo's
  // hand-out tokens are void: real sign-in replaces them.
  await sql`delete from api_tokens where label = 'demo sign-in'`.execute(db);
  await sql`
    alter table api_tokens
      add column id uuid not null default gen_random_uuid() unique,
      add column scopes text[] not null default '{*}',
      add column expires_at timestamptz,
      add column last_used_at timestamptz,
      add column revoked_at timestamptz`.execute(db);

  // Failed sign-ins, counted per user name and per address, so every instance sees the same lockout.
  await sql`
    create table sign_in_throttle (
      key text primary key,
      failures integer not null,
      first_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db);

  // One-time sign-in codes for citizens (by phone): the code is stored hashed, the phone as a blind index.
  await sql`
    create table sign_in_codes (
      id uuid primary key default gen_random_uuid(),
      phone_index text not null,
      code_hash text not null,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index sign_in_codes_phone_idx on sign_in_codes (phone_index, created_at desc)`.execute(db);

  // Persons: the identity moves into one sealed (AES-256-GCM) value; the plaintext columns are emptied by
  // the application at start (it holds the key, SQL does not) and kept only for that one move.
  await sql`
    alter table persons
      add column sealed text,
      add column key_id text,
      add column phone_index text,
      add column contact_channel text check (contact_channel in ('sms', 'email')),
      add column publish_consent boolean not null default false,
      add column contact_consent boolean not null default true,
      add column statistics_consent boolean not null default true,
      add column anonymised_at timestamptz`.execute(db);
  await sql`create index persons_phone_index_idx on persons (phone_index)`.execute(db);
  await sql`create index persons_key_idx on persons (key_id)`.execute(db);

  await sql`
    create table consent_changes (
      id bigint generated always as identity primary key,
      person_id uuid not null references persons (id) on delete cascade,
      consent text not null check (consent in ('publish', 'contact', 'statistics')),
      granted boolean not null,
      changed_at timestamptz not null,
      changed_by_user_id uuid
    )`.execute(db);
  await sql`create index consent_changes_person_idx on consent_changes (person_id, changed_at)`.execute(db);

  // Personal data found in a case's own text (phones, ID numbers, plates), masked in the text, kept sealed here.
  await sql`
    create table case_personal_items (
      case_id uuid primary key references cases (id),
      sealed text not null,
      key_id text not null,
      kinds text[] not null
    )`.execute(db);
  await sql`create index case_personal_items_key_idx on case_personal_items (key_id)`.execute(db);

  // A purpose-bound, time-limited permission to see one case's personal data in clear.
  await sql`
    create table unmask_grants (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      case_id uuid not null references cases (id),
      purpose text not null,
      reason text not null,
      granted_at timestamptz not null,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index unmask_grants_user_case_idx on unmask_grants (user_id, case_id, expires_at)`.execute(db);

  // What the citizen sees of every use of their data: who, when, what and why (the data tracker).
  await sql`
    create table personal_data_accesses (
      id bigint generated always as identity primary key,
      person_id uuid not null references persons (id) on delete cascade,
      case_id uuid references cases (id),
      accessor_user_id uuid not null,
      accessor_role text not null,
      accessor_body_id uuid,
      purpose text not null,
      reason text,
      fields text[] not null,
      accessed_at timestamptz not null
    )`.execute(db);
  await sql`create index personal_data_accesses_person_idx on personal_data_accesses (person_id, accessed_at desc)`.execute(
    db,
  );

  // Correction and deletion requests (PIPL arts. 46-47), answered within a statutory deadline.
  await sql`
    create table data_rights_requests (
      id uuid primary key default gen_random_uuid(),
      person_id uuid references persons (id) on delete set null,
      requested_by_user_id uuid not null references users (id),
      kind text not null check (kind in ('correction', 'deletion')),
      sealed_changes text,
      key_id text,
      reason text not null,
      status text not null check (status in ('submitted', 'completed', 'refused')),
      submitted_at timestamptz not null,
      due_at timestamptz not null,
      decided_at timestamptz,
      decided_by_user_id uuid references users (id),
      decision_note text
    )`.execute(db);
  await sql`create index data_rights_requests_status_idx on data_rights_requests (status, due_at)`.execute(db);
  await sql`create index data_rights_requests_person_idx on data_rights_requests (requested_by_user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'data_rights_requests',
    'personal_data_accesses',
    'unmask_grants',
    'case_personal_items',
    'consent_changes',
    'sign_in_codes',
    'sign_in_throttle',
    'sessions',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`alter table persons drop column sealed, drop column key_id, drop column phone_index,
    drop column contact_channel, drop column publish_consent, drop column contact_consent,
    drop column statistics_consent, drop column anonymised_at`.execute(db);
  await sql`alter table api_tokens drop column id, drop column scopes, drop column expires_at,
    drop column last_used_at, drop column revoked_at`.execute(db);
  await sql`alter table users drop column password_hash, drop column password_changed_at, drop column clearance,
    drop column disabled_at`.execute(db);
  await sql`alter table users drop constraint users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check check (role in ('citizen', 'dispatcher', 'handler',
    'grid_worker', 'supervisor', 'admin'))`.execute(db);
}
