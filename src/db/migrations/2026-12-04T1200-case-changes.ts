import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * Every step of every case, whoever takes it (any app instance, a command, a sweep), is announced on the
 * `case_changes` channel when its transaction commits (NOTIFY is delivered on commit, never for a rollback),
 * so each instance can tell its open consoles at once. The payload names the case by id only: what a
 * listener may learn of it is decided per viewer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function announce_case_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('case_changes', json_build_object(
        'caseId', new.case_id, 'seq', new.seq, 'action', new.action, 'status', new.to_status)::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger case_events_announce after insert on case_events
    for each row execute function announce_case_change()`.execute(db);
  // Open311's servicerequestupdates reads the steps of a time window, oldest first.
  await sql`create index case_events_created_idx on case_events (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists case_events_created_idx`.execute(db);
  await sql`drop trigger if exists case_events_announce on case_events`.execute(db);
  await sql`drop function if exists announce_case_change()`.execute(db);
}
