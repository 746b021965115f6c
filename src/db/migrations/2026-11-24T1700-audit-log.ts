import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

export async function up(db: Kysely<any>): Promise<void> {
  // seq is assigned by the appender (1, 2, 3… with no gaps), not by a sequence: a sequence skips numbers on
  // rollback, and a gap must mean a removed entry. actor_user_id has no foreign key, so erasing a user never
  // has to touch the log.
  await sql`
    create table audit_log (
      seq bigint primary key check (seq >= 1),
      occurred_at timestamptz not null,
      actor_user_id uuid,
      actor_role text,
      action text not null,
      subject_type text,
      subject_id text,
      purpose text,
      details jsonb not null default '{}',
      ip text,
      request_id text,
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_log_subject_idx on audit_log (subject_type, subject_id, seq)`.execute(db);
  await sql`create index audit_log_actor_idx on audit_log (actor_user_id, seq)`.execute(db);
  await sql`create index audit_log_occurred_idx on audit_log (occurred_at)`.execute(db);

  // The database itself refuses to change or remove an entry, for every user: the table's owner (the app's
  // own database user) keeps its privileges whatever is revoked, so the triggers are the real guard. A
  // superuser can still get past them (session_replication_role, disabling the trigger); the hash chain is
  // what shows that happened.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
  await sql`revoke update, delete, truncate on audit_log from public`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists audit_log`.execute(db);
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}
