import { type Kysely, sql } from 'kysely';

// Frozen in time: Kysely<any> and plain SQL only.

/** Monthly reading partitions made here: from the month this shipped to a year on (the sweep adds later ones). */
const FIRST_MONTH = { year: 2026, month: 12 };
const MONTHS_AHEAD = 13;

/**
 * Sensor feeds (物联感知): device types and their rules, devices with their sealed keys and counters, the
 * readings, and which case each (device, rule) opened.
 *
 * Readings are partitioned by month on `measured_at`, so a month's readings can be dropped or archived
 * whole and a query over a period reads only its months. The partitions live in a schema of their own,
 * `sensor_partitions`: queries go through the parent `sensor_readings` (whose grants are the ones that
 * count), and the data classification, which lists the public schema's tables, labels the parent once.
 * Partitions are made ahead (here, then by the sweep each month) rather than on demand by the intake:
 * creating a partition takes the parent's owner, which the servers' role is not (README, "Two roles"),
 * and a partition cannot be attached for a month whose readings already sit in the default partition. The
 * default partition catches whatever falls outside the months made (a device whose clock is years off),
 * so no reading is refused for its date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sensor_device_types (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      name_zh text not null,
      name_en text not null,
      unit text not null,
      silence_minutes integer check (silence_minutes > 0),
      silence_category_code text,
      created_at timestamptz not null,
      constraint sensor_device_types_silence check ((silence_minutes is null) = (silence_category_code is null))
    )`.execute(db);
  await sql`
    create table sensor_rules (
      id uuid primary key default gen_random_uuid(),
      device_type_id uuid not null references sensor_device_types (id) on delete cascade,
      code text not null check (code <> 'silence'),
      kind text not null check (kind in ('above', 'below', 'rate')),
      threshold double precision not null,
      category_code text not null,
      unique (device_type_id, code)
    )`.execute(db);
  await sql`
    create table sensor_devices (
      id uuid primary key default gen_random_uuid(),
      device_type_id uuid not null references sensor_device_types (id),
      name text not null,
      longitude double precision not null,
      latitude double precision not null,
      sealed_key text not null,
      key_id text not null,
      created_at timestamptz not null,
      created_by_user_id uuid references users (id),
      last_measured_at timestamptz,
      last_value double precision,
      last_received_at timestamptz,
      accepted_count bigint not null default 0,
      duplicate_count bigint not null default 0,
      out_of_order_count bigint not null default 0,
      malformed_count bigint not null default 0,
      refused_count bigint not null default 0
    )`.execute(db);

  // The unique key (device, measured_at) holds the partition key, as every unique key on a partitioned table
  // must: that is why a device's own reading ids are not the key (they would need a key across partitions).
  await sql`
    create table sensor_readings (
      device_id uuid not null references sensor_devices (id) on delete cascade,
      measured_at timestamptz not null,
      value double precision not null,
      received_at timestamptz not null,
      via text not null check (via in ('http', 'mqtt')),
      primary key (device_id, measured_at)
    ) partition by range (measured_at)`.execute(db);
  await sql`create schema if not exists sensor_partitions`.execute(db);
  await sql`create table sensor_partitions.sensor_readings_default partition of sensor_readings default`.execute(db);
  for (let i = 0; i < MONTHS_AHEAD; i++) {
    const start = new Date(Date.UTC(FIRST_MONTH.year, FIRST_MONTH.month - 1 + i, 1));
    const end = new Date(Date.UTC(FIRST_MONTH.year, FIRST_MONTH.month + i, 1));
    const name = `sensor_readings_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
    await sql`create table ${sql.table(`sensor_partitions.${name}`)} partition of sensor_readings
      for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(db);
  }

  // At most one open case per device and rule: the partial unique index decides between instances and
  // duplicated deliveries. A claim is made before its case (case_id null until the case is filed) and
  // released once the case is closed, cancelled or merged, after which a new breach may open a new one.
  await sql`
    create table sensor_cases (
      id uuid primary key default gen_random_uuid(),
      device_id uuid not null references sensor_devices (id) on delete cascade,
      rule_code text not null,
      case_id uuid references cases (id) on delete set null,
      breach_at timestamptz not null,
      value double precision,
      claimed_at timestamptz not null,
      released_at timestamptz
    )`.execute(db);
  await sql`create unique index sensor_cases_one_open on sensor_cases (device_id, rule_code) where released_at is null`.execute(
    db,
  );
  await sql`create index sensor_cases_case on sensor_cases (case_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists sensor_cases`.execute(db);
  await sql`drop table if exists sensor_readings`.execute(db);
  await sql`drop schema if exists sensor_partitions cascade`.execute(db);
  await sql`drop table if exists sensor_devices`.execute(db);
  await sql`drop table if exists sensor_rules`.execute(db);
  await sql`drop table if exists sensor_device_types`.execute(db);
}
