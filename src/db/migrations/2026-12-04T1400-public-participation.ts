import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/**
 * The public portal's participation: a resident who finds their problem already reported supports that
 * case ("me too") instead of filing a duplicate; one support per person and case, counted with the
 * duplicates merged into it. Staff may hide a case's words from the public (an insult, a name the detector
 * missed) with a reason the public reads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table case_supports (
      case_id uuid not null references cases (id) on delete cascade,
      user_id uuid not null references users (id),
      created_at timestamptz not null default now(),
      primary key (case_id, user_id)
    )`.execute(db);
  await sql`alter table cases add column public_text_hidden_reason text`.execute(db);
  await sql`alter table cases add column public_text_moderated_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop column if exists public_text_moderated_at`.execute(db);
  await sql`alter table cases drop column if exists public_text_hidden_reason`.execute(db);
  await sql`drop table if exists case_supports`.execute(db);
}
