/**
 * The closed loop at scale: one supervision sweep and the monthly evaluation over 1,000,000 open cases
 * (BENCH_CASES), on the PostgreSQL server (BENCH_DATABASE_URL, default the local one; a throw-away
 * database `civicgrid_bench_<random>`, dropped at the end) and on the embedded database (PGlite, in a
 * temporary data directory on disk, as the product runs it). BENCH_DB=postgres|pglite|both (default both).
 *
 * Data. Going through the services (report → register → dispatch → accept … one transaction each) for a
 * million cases would take hours, so the data is made in SQL with generate_series, in chunks of 25,000
 * cases (BENCH_CHUNK), straight into the tables of the real migrations. There are no case events (neither
 * the sweep nor the evaluation reads them). Foreign keys are not checked during the load
 * (session_replication_role = replica); the rows are consistent by construction. Deadlines are wall-clock
 * approximations: a working-time limit of m minutes runs 4.2 × m minutes of wall time (168 h a week over
 * 40 working hours), so the calendar's nights, weekends and holidays are spread evenly. Urgent cases run on
 * the wall clock, as in the product. Warnings come at 80 % of the time, as in the product.
 *   - 41 handling bodies (the demo city's, 9 with a parent body), 5 leaf categories with their limits, the
 *     city and its 9 districts as areas, a dispatcher, a supervisor, a grid worker.
 *   - BENCH_CASES open cases, each with one dispatch and running clocks. Half were reported in the last
 *     14 days, half over the 351 days before. Priorities: 5 % urgent, 10 % high, 80 % normal, 5 % low. Most
 *     are in_progress (response clock stopped, met or late; handling clock running). The rest are
 *     dispatched (response and handling clocks running): 60 % of those under a day old, 5 % of older
 *     ones. 2 % are suspended (clocks paused).
 *   - The sweep's work is made on purpose. 1.5 % of the open cases (i mod 1000 < 15) have a running clock
 *     past its warning and not warned yet. 1 % (15 ≤ i mod 1000 < 25) have one past its deadline, warned
 *     but not marked overdue. This is like a restart after the sweeper was down a while, much more than
 *     the one-minute sweep finds in normal use. Every other clock whose moment has passed is already marked,
 *     and its notice is on record (about 2 M earlier notices), so the sweep has exactly the planned
 *     notices to give. The benchmark checks this.
 *   - 5.5 % × BENCH_CASES cases made and finished in the evaluated month (2026-10). 88 % were verified and
 *     closed: stopped response, handling and verification clocks, met or late, with elapsed minutes; 7 %
 *     reworked; 80 % surveyed, a few of the dissatisfied ones reopened. 8 % were returned (退单). 4 % were
 *     re-dispatched (改派) to another body, then verified. With the open cases reported in that month, the
 *     evaluation has about 100,000 dispatches to count at 1 M cases.
 *   - Then VACUUM ANALYZE (the steady state autovacuum keeps) and, on PostgreSQL, a CHECKPOINT.
 * Older closed cases are left out (only the evaluated month has them). So the tables hold less history
 * than a real city's: this changes nothing for the sweep and the points award, which read only what is
 * due or pending through partial indexes; the evaluation's plan may read more of case_clocks as it grows.
 *
 * Measured, per database, in this order:
 *   - baseline: `select count(*), max(due_at) from case_clocks where stopped_at is null`. This is one
 *     pass over every open deadline, the least a sweep without the partial indexes would pay. Median of 3.
 *   - runSupervisionSweep(db, now): the first sweep, once by nature (it gives the notices). The number of
 *     notices must equal the number of clocks made due (asserted). Then the same sweep again, which must
 *     give 0 notices (idempotency). Median of 3. Then one normal round: the sweep 60 s later (the default
 *     SWEEP_INTERVAL_SECONDS), which gives notices for the deadlines of that minute only (counted first,
 *     asserted). Once by nature.
 *   - evaluate(db, supervisor, { period: 2026-10 (Asia/Shanghai), group: 'body' | 'district', asOf: now }):
 *     median of 3.
 *   - awardPoints(db): the first run, which awards every pending verification and satisfied survey of the
 *     month, once; then the run every background round makes (nothing pending), median of 3.
 * Ratios are against the baseline on the same database in the same run. Targets (PostgreSQL): sweep ≤ 2 s,
 * evaluation by body ≤ 5 s. Prints a table; writes bench/results/loop.json.
 *   npm run bench:loop             (BENCH_CASES=100000 BENCH_DB=postgres for a quick look; BENCH_KEEP=1
 *                                   keeps the PostgreSQL database for EXPLAIN)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import pg from 'pg';
import { runSupervisionSweep } from '../src/cases/supervision.ts';
import { progressReporter } from '../src/cli/progress.ts';
import { type DatabaseHandle, type Db, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { DEMO_BODIES } from '../src/demo/demo-city.ts';
import { evaluate } from '../src/evaluation/evaluation.ts';
import { periodOf } from '../src/evaluation/period.ts';
import { awardPoints } from '../src/evaluation/points.ts';
import { actorForUsername } from '../src/organizations/actors.ts';

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const CLOSED = Math.round(CASES * 0.055);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 25_000);
const WHICH = (process.env.BENCH_DB ?? 'both') as 'postgres' | 'pglite' | 'both';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEEP = process.env.BENCH_KEEP === '1';
const REPEATS = 3;
/** The sweep instant: 10:00 in 长沙 on a Tuesday. */
const NOW = new Date('2026-11-24T02:00:00Z');
const MONTH = '2026-10';
const TIME_ZONE = 'Asia/Shanghai';
/** Wall-clock minutes per working minute: 168 hours a week over 40 working hours. */
const WALL_PER_WORKING = 4.2;
const TARGETS: Record<string, number> = { sweep: 2, evaluationBody: 5 };

const DISTRICTS: Array<[string, string, string]> = [
  ['430102', '芙蓉区', 'Furong District'],
  ['430103', '天心区', 'Tianxin District'],
  ['430104', '岳麓区', 'Yuelu District'],
  ['430105', '开福区', 'Kaifu District'],
  ['430111', '雨花区', 'Yuhua District'],
  ['430112', '望城区', 'Wangcheng District'],
  ['430121', '长沙县', 'Changsha County'],
  ['430181', '浏阳市', 'Liuyang City'],
  ['430182', '宁乡市', 'Ningxiang City'],
];

/** Leaf categories: code, names, response hours, handling working days, verification hours. */
const LEAVES: Array<[string, string, string, number, number, number]> = [
  ['010101', '路灯不亮', 'Street light out', 2, 5, 8],
  ['010102', '道路破损', 'Damaged road', 4, 10, 8],
  ['010103', '井盖缺失', 'Missing manhole cover', 1, 3, 4],
  ['020101', '夜间施工噪声', 'Construction noise at night', 2, 3, 8],
  ['020102', '餐饮油烟扰民', 'Restaurant fumes', 2, 15, 8],
];

type Operation =
  | 'baseline'
  | 'sweep'
  | 'sweepAgain'
  | 'sweepNext'
  | 'evaluationBody'
  | 'evaluationDistrict'
  | 'points'
  | 'pointsAgain';

interface Result {
  database: string;
  operation: Operation;
  label: string;
  seconds: number;
  /** Every timing taken (one for what can only run once). */
  runs: number[];
  count: number;
  countLabel: string;
  vsBaseline: number | null;
  targetSeconds: number | null;
  meetsTarget: boolean | null;
}

interface DatabaseReport {
  database: string;
  version: string;
  openCases: number;
  closedMonthCases: number;
  loadSeconds: number;
  tables: Record<string, number>;
  runningClocks: number;
  plannedNotices: { yellow: number; red: number };
  dueBeforeSweep: { yellow: number; red: number };
  sweep: { yellow: number; red: number };
  sweepNext: { yellow: number; red: number };
  evaluatedDispatches: number;
  correct: boolean;
  results: Result[];
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: seconds(start) };
}

async function repeated<T>(times: number, work: () => Promise<T>): Promise<{ values: T[]; runs: number[] }> {
  const values: T[] = [];
  const runs: number[] = [];
  for (let i = 0; i < times; i++) {
    const run = await timed(work);
    values.push(run.value);
    runs.push(run.seconds);
  }
  return { values, runs };
}

/** How many i in [0, n) have i mod 1000 in [from, to): the clocks made due on purpose. */
function planned(n: number, from: number, to: number): number {
  return Math.floor(n / 1000) * (to - from) + Math.max(0, Math.min(n % 1000, to) - from);
}

// ---------------------------------------------------------------------------------------------------------
// Data

async function loadReferenceData(db: Db): Promise<{ dispatcherId: string; gridWorkerId: string }> {
  for (const body of DEMO_BODIES) {
    await sql`
      insert into handling_bodies (code, name_zh, name_en, type, parent_id)
      values (${body.code}, ${body.nameZh}, ${body.nameEn}, ${body.type},
        (select id from handling_bodies where code = ${body.parentCode ?? null}))`.execute(db);
  }
  await sql`
    insert into categories (code, parent_id, level, name_zh, name_en) values
      ('01', null, 1, '城乡建设', 'Urban construction'),
      ('02', null, 1, '生态环境', 'Ecology and environment')`.execute(db);
  await sql`
    insert into categories (code, parent_id, level, name_zh, name_en)
    select v.code, p.id, 2, v.zh, v.en
    from (values ('0101', '市政设施', 'Municipal facilities'), ('0201', '环境污染', 'Pollution')) as v(code, zh, en)
    join categories p on p.code = left(v.code, 2)`.execute(db);
  for (const [code, zh, en, responseHours, handlingDays, verificationHours] of LEAVES) {
    await sql`
      insert into categories (code, parent_id, level, name_zh, name_en, default_body_id,
        response_limit_hours, handling_limit_days, verification_limit_hours)
      values (${code}, (select id from categories where code = ${code.slice(0, 4)}), 3, ${zh}, ${en},
        (select id from handling_bodies where code = 'urban-management'),
        ${responseHours}, ${handlingDays}, ${verificationHours})`.execute(db);
  }
  const square = JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [112.8, 28.0],
        [113.2, 28.0],
        [113.2, 28.4],
        [112.8, 28.4],
        [112.8, 28.0],
      ],
    ],
  });
  await sql`insert into grid_areas (code, parent_code, level, name_zh, name_en, geometry)
    values ('430100', null, 'city', '长沙市', 'Changsha', ${square}::jsonb)`.execute(db);
  for (const [code, zh, en] of DISTRICTS) {
    await sql`insert into grid_areas (code, parent_code, level, name_zh, name_en, geometry)
      values (${code}, '430100', 'district', ${zh}, ${en}, ${square}::jsonb)`.execute(db);
  }
  const user = async (username: string, displayName: string, role: string) =>
    (
      await sql<{ id: string }>`insert into users (username, display_name, role)
        values (${username}, ${displayName}, ${role}) returning id`.execute(db)
    ).rows[0]!.id;
  await user('admin', '系统管理员', 'admin');
  await user('supervisor', '督办员', 'supervisor');
  return {
    dispatcherId: await user('dispatcher', '12345 话务员', 'dispatcher'),
    gridWorkerId: await user('gridworker', '网格员', 'grid_worker'),
  };
}

interface GenerationContext {
  dispatcherId: string;
  gridWorkerId: string;
  bodies: number;
  categories: number;
  periodFrom: Date;
  periodTo: Date;
}

const districtArray = sql.raw(`array[${DISTRICTS.map(([code]) => `'${code}'`).join(', ')}]`);

/** Columns every generated case shares: where it is, what it is, who reported it. */
function caseAttributes(ctx: GenerationContext) {
  return sql`
    (${districtArray})[1 + floor(power(g.r_grid, 1.6) * ${DISTRICTS.length})::int]
      || lpad(((g.i * 7) % 40 + 1)::text, 3, '0') || lpad(((g.i * 13) % 30 + 1)::text, 3, '0')
      || lpad(((g.i * 31) % 50 + 1)::text, 3, '0') as grid_code,
    case when g.r_chan < 0.7 then 'hotline' when g.r_chan < 0.85 then 'web' when g.r_chan < 0.95 then 'grid_patrol'
      else 'import' end as channel,
    case when g.r_prio < 0.05 then 'urgent' when g.r_prio < 0.15 then 'high' when g.r_prio < 0.95 then 'normal'
      else 'low' end as priority,
    1 + floor(g.r_cat * ${ctx.categories})::int as cat_n,
    1 + floor(g.r_body * ${ctx.bodies})::int as body_n`;
}

/** The time limits of a case (as timeLimitsFor computes them) and their spans in wall-clock minutes. */
function limits() {
  return sql`
    case when k.priority = 'urgent' then 30
      else greatest(60, round(c.response_limit_hours * 60 * case when k.priority = 'high' then 0.5 else 1 end))::int
      end as r_lim,
    case when k.priority = 'urgent' then 1440
      else greatest(60, round(c.handling_limit_days * 480 * case when k.priority = 'high' then 0.5 else 1 end))::int
      end as h_lim,
    case when k.priority = 'urgent' then 120
      else greatest(60, round(c.verification_limit_hours * 60 * case when k.priority = 'high' then 0.5 else 1 end))::int
      end as v_lim,
    case when k.priority = 'urgent' then 1 else ${WALL_PER_WORKING}::float8 end as wall_factor`;
}

const BODIES_CTE = sql`bodies as materialized (
  select id, parent_id, row_number() over (order by code) as n from handling_bodies)`;
const CATEGORIES_CTE = sql`cats as materialized (
  select id, name_zh, response_limit_hours, handling_limit_days, verification_limit_hours,
    row_number() over (order by code) as n
  from categories where level = 3)`;

/**
 * The clock rows of `clocks` (kind, dispatch_id, body_id, lim, started, paused, stopped, forced, target,
 * wall_factor), with their deadlines, outcome and marks, inserted; their earlier notices inserted too.
 * A clock's marks are those every earlier sweep gave: warned/overdue when the moment came before the clock
 * stopped or paused (or before now, for a running clock). The target clocks are the ones made due on
 * purpose: 'Y' not warned yet, 'R' warned but not marked overdue.
 */
function insertClocksAndNotices(now: Date) {
  return sql`
    timed as (
      select cl.*,
        cl.started + 0.8 * cl.lim * cl.wall_factor * interval '1 minute' as warn_at,
        cl.started + cl.lim * cl.wall_factor * interval '1 minute' as due_at,
        coalesce(cl.paused, cl.stopped, ${now}::timestamptz) as upto
      from clocks cl where cl.present
    ),
    marked as (
      select t.*,
        case when t.target = 'Y' then null when t.target = 'R' then t.warn_at
          when t.warn_at <= t.upto then t.warn_at end as warned_at,
        case when t.target is not null then null when t.due_at <= t.upto then t.due_at end as overdue_at
      from timed t
    ),
    ins_clocks as (
      insert into case_clocks (case_id, dispatch_id, kind, measure, body_id, limit_minutes, started_at, warn_at,
        due_at, paused_at, stopped_at, stopped_by_user_id, outcome, elapsed_minutes, warned_at, overdue_at)
      select m.case_id, m.dispatch_id, m.kind, case when m.wall_factor = 1 then 'wall' else 'working' end,
        m.body_id, m.lim, m.started, m.warn_at, m.due_at, m.paused, m.stopped,
        case when m.stopped is not null then m.stopped_by end,
        case when m.stopped is null then null when m.forced is not null then m.forced
          when coalesce(m.paused, m.stopped) <= m.due_at then 'met' else 'late' end,
        case when m.stopped is not null
          then extract(epoch from coalesce(m.paused, m.stopped) - m.started) / 60 / m.wall_factor end,
        m.warned_at, m.overdue_at
      from marked m
      returning id, case_id, body_id, warned_at, overdue_at
    )
    insert into supervision_notices (clock_id, case_id, level, body_id, escalated_to_body_id, created_at)
    select ic.id, ic.case_id, 'yellow', ic.body_id, null, ic.warned_at from ins_clocks ic where ic.warned_at is not null
    union all
    select ic.id, ic.case_id, 'red', ic.body_id, b.parent_id, ic.overdue_at
    from ins_clocks ic left join bodies b on b.id = ic.body_id where ic.overdue_at is not null`;
}

/** Open cases i in [from, to): one dispatch each, running clocks (see the header). */
function openCasesChunk(from: number, to: number, ctx: GenerationContext): RawBuilder<unknown> {
  return sql`
    with g as materialized (
      select i, random() as r_age, random() as r_age2, random() as r_status, random() as r_prio, random() as r_cat,
        random() as r_body, random() as r_grid, random() as r_f, random() as r_delay, random() as r_acc,
        random() as r_lon, random() as r_lat, random() as r_chan
      from generate_series(${from}::int, ${to - 1}::int) as i
    ),
    ${BODIES_CTE},
    ${CATEGORIES_CTE},
    k as (
      select g.*,
        case when g.i % 1000 < 15 then 'Y' when g.i % 1000 < 25 then 'R' when g.i % 1000 < 45 then 'S' else 'N' end
          as kind,
        case when g.r_age < 0.5 then g.r_age2 * 14 else 14 + g.r_age2 * 351 end * 1440 as age_min,
        ${caseAttributes(ctx)}
      from g
    ),
    l as (
      select k.*, c.id as category_id, c.name_zh as category_name, b.id as body_id, ${limits()}
      from k join cats c on c.n = k.cat_n join bodies b on b.n = k.body_n
    ),
    s as (
      select l.*,
        case when l.kind = 'S' then 'suspended'
          when l.kind in ('Y', 'R') then case when l.r_status < 0.25 then 'dispatched' else 'in_progress' end
          when l.age_min < 1440 then case when l.r_status < 0.6 then 'dispatched' else 'in_progress' end
          else case when l.r_status < 0.05 then 'dispatched' else 'in_progress' end end as status
      from l
    ),
    t as (
      select s.*,
        ${NOW}::timestamptz - case s.kind
          when 'Y' then (case when s.status = 'dispatched' then s.r_lim else s.h_lim end) * s.wall_factor
            * (0.801 + 0.198 * s.r_f)
          when 'R' then (case when s.status = 'dispatched' then s.r_lim else s.h_lim end) * s.wall_factor
            * (1.001 + 0.498 * s.r_f)
          else s.age_min end * interval '1 minute' as started_at
      from s
    ),
    u as (
      select t.*,
        t.started_at - (10 + 110 * t.r_delay) * interval '1 minute' as created_at,
        md5('case' || t.i)::uuid as case_id,
        md5('dispatch' || t.i)::uuid as dispatch_id,
        case when t.status = 'dispatched' then null
          else least(${NOW}::timestamptz,
            t.started_at + t.r_lim * t.wall_factor * (0.05 + 1.25 * t.r_acc) * interval '1 minute') end
          as accepted_at
      from t
    ),
    w as (
      select u.*,
        case when u.status = 'suspended'
          then greatest(u.accepted_at, u.started_at + (${NOW}::timestamptz - u.started_at) * 0.6) end as paused_at
      from u
    ),
    ins_cases as (
      insert into cases (id, case_number, title, description, category_id, longitude, latitude, address, grid_code,
        channel, priority, status, assigned_body_id, reported_by_user_id, event_count, created_at, updated_at,
        suggested_body_id, current_dispatch_id, paused_at)
      select w.case_id, to_char(w.created_at, 'YYYY') || '-' || lpad((w.i + 1)::text, 7, '0'),
        w.category_name || ' #' || w.i, '市民来电反映：' || w.category_name || '，请尽快处理。',
        w.category_id, 112.85 + 0.3 * w.r_lon, 28.05 + 0.25 * w.r_lat, '长沙市某路' || (w.i % 997) || '号',
        w.grid_code, w.channel, w.priority, w.status, w.body_id,
        case when w.channel = 'grid_patrol' then ${ctx.gridWorkerId}::uuid else ${ctx.dispatcherId}::uuid end,
        case w.status when 'dispatched' then 3 when 'in_progress' then 4 else 5 end,
        w.created_at, greatest(w.started_at, w.accepted_at, w.paused_at), w.body_id, w.dispatch_id, w.paused_at
      from w
    ),
    ins_dispatches as (
      insert into case_dispatches (id, case_id, event_seq, body_id, dispatched_by_user_id, dispatched_at,
        suggested_body_id, overridden, grid_code)
      select w.dispatch_id, w.case_id, 3, w.body_id, ${ctx.dispatcherId}::uuid, w.started_at, w.body_id, false,
        w.grid_code
      from w
    ),
    clocks as (
      select w.case_id, w.dispatch_id, w.body_id, w.wall_factor, ${ctx.dispatcherId}::uuid as stopped_by, v.*
      from w cross join lateral (values
        ('response', w.r_lim, w.started_at, null::timestamptz, w.accepted_at, null,
          case when w.kind in ('Y', 'R') and w.status = 'dispatched' then w.kind end, true),
        ('handling', w.h_lim, w.started_at, w.paused_at, null::timestamptz, null,
          case when w.kind in ('Y', 'R') and w.status <> 'dispatched' then w.kind end, true)
      ) as v(kind, lim, started, paused, stopped, forced, target, present)
    ),
    ${insertClocksAndNotices(NOW)}`;
}

/** Cases i in [from, to) reported and finished in the evaluated month (see the header). */
function closedCasesChunk(from: number, to: number, ctx: GenerationContext): RawBuilder<unknown> {
  return sql`
    with g as materialized (
      select i, random() as r_day, random() as r_type, random() as r_prio, random() as r_cat, random() as r_body,
        random() as r_grid, random() as r_delay, random() as r_acc, random() as r_h, random() as r_v,
        random() as r_close, random() as r_survey, random() as r_sat, random() as r_solved, random() as r_reopen,
        random() as r_rework, random() as r_lon, random() as r_lat, random() as r_chan, random() as r_redisp
      from generate_series(${from}::int, ${to - 1}::int) as i
    ),
    ${BODIES_CTE},
    ${CATEGORIES_CTE},
    k as (
      select g.*,
        case when g.r_type < 0.88 then 'verified' when g.r_type < 0.96 then 'returned' else 'redispatched' end
          as kind,
        ${ctx.periodFrom}::timestamptz + (${ctx.periodTo}::timestamptz - ${ctx.periodFrom}::timestamptz) * g.r_day
          as created_at,
        ${caseAttributes(ctx)}
      from g
    ),
    l as (
      select k.*, c.id as category_id, c.name_zh as category_name, b1.id as body1_id, b2.id as body2_id,
        ${limits()}
      from k join cats c on c.n = k.cat_n join bodies b1 on b1.n = k.body_n
        join bodies b2 on b2.n = k.body_n % ${ctx.bodies} + 1
    ),
    s as (
      select l.*,
        l.created_at + (10 + 110 * l.r_delay) * interval '1 minute' as d1_at,
        md5('case' || l.i)::uuid as case_id,
        md5('dispatch' || l.i)::uuid as d1_id,
        md5('redispatch' || l.i)::uuid as d2_id
      from l
    ),
    t as (
      select s.*,
        case when s.kind = 'redispatched' then s.d1_at + (30 + 120 * s.r_redisp) * interval '1 minute' end as d1_end,
        case when s.kind = 'redispatched' then s.d1_at + (30 + 120 * s.r_redisp) * interval '1 minute'
          else s.d1_at end as t0,
        case when s.kind = 'redispatched' then s.d2_id else s.d1_id end as final_id,
        case when s.kind = 'redispatched' then s.body2_id else s.body1_id end as final_body_id,
        s.kind <> 'returned' as verified,
        s.kind <> 'returned' and s.r_rework < 0.07 as reworked
      from s
    ),
    u as (
      select t.*,
        t.t0 + t.r_lim * t.wall_factor * (0.05 + 1.25 * t.r_acc) * interval '1 minute' as answered_at
      from t
    ),
    v as (
      select u.*,
        case when u.verified then least(${NOW}::timestamptz - interval '3 days',
          greatest(u.answered_at + interval '30 minutes',
            u.t0 + u.h_lim * u.wall_factor * (0.15 + 1.1 * u.r_h) * interval '1 minute')) end as handled_at
      from u
    ),
    w as (
      select v.*,
        v.handled_at + v.v_lim * v.wall_factor * (0.1 + 1.0 * v.r_v) * interval '1 minute' as verified_at
      from v
    ),
    x as (
      select w.*,
        coalesce(w.verified_at, w.answered_at) as final_end,
        case when w.verified then w.verified_at + (30 + 210 * w.r_close) * interval '1 minute' end as closed_at,
        w.verified and w.r_survey < 0.8 as surveyed,
        case when w.r_sat < 0.65 then 'satisfied' when w.r_sat < 0.9 then 'basically_satisfied'
          else 'dissatisfied' end as satisfaction,
        (case when w.r_sat < 0.65 then 0.95 when w.r_sat < 0.9 then 0.8 else 0.3 end) > w.r_solved as solved,
        w.verified and w.r_survey < 0.8 and w.r_sat >= 0.9 and w.r_reopen < 0.5 as reopened,
        7 + case when w.kind = 'redispatched' then 1 else 0 end + case when w.reworked then 2 else 0 end as close_seq
      from w
    ),
    ins_cases as (
      insert into cases (id, case_number, title, description, category_id, longitude, latitude, address, grid_code,
        channel, priority, status, assigned_body_id, reported_by_user_id, rework_count, event_count, created_at,
        updated_at, closed_at, suggested_body_id, current_dispatch_id)
      select x.case_id, to_char(x.created_at, 'YYYY') || '-' || lpad((x.i + 1)::text, 7, '0'),
        x.category_name || ' #' || x.i, '市民来电反映：' || x.category_name || '，请尽快处理。',
        x.category_id, 112.85 + 0.3 * x.r_lon, 28.05 + 0.25 * x.r_lat, '长沙市某路' || (x.i % 997) || '号',
        x.grid_code, x.channel, x.priority,
        case when not x.verified then 'returned' when x.reopened then 'reopened' else 'closed' end,
        case when x.verified then x.final_body_id end,
        case when x.channel = 'grid_patrol' then ${ctx.gridWorkerId}::uuid else ${ctx.dispatcherId}::uuid end,
        case when x.reworked then 1 else 0 end,
        case when x.verified then x.close_seq + case when x.reopened then 1 else 0 end
          else 4 + case when x.kind = 'redispatched' then 1 else 0 end end,
        x.created_at, coalesce(x.closed_at, x.final_end),
        case when x.reopened then null else x.closed_at end, x.body1_id,
        case when x.verified then x.final_id end
      from x
    ),
    ins_dispatches as (
      insert into case_dispatches (id, case_id, event_seq, body_id, dispatched_by_user_id, dispatched_at,
        suggested_body_id, overridden, grid_code, ended_at, end_reason, handled_count, rework_count, points_pending)
      select d.id, d.case_id, d.event_seq, d.body_id, d.dispatched_by_user_id, d.dispatched_at, d.suggested_body_id,
        d.overridden, d.grid_code, d.ended_at, d.end_reason, d.handled_count, d.rework_count,
        d.end_reason = 'verified'
      from x cross join lateral (values
        (x.d1_id, x.case_id, 3, x.body1_id, ${ctx.dispatcherId}::uuid, x.d1_at, x.body1_id, false, x.grid_code,
          coalesce(x.d1_end, x.final_end),
          case when x.kind = 'redispatched' then 'redispatched' when x.verified then 'verified' else 'returned' end,
          case when x.kind = 'verified' then 1 + case when x.reworked then 1 else 0 end else 0 end,
          case when x.kind = 'verified' and x.reworked then 1 else 0 end, true),
        (x.d2_id, x.case_id, 4, x.body2_id, ${ctx.dispatcherId}::uuid, x.t0, x.body1_id, true, x.grid_code,
          x.final_end, 'verified', 1 + case when x.reworked then 1 else 0 end,
          case when x.reworked then 1 else 0 end, x.kind = 'redispatched')
      ) as d(id, case_id, event_seq, body_id, dispatched_by_user_id, dispatched_at, suggested_body_id, overridden,
        grid_code, ended_at, end_reason, handled_count, rework_count, present)
      where d.present
    ),
    ins_surveys as (
      insert into case_surveys (case_id, close_seq, dispatch_id, body_id, satisfaction, solved, reopened,
        answered_by_user_id, created_at, points_pending)
      select x.case_id, x.close_seq, x.final_id, x.final_body_id, x.satisfaction, x.solved, x.reopened,
        ${ctx.dispatcherId}::uuid, least(${NOW}::timestamptz, x.closed_at + interval '1 day'),
        x.satisfaction = 'satisfied'
      from x where x.surveyed
    ),
    clocks as (
      select x.case_id, x.wall_factor, ${ctx.dispatcherId}::uuid as stopped_by, c.*
      from x cross join lateral (values
        ('response', x.d1_id, x.body1_id, x.r_lim, x.d1_at, null::timestamptz, x.d1_end, 'superseded',
          null, x.kind = 'redispatched'),
        ('handling', x.d1_id, x.body1_id, x.h_lim, x.d1_at, null::timestamptz, x.d1_end, 'superseded',
          null, x.kind = 'redispatched'),
        ('response', x.final_id, x.final_body_id, x.r_lim, x.t0, null::timestamptz, x.answered_at, null,
          null, true),
        ('handling', x.final_id, x.final_body_id, x.h_lim, x.t0, x.handled_at, coalesce(x.handled_at, x.answered_at),
          case when x.verified then null else 'returned' end, null, true),
        ('verification', x.final_id, null, x.v_lim, x.handled_at, null::timestamptz, x.verified_at, null,
          null, x.verified)
      ) as c(kind, dispatch_id, body_id, lim, started, paused, stopped, forced, target, present)
    ),
    ${insertClocksAndNotices(NOW)}`;
}

async function loadData(handle: DatabaseHandle, label: string): Promise<number> {
  const { db } = handle;
  const start = process.hrtime.bigint();
  const reference = await loadReferenceData(db);
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
  const period = periodOf({ month: MONTH }, TIME_ZONE);
  const ctx: GenerationContext = {
    ...reference,
    bodies: await count('handling_bodies'),
    categories: LEAVES.length,
    periodFrom: period.from,
    periodTo: period.to,
  };
  // One session for the whole load: the seed makes it reproducible, and foreign keys are not checked
  // (every reference is right by construction; checking 6 M of them would only slow the load).
  await db.connection().execute(async (conn) => {
    await sql`select setseed(0.20261124)`.execute(conn);
    await sql`set session_replication_role = replica`.execute(conn);
    try {
      const open = progressReporter(`${label}: open cases`);
      for (let from = 0; from < CASES; from += CHUNK) {
        const to = Math.min(CASES, from + CHUNK);
        await openCasesChunk(from, to, ctx).execute(conn);
        open.update(to, CASES);
      }
      open.stop();
      const closed = progressReporter(`${label}: cases finished in ${MONTH}`);
      for (let from = CASES; from < CASES + CLOSED; from += CHUNK) {
        const to = Math.min(CASES + CLOSED, from + CHUNK);
        await closedCasesChunk(from, to, ctx).execute(conn);
        closed.update(to - CASES, CLOSED);
      }
      closed.stop();
    } finally {
      await sql`set session_replication_role = origin`.execute(conn);
    }
  });
  const loaded = seconds(start);
  console.log(`${label}: loaded in ${loaded.toFixed(0)} s; VACUUM ANALYZE …`);
  await sql`vacuum analyze`.execute(db);
  if (handle.kind === 'postgres') await sql`checkpoint`.execute(db);
  return seconds(start);
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

/** The running clocks a sweep at `at` has to give a notice for, counted plainly. */
async function dueClocks(db: Db, at: Date): Promise<{ yellow: number; red: number }> {
  const { rows } = await sql<{ yellow: number; red: number }>`
    select count(*) filter (where warned_at is null and warn_at <= ${at}) as yellow,
      count(*) filter (where overdue_at is null and due_at <= ${at}) as red
    from case_clocks where stopped_at is null and paused_at is null`.execute(db);
  return { yellow: Number(rows[0]!.yellow), red: Number(rows[0]!.red) };
}

async function measure(handle: DatabaseHandle, database: string, loadSeconds: number): Promise<DatabaseReport> {
  const { db } = handle;
  const version = (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]!.v;
  const tables: Record<string, number> = {};
  for (const table of ['cases', 'case_dispatches', 'case_clocks', 'supervision_notices', 'case_surveys']) {
    tables[table] = Number(
      (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
    );
  }
  const dueBeforeSweep = await dueClocks(db, NOW);
  const plannedNotices = { yellow: planned(CASES, 0, 15), red: planned(CASES, 15, 25) };
  console.log(
    `${database}: ${tables.cases} cases, ${tables.case_clocks} clocks; due now: ${dueBeforeSweep.yellow} yellow, ${dueBeforeSweep.red} red (planned ${plannedNotices.yellow}, ${plannedNotices.red})`,
  );

  const results: Result[] = [];
  const add = (operation: Operation, label: string, runs: number[], count: number, countLabel: string): Result => {
    const result: Result = {
      database,
      operation,
      label,
      seconds: median(runs),
      runs,
      count,
      countLabel,
      vsBaseline: null,
      targetSeconds: handle.kind === 'postgres' ? (TARGETS[operation] ?? null) : null,
      meetsTarget: null,
    };
    if (result.targetSeconds !== null) result.meetsTarget = result.seconds <= result.targetSeconds;
    results.push(result);
    return result;
  };

  console.log(`${database}: baseline …`);
  const baseline = await repeated(REPEATS, async () => {
    const { rows } = await sql<{ n: number; latest: Date }>`
      select count(*) as n, max(due_at) as latest from case_clocks where stopped_at is null`.execute(db);
    return Number(rows[0]!.n);
  });
  const runningClocks = baseline.values[0]!;
  add('baseline', 'baseline: one pass over the open clocks', baseline.runs, runningClocks, 'open clocks');

  console.log(`${database}: supervision sweep …`);
  const first = await timed(() => runSupervisionSweep(db, NOW));
  add('sweep', 'supervision sweep (first; once)', [first.seconds], first.value.yellow + first.value.red, 'notices');
  const correct =
    first.value.yellow === dueBeforeSweep.yellow &&
    first.value.red === dueBeforeSweep.red &&
    first.value.yellow === plannedNotices.yellow &&
    first.value.red === plannedNotices.red;
  if (!correct) {
    console.error(
      `\n!!! ${database}: NOTICE COUNT MISMATCH: the sweep gave ${first.value.yellow} yellow + ${first.value.red} red; ` +
        `due were ${dueBeforeSweep.yellow} + ${dueBeforeSweep.red}; planned ${plannedNotices.yellow} + ${plannedNotices.red} !!!\n`,
    );
    process.exitCode = 1;
  }
  const again = await repeated(REPEATS, () => runSupervisionSweep(db, NOW));
  const againNotices = again.values.reduce((sum, r) => sum + r.yellow + r.red, 0);
  if (againNotices !== 0) {
    console.error(`\n!!! ${database}: THE SECOND SWEEP GAVE ${againNotices} NOTICES (expected 0) !!!\n`);
    process.exitCode = 1;
  }
  add('sweepAgain', 'supervision sweep again (idempotent)', again.runs, againNotices, 'notices');

  // What the sweeper meets in normal operation: the deadlines passed during one interval (60 s by default).
  const later = new Date(NOW.getTime() + 60_000);
  const dueLater = await dueClocks(db, later);
  const next = await timed(() => runSupervisionSweep(db, later));
  add(
    'sweepNext',
    'supervision sweep 60 s later (normal round; once)',
    [next.seconds],
    next.value.yellow + next.value.red,
    'notices',
  );
  if (next.value.yellow !== dueLater.yellow || next.value.red !== dueLater.red) {
    console.error(
      `\n!!! ${database}: THE SWEEP 60 S LATER GAVE ${next.value.yellow} + ${next.value.red} NOTICES; ${dueLater.yellow} + ${dueLater.red} were due !!!\n`,
    );
    process.exitCode = 1;
  }

  const supervisor = await actorForUsername(db, 'supervisor');
  if (!supervisor) throw new Error('no supervisor');
  const period = periodOf({ month: MONTH }, TIME_ZONE);
  let evaluatedDispatches = 0;
  for (const group of ['body', 'district'] as const) {
    console.log(`${database}: evaluation by ${group} …`);
    const evaluation = await repeated(REPEATS, () => evaluate(db, supervisor, { period, group, asOf: NOW }));
    const rows = evaluation.values[0]!;
    const dispatches = rows.reduce((sum, r) => sum + r.dispatches, 0);
    if (group === 'body') evaluatedDispatches = dispatches;
    add(
      group === 'body' ? 'evaluationBody' : 'evaluationDistrict',
      `evaluate ${MONTH}, group '${group}' (${rows.length} rows)`,
      evaluation.runs,
      dispatches,
      'dispatches',
    );
  }

  console.log(`${database}: points …`);
  const points = await timed(() => awardPoints(db));
  add('points', 'awardPoints (first; once)', [points.seconds], points.value, 'awards');
  const pointsAgain = await repeated(REPEATS, () => awardPoints(db));
  add(
    'pointsAgain',
    'awardPoints again (nothing new; every round)',
    pointsAgain.runs,
    pointsAgain.values.reduce((a, b) => a + b, 0),
    'awards',
  );

  for (const result of results) result.vsBaseline = result.seconds / results[0]!.seconds;
  return {
    database,
    version,
    openCases: CASES,
    closedMonthCases: CLOSED,
    loadSeconds,
    tables,
    runningClocks,
    plannedNotices,
    dueBeforeSweep,
    sweep: first.value,
    sweepNext: next.value,
    evaluatedDispatches,
    correct,
    results,
  };
}

// ---------------------------------------------------------------------------------------------------------

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function benchPostgres(): Promise<DatabaseReport> {
  const name = `civicgrid_bench_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  console.log(`PostgreSQL: database ${name} on ${url.host}`);
  const handle = await openDatabase({ kind: 'postgres', url: url.toString() });
  try {
    await migrateToLatest(handle.db);
    const loadSeconds = await loadData(handle, 'PostgreSQL');
    return await measure(handle, 'PostgreSQL', loadSeconds);
  } finally {
    await handle.close();
    if (KEEP) console.log(`kept ${url.toString()} (BENCH_KEEP=1); drop it by hand`);
    else {
      await withAdminClient(async (client) => {
        // Let the pool's sessions finish closing first, so dropping does not have to cut them off.
        for (let i = 0; i < 50; i++) {
          const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      });
    }
  }
}

async function benchPglite(): Promise<DatabaseReport> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-bench-loop-'));
  console.log(`PGlite: data in ${dataDir}`);
  const handle = await openDatabase({ kind: 'pglite', dataDir });
  try {
    await migrateToLatest(handle.db);
    const loadSeconds = await loadData(handle, 'PGlite');
    return await measure(handle, 'PGlite', loadSeconds);
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const started = process.hrtime.bigint();
  console.log(`${CASES} open cases + ${CLOSED} finished in ${MONTH}; sweep at ${NOW.toISOString()}`);
  const reports: DatabaseReport[] = [];
  if (WHICH !== 'pglite') reports.push(await benchPostgres());
  if (WHICH !== 'postgres') reports.push(await benchPglite());

  const rows = reports.flatMap((report) =>
    report.results.map((r) => ({
      database: r.database,
      operation: r.label,
      seconds: r.seconds.toFixed(3),
      'rows/notices': `${r.count.toLocaleString('en')} ${r.countLabel}`,
      'vs baseline': r.vsBaseline === null ? '' : r.vsBaseline.toFixed(2),
      target: r.targetSeconds === null ? '' : `≤ ${r.targetSeconds} s`,
      'meets target': r.meetsTarget === null ? '' : r.meetsTarget ? 'yes' : 'NO',
    })),
  );
  console.table(rows);
  for (const report of reports) {
    console.log(
      `${report.database}: load ${report.loadSeconds.toFixed(0)} s; sweep ${report.sweep.yellow} yellow + ${report.sweep.red} red ` +
        `(${report.correct ? 'as planned' : 'MISMATCH'}); ${report.evaluatedDispatches} dispatches evaluated`,
    );
  }
  const wallSeconds = seconds(started);
  console.log(`whole run: ${(wallSeconds / 60).toFixed(1)} min`);

  const cpus = os.cpus();
  const report = {
    benchmark: 'loop',
    date: new Date().toISOString(),
    cases: CASES,
    closedInMonth: CLOSED,
    now: NOW.toISOString(),
    month: MONTH,
    repeats: REPEATS,
    wallSeconds,
    machine: {
      os: `${os.type()} ${os.release()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      cpuSpeedMHz: cpus[0]?.speed,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    databases: reports,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/loop.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote bench/results/loop.json');
}

await main();
