import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.
// The closed loop run like a 12345 centre: working calendar, routing rules, dispatches (派遣) with their
// deadlines, supervision notices, extensions, duplicates, the notification outbox, surveys and points.

export async function up(db: Kysely<any>): Promise<void> {
  // Days that break the Monday–Friday rule: public holidays and adjusted working days (调休).
  await sql`
    create table calendar_days (
      date date primary key,
      kind text not null check (kind in ('holiday', 'workday')),
      name_zh text not null,
      name_en text not null
    )`.execute(db);

  await sql`
    create table routing_rules (
      id uuid primary key default gen_random_uuid(),
      category_code text check (category_code ~ '^([0-9]{2}){1,3}$'),
      area_code text check (area_code ~ '^[0-9]{1,15}$'),
      window_start time,
      window_end time,
      lead_body_id uuid not null references handling_bodies (id),
      assisting_body_ids uuid[] not null default '{}',
      note text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((window_start is null) = (window_end is null)),
      check (window_start is null or window_start <> window_end)
    )`.execute(db);

  await sql`alter table categories add column verification_limit_hours integer check (verification_limit_hours > 0)`.execute(
    db,
  );

  await sql`alter table persons add column email text`.execute(db);

  await sql`alter table cases drop constraint cases_status_check`.execute(db);
  await sql`
    alter table cases add constraint cases_status_check check (status in ('reported', 'registered', 'cancelled',
      'dispatched', 'in_progress', 'returned', 'handled', 'verified', 'closed', 'reopened', 'suspended', 'merged'))`.execute(
    db,
  );
  await sql`
    alter table cases
      add column suggested_body_id uuid references handling_bodies (id),
      add column routing_rule_id uuid references routing_rules (id) on delete set null,
      add column assisting_body_ids uuid[] not null default '{}',
      add column current_dispatch_id uuid,
      add column parent_case_id uuid references cases (id),
      add column me_too_count integer not null default 0,
      add column pending_extension boolean not null default false,
      add column paused_at timestamptz`.execute(db);
  await sql`create index cases_parent_idx on cases (parent_case_id) where parent_case_id is not null`.execute(db);
  // Duplicate candidates are looked for among recent located cases near a point.
  await sql`create index cases_location_idx on cases (latitude, longitude) where latitude is not null`.execute(db);
  // Handlers of assisting bodies (协办) see the case too.
  await sql`create index cases_assisting_idx on cases using gin (assisting_body_ids)`.execute(db);

  // One row per dispatch (派遣) of a case to a body: the unit the evaluation counts.
  await sql`
    create table case_dispatches (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      event_seq integer not null,
      body_id uuid not null references handling_bodies (id),
      dispatched_by_user_id uuid not null references users (id),
      dispatched_at timestamptz not null,
      suggested_body_id uuid references handling_bodies (id),
      overridden boolean not null,
      grid_code text,
      ended_at timestamptz,
      end_reason text check (end_reason in ('redispatched', 'returned', 'verified', 'cancelled', 'merged')),
      handled_count integer not null default 0,
      rework_count integer not null default 0,
      points_pending boolean not null default false,
      unique (case_id, event_seq),
      check ((ended_at is null) = (end_reason is null))
    )`.execute(db);
  await sql`create index case_dispatches_period_idx on case_dispatches (dispatched_at, body_id)`.execute(db);
  await sql`create index case_dispatches_body_idx on case_dispatches (body_id, dispatched_at)`.execute(db);
  // Points are awarded by a sweep over what is marked pending (verified dispatches, satisfied surveys).
  await sql`create index case_dispatches_points_idx on case_dispatches (id) where points_pending`.execute(db);
  await sql`
    alter table cases add constraint cases_current_dispatch_fk
      foreign key (current_dispatch_id) references case_dispatches (id)`.execute(db);

  // A deadline that runs: response (签收), handling (办结) or verification (核查).
  await sql`
    create table case_clocks (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      dispatch_id uuid references case_dispatches (id),
      kind text not null check (kind in ('response', 'handling', 'verification')),
      measure text not null check (measure in ('working', 'wall')),
      body_id uuid references handling_bodies (id),
      limit_minutes integer not null check (limit_minutes > 0),
      extended_minutes integer not null default 0,
      started_at timestamptz not null,
      warn_at timestamptz not null,
      due_at timestamptz not null,
      paused_at timestamptz,
      stopped_at timestamptz,
      stopped_by_user_id uuid references users (id),
      outcome text check (outcome in ('met', 'late', 'superseded', 'returned', 'cancelled')),
      elapsed_minutes double precision,
      warned_at timestamptz,
      overdue_at timestamptz,
      check ((stopped_at is null) = (outcome is null)),
      check (warn_at <= due_at)
    )`.execute(db);
  await sql`create unique index case_clocks_one_running_idx on case_clocks (case_id, kind) where stopped_at is null`.execute(
    db,
  );
  // The evaluation joins each dispatch to its response and its handling clock.
  await sql`create index case_clocks_dispatch_idx on case_clocks (dispatch_id, kind)`.execute(db);
  // Queues list open cases by their nearest deadline.
  await sql`create index case_clocks_running_due_idx on case_clocks (due_at) where stopped_at is null`.execute(db);
  // What the supervision sweep scans: only running clocks that have a warning or an escalation still to give.
  await sql`
    create index case_clocks_warn_idx on case_clocks (warn_at)
      where stopped_at is null and paused_at is null and warned_at is null`.execute(db);
  await sql`
    create index case_clocks_due_idx on case_clocks (due_at)
      where stopped_at is null and paused_at is null and overdue_at is null`.execute(db);

  // Supervision (督办): each warning of each clock recorded once (the unique key makes it so under any race).
  // A derived record, written in bulk only by the sweep from the clocks it marks in the same statement,
  // so it is kept cheap to insert: a sequential key and no foreign keys (each would cost a check per row;
  // the clocks, which have theirs, are the source of truth and are never deleted).
  await sql`
    create table supervision_notices (
      id bigint generated always as identity primary key,
      clock_id uuid not null,
      case_id uuid not null,
      level text not null check (level in ('yellow', 'red')),
      body_id uuid,
      escalated_to_body_id uuid,
      created_at timestamptz not null,
      unique (clock_id, level)
    )`.execute(db);
  await sql`create index supervision_notices_created_idx on supervision_notices (created_at desc)`.execute(db);
  // A body's superior sees the cases escalated to it.
  await sql`
    create index supervision_notices_escalated_idx on supervision_notices (escalated_to_body_id, case_id)
      where escalated_to_body_id is not null`.execute(db);

  await sql`
    create table extension_requests (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      clock_id uuid not null references case_clocks (id),
      requested_by_user_id uuid not null references users (id),
      reason text not null,
      extra_minutes integer not null check (extra_minutes > 0),
      status text not null default 'pending' check (status in ('pending', 'approved', 'refused', 'withdrawn')),
      decided_by_user_id uuid references users (id),
      decision_note text,
      decided_at timestamptz,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index extension_requests_one_pending_idx on extension_requests (case_id) where status = 'pending'`.execute(
    db,
  );

  // The outbox: a message is written in the same transaction as the step it tells of, sent later.
  await sql`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references persons (id),
      case_id uuid references cases (id),
      channel text not null check (channel in ('sms', 'email')),
      template text not null,
      params jsonb not null default '{}',
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz
    )`.execute(db);
  await sql`create index notifications_pending_idx on notifications (next_attempt_at) where status = 'pending'`.execute(
    db,
  );
  await sql`create index notifications_case_idx on notifications (case_id)`.execute(db);

  // The reporter's answer after a closure (回访): one per closure.
  await sql`
    create table case_surveys (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      close_seq integer not null,
      dispatch_id uuid references case_dispatches (id),
      body_id uuid references handling_bodies (id),
      satisfaction text not null check (satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied')),
      solved boolean not null,
      comment text,
      reopened boolean not null,
      points_pending boolean not null default false,
      answered_by_user_id uuid not null references users (id),
      created_at timestamptz not null,
      unique (case_id, close_seq)
    )`.execute(db);
  await sql`create index case_surveys_dispatch_idx on case_surveys (dispatch_id)`.execute(db);
  await sql`create index case_surveys_points_idx on case_surveys (id) where points_pending`.execute(db);

  // Points for on-time, verified, satisfied closures (评选); one award per reason per dispatch.
  await sql`
    create table points_ledger (
      id uuid primary key default gen_random_uuid(),
      body_id uuid not null references handling_bodies (id),
      dispatch_id uuid not null references case_dispatches (id),
      reason text not null check (reason in ('on_time', 'verified_first_time', 'satisfied')),
      points integer not null,
      created_at timestamptz not null,
      unique (dispatch_id, reason)
    )`.execute(db);
  await sql`create index points_ledger_body_idx on points_ledger (body_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'points_ledger',
    'case_surveys',
    'notifications',
    'extension_requests',
    'supervision_notices',
    'case_clocks',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`
    alter table cases drop column suggested_body_id, drop column routing_rule_id, drop column assisting_body_ids,
      drop column current_dispatch_id, drop column parent_case_id, drop column me_too_count,
      drop column pending_extension, drop column paused_at`.execute(db);
  await sql`drop table if exists case_dispatches`.execute(db);
  await sql`drop table if exists routing_rules`.execute(db);
  await sql`drop table if exists calendar_days`.execute(db);
  await sql`alter table persons drop column email`.execute(db);
  await sql`alter table categories drop column verification_limit_hours`.execute(db);
}
