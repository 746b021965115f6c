import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * A resident follows a case, or an area (and a category within it), and hears of its public steps by text
 * message or e-mail through the outbox. `last_seen_at` is how far the sweep has told them: it moves in the
 * same transaction as the messages it queued, so a step is told once, whichever instance runs the sweep.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table subscriptions (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references persons (id),
      case_id uuid references cases (id) on delete cascade,
      area_code text,
      category_code text,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      constraint subscriptions_one_target check ((case_id is null) <> (area_code is null and category_code is null))
    )`.execute(db);
  await sql`create unique index subscriptions_case_once on subscriptions (person_id, case_id) where case_id is not null`.execute(
    db,
  );
  await sql`
    create unique index subscriptions_area_once on subscriptions (person_id, coalesce(area_code, ''), coalesce(category_code, ''))
    where case_id is null`.execute(db);
  await sql`create index subscriptions_due on subscriptions (last_seen_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists subscriptions`.execute(db);
}
