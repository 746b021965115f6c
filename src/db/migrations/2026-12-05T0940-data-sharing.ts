import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * Governed sharing between departments (数据共享): a body asks another for a dataset it owns (which fields,
 * for what purpose, on which legal basis, for how long); the owner approves, possibly narrowing the fields
 * and the period, or refuses with a reason. An approval makes a grant, the only way in to the data: it
 * gives exactly its fields until it expires, is withdrawn by the body holding it or revoked by the owner.
 * Expiry is by time, read at each access, so no sweep has to run for an expired grant to be refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table share_requests (
      id uuid primary key default gen_random_uuid(),
      dataset_id uuid not null references datasets (id),
      requesting_body_id uuid not null references handling_bodies (id),
      owner_body_id uuid not null references handling_bodies (id),
      fields text[] not null check (cardinality(fields) > 0),
      purpose text not null,
      legal_basis text not null check (legal_basis in ('law', 'statutory_duty', 'public_interest', 'consent')),
      period_from timestamptz not null,
      period_to timestamptz not null,
      status text not null check (status in ('pending', 'approved', 'refused', 'withdrawn')),
      requested_by_user_id uuid not null references users (id),
      requested_at timestamptz not null,
      decided_by_user_id uuid references users (id),
      decided_at timestamptz,
      refusal_reason text,
      check (period_from < period_to),
      check (requesting_body_id <> owner_body_id),
      check ((status = 'refused') = (refusal_reason is not null))
    )`.execute(db);
  await sql`create index share_requests_requesting on share_requests (requesting_body_id, requested_at desc)`.execute(
    db,
  );
  await sql`create index share_requests_owner on share_requests (owner_body_id, requested_at desc)`.execute(db);

  await sql`
    create table share_grants (
      id uuid primary key default gen_random_uuid(),
      request_id uuid not null unique references share_requests (id),
      dataset_id uuid not null references datasets (id),
      holder_body_id uuid not null references handling_bodies (id),
      fields text[] not null check (cardinality(fields) > 0),
      valid_from timestamptz not null,
      valid_until timestamptz not null,
      granted_by_user_id uuid not null references users (id),
      granted_at timestamptz not null,
      ended_at timestamptz,
      ended_by_user_id uuid references users (id),
      end_kind text check (end_kind in ('withdrawn', 'revoked')),
      end_reason text,
      check (valid_from < valid_until),
      check ((ended_at is null) = (end_kind is null))
    )`.execute(db);
  await sql`create index share_grants_holder on share_grants (holder_body_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists share_grants`.execute(db);
  await sql`drop table if exists share_requests`.execute(db);
}
