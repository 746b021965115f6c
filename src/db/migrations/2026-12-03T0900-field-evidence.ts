import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

/**
 * Evidence on every step of the loop (photos and documents on cases), replayable submissions from phones
 * that lose signal (idempotency keys), and grid workers' patrols with their tracks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per file attached to a case. The bytes live in the media store under their content hash; the
  // row says where in the loop it was taken (stage), by whom, and what it shows about itself.
  await sql`
    create table case_media (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id) on delete cascade,
      stage text not null check (stage in ('report', 'before', 'after', 'verification', 'citizen')),
      -- The step this evidence belongs to: set when the step is taken (a handling photo before 'handle').
      event_id uuid references case_events (id) on delete set null,
      uploaded_by_user_id uuid not null references users (id),
      media_type text not null
        check (media_type in ('image/jpeg', 'image/png', 'image/webp', 'image/avif', 'application/pdf')),
      byte_size integer not null check (byte_size > 0),
      -- The stored file (re-encoded for photos) and the bytes as uploaded, both SHA-256 in hex.
      content_hash text not null,
      upload_hash text not null,
      thumbnail_hash text,
      width integer,
      height integer,
      -- dHash of the picture (64 bits), to find one photo sent for several cases.
      perceptual_hash bigint,
      -- Capture time and GPS read from the photo before its metadata was removed, sealed like personal data.
      sealed_evidence text,
      key_id text,
      flags jsonb not null default '[]',
      -- Nothing is shown to the public until a moderator approves it (faces, number plates).
      publication text not null default 'pending' check (publication in ('pending', 'approved', 'hidden')),
      moderated_by_user_id uuid references users (id),
      moderated_at timestamptz,
      moderation_reason text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index case_media_case_idx on case_media (case_id, stage, created_at)`.execute(db);
  // Whether a file is still named by a row, before it is removed from the store.
  await sql`create index case_media_content_idx on case_media (content_hash)`.execute(db);
  await sql`create index case_media_thumbnail_idx on case_media (thumbnail_hash)`.execute(db);
  await sql`create index case_media_recent_idx on case_media (created_at) where perceptual_hash is not null`.execute(
    db,
  );

  // Stored files whose rows were deleted (erasure, retention): removed from the media store by a sweep after
  // the deletion commits, so a crash between the two leaves a file to remove, never a row without its file.
  await sql`create table media_orphans (content_hash text primary key, queued_at timestamptz not null default now())`.execute(
    db,
  );

  // Category rules: which steps need photographic evidence.
  await sql`
    alter table categories
      add column after_photo_required boolean not null default false,
      add column verification_photo_required boolean not null default false`.execute(db);

  // The first answer to each Idempotency-Key, per user, kept a day: a retry gets it again, not a second effect.
  await sql`
    create table idempotency_keys (
      owner_user_id uuid not null references users (id) on delete cascade,
      key text not null,
      fingerprint text not null,
      -- running: the first request is at work; applied: its change committed, its answer not yet stored.
      state text not null check (state in ('running', 'applied', 'done')),
      response_status integer,
      response_body text,
      response_location text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (owner_user_id, key)
    )`.execute(db);
  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db);

  // 有效巡查: a grid worker's patrols, and the points of their track (kept 30 days by default).
  await sql`
    create table patrols (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      started_at timestamptz not null,
      ended_at timestamptz
    )`.execute(db);
  await sql`create index patrols_user_idx on patrols (user_id, started_at desc)`.execute(db);
  await sql`
    create table patrol_points (
      patrol_id uuid not null references patrols (id) on delete cascade,
      recorded_at timestamptz not null,
      longitude double precision not null,
      latitude double precision not null,
      accuracy_m real,
      -- The unit grid cell the point fell in, when it fell in one.
      grid_code text,
      primary key (patrol_id, recorded_at)
    )`.execute(db);
  await sql`create index patrol_points_recorded_idx on patrol_points (recorded_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table patrol_points`.execute(db);
  await sql`drop table patrols`.execute(db);
  await sql`drop table idempotency_keys`.execute(db);
  await sql`alter table categories drop column after_photo_required, drop column verification_photo_required`.execute(
    db,
  );
  await sql`drop table media_orphans`.execute(db);
  await sql`drop table case_media`.execute(db);
}
