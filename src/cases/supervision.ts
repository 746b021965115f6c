import { sql } from 'kysely';
import type { WorkingCalendar } from '../calendar/index.ts';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { mayNotSupervise } from './cases.errors.ts';
import type { ClockKind } from './cases.tables.ts';
import { type Measure, timeBetween } from './deadlines.ts';
import { visibleTo } from './visibility.ts';

export interface SweepResult {
  yellow: number;
  red: number;
}

/**
 * Supervision (督办) as a sweep: every running clock that has reached 80 % of its time gets a yellow
 * notice, every one past its deadline a red notice, escalated to the handling body's superior. Driven by
 * the clocks' own warn_at/due_at, so it is idempotent (run it as often as you like), and safe with several
 * server instances: each batch is claimed with FOR UPDATE SKIP LOCKED and marked by a conditional UPDATE,
 * and the notices' unique (clock, level) key refuses a second notice whatever happens.
 */
export async function runSupervisionSweep(db: Db, now: Date, batchSize = 5000): Promise<SweepResult> {
  const result = { yellow: 0, red: 0 };
  for (const level of ['yellow', 'red'] as const) {
    for (;;) {
      const given = await sweepBatch(db, level, now, batchSize);
      result[level] += given.notices;
      if (given.claimed < batchSize) break;
    }
  }
  return result;
}

async function sweepBatch(db: Db, level: 'yellow' | 'red', now: Date, batchSize: number) {
  // The two levels differ only in which moment and which mark they use.
  const [moment, mark] =
    level === 'yellow' ? [sql.ref('warn_at'), sql.ref('warned_at')] : [sql.ref('due_at'), sql.ref('overdue_at')];
  const escalation =
    level === 'red' ? sql`(select parent_id from handling_bodies where id = marked.body_id)` : sql`null`;
  const { rows } = await sql<{ claimed: number; notices: number }>`
    with claimed as (
      select id from case_clocks
      where stopped_at is null and paused_at is null and ${mark} is null and ${moment} <= ${now}
      order by ${moment}
      limit ${batchSize}
      for update skip locked
    ), marked as (
      update case_clocks set ${mark} = ${now}
      from claimed where case_clocks.id = claimed.id and case_clocks.${mark} is null
      returning case_clocks.id, case_clocks.case_id, case_clocks.body_id
    ), notices as (
      insert into supervision_notices (clock_id, case_id, level, body_id, escalated_to_body_id, created_at)
      select marked.id, marked.case_id, ${level}, marked.body_id, ${escalation}, ${now} from marked
      on conflict (clock_id, level) do nothing
      returning 1
    )
    select (select count(*) from claimed) as claimed, (select count(*) from notices) as notices`.execute(db);
  return { claimed: Number(rows[0]?.claimed ?? 0), notices: Number(rows[0]?.notices ?? 0) };
}

export interface ClockOnBoard {
  caseNumber: string;
  title: string;
  kind: ClockKind;
  bodyId: string | null;
  bodyNameZh: string | null;
  bodyNameEn: string | null;
  dueAt: Date;
  warnedAt: Date | null;
  overdueAt: Date | null;
}

export interface OverdueClock extends ClockOnBoard {
  /** Whether the deadline runs in working time on the city's calendar, or on the wall clock (urgent cases). */
  measure: Measure;
  /** How long past its deadline, in its measure: working minutes, or wall-clock minutes for urgent cases. */
  overdueMinutes: number;
}

/** A body's overdue deadlines (or, with no body, the verifications grid workers owe), oldest first. */
export interface OverdueGroup {
  bodyId: string | null;
  bodyCode: string | null;
  bodyNameZh: string | null;
  bodyNameEn: string | null;
  /** All the body's overdue deadlines within the viewer's reach. */
  count: number;
  /** The oldest of them: groups are listed by it, oldest first. */
  oldestDueAt: Date;
  /** The oldest OVERDUE_PER_BODY of them. */
  clocks: OverdueClock[];
}

export interface ExtensionOnBoard {
  caseNumber: string;
  title: string;
  bodyNameZh: string | null;
  bodyNameEn: string | null;
  reason: string;
  extraMinutes: number;
  measure: 'working' | 'wall';
  dueAt: Date;
  requestedAt: Date;
  /** The case's version: sent back with the decision, so a decision on a stale view is refused. */
  version: number;
}

export interface ReturnOnBoard {
  caseNumber: string;
  title: string;
  reason: string | null;
  returnedByBodyNameZh: string | null;
  returnedByBodyNameEn: string | null;
  returnedAt: Date;
}

export interface SupervisionBoard {
  overdue: { total: number; groups: OverdueGroup[] };
  warnings: ClockOnBoard[];
  extensionRequests: ExtensionOnBoard[];
  returns: ReturnOnBoard[];
}

const BOARD_LIMIT = 200;
/** Each body's oldest overdue deadlines listed on the board; its count says how many there are in all. */
export const OVERDUE_PER_BODY = 50;

/**
 * What a supervisor watches: overdue deadlines grouped by body (the body whose deadline is oldest first,
 * each with how long it is overdue), warned deadlines, extension requests, returned cases.
 */
export async function supervisionBoard(
  db: Db,
  actor: Actor,
  now: Date,
  calendar: WorkingCalendar,
): Promise<SupervisionBoard> {
  if (!mayDo(actor, 'supervision.board')) throw mayNotSupervise();
  // The running deadlines the viewer may see. A paused one (suspended, or handled and waiting for
  // verification) is nobody's to chase now.
  const running = db
    .selectFrom('case_clocks')
    .innerJoin('cases', 'cases.id', 'case_clocks.case_id')
    .leftJoin('handling_bodies', 'handling_bodies.id', 'case_clocks.body_id')
    .where(visibleTo(actor))
    .where('case_clocks.stopped_at', 'is', null)
    .where('case_clocks.paused_at', 'is', null);
  const clocks = running.select([
    'cases.case_number',
    'cases.title',
    'case_clocks.kind',
    'case_clocks.body_id',
    'handling_bodies.name_zh',
    'handling_bodies.name_en',
    'case_clocks.due_at',
    'case_clocks.warned_at',
    'case_clocks.overdue_at',
    'case_clocks.measure',
  ]);
  const toClock = (r: Awaited<ReturnType<typeof clocks.execute>>[number]): ClockOnBoard => ({
    caseNumber: r.case_number,
    title: r.title,
    kind: r.kind,
    bodyId: r.body_id,
    bodyNameZh: r.name_zh,
    bodyNameEn: r.name_en,
    dueAt: r.due_at,
    warnedAt: r.warned_at,
    overdueAt: r.overdue_at,
  });
  const overdueClocks = clocks
    .where('case_clocks.due_at', '<=', now)
    .select(
      sql<number>`row_number() over (partition by case_clocks.body_id order by case_clocks.due_at, case_clocks.id)`.as(
        'place',
      ),
    );
  const [overdueCounts, overdue, warnings, requests, returns] = await Promise.all([
    running
      .where('case_clocks.due_at', '<=', now)
      .select([
        'case_clocks.body_id',
        'handling_bodies.code',
        'handling_bodies.name_zh',
        'handling_bodies.name_en',
        (eb) => eb.fn.countAll<number>().as('count'),
        (eb) => eb.fn.min('case_clocks.due_at').as('oldest'),
      ])
      .groupBy(['case_clocks.body_id', 'handling_bodies.code', 'handling_bodies.name_zh', 'handling_bodies.name_en'])
      .execute(),
    db
      .selectFrom(overdueClocks.as('c'))
      .selectAll()
      .where('c.place', '<=', OVERDUE_PER_BODY)
      .orderBy('c.due_at')
      .execute(),
    clocks
      .where('case_clocks.due_at', '>', now)
      .where('case_clocks.warned_at', 'is not', null)
      .orderBy('case_clocks.due_at')
      .limit(BOARD_LIMIT)
      .execute(),
    db
      .selectFrom('extension_requests')
      .innerJoin('cases', 'cases.id', 'extension_requests.case_id')
      .innerJoin('case_clocks', 'case_clocks.id', 'extension_requests.clock_id')
      .leftJoin('handling_bodies', 'handling_bodies.id', 'case_clocks.body_id')
      .select([
        'cases.case_number',
        'cases.title',
        'handling_bodies.name_zh',
        'handling_bodies.name_en',
        'extension_requests.reason',
        'extension_requests.extra_minutes',
        'extension_requests.created_at',
        'case_clocks.due_at',
        'case_clocks.measure',
        'cases.event_count',
      ])
      .where(visibleTo(actor))
      .where('extension_requests.status', '=', 'pending')
      .orderBy('extension_requests.created_at')
      .limit(BOARD_LIMIT)
      .execute(),
    db
      .selectFrom('cases')
      .innerJoin('case_events', (join) =>
        join.onRef('case_events.case_id', '=', 'cases.id').on('case_events.action', '=', 'return'),
      )
      .innerJoin('case_dispatches', (join) =>
        join.onRef('case_dispatches.case_id', '=', 'cases.id').on('case_dispatches.end_reason', '=', 'returned'),
      )
      .leftJoin('handling_bodies', 'handling_bodies.id', 'case_dispatches.body_id')
      .select([
        'cases.case_number',
        'cases.title',
        'case_events.note',
        'case_events.created_at',
        'handling_bodies.name_zh',
        'handling_bodies.name_en',
      ])
      .where(visibleTo(actor))
      .where('cases.status', '=', 'returned')
      // The latest return and the dispatch it ended.
      .whereRef('case_events.seq', '=', (eb) =>
        eb
          .selectFrom('case_events as e')
          .select((e) => e.fn.max('e.seq').as('s'))
          .whereRef('e.case_id', '=', 'cases.id')
          .where('e.action', '=', 'return'),
      )
      .whereRef('case_dispatches.ended_at', '=', 'case_events.created_at')
      .orderBy('case_events.created_at')
      .limit(BOARD_LIMIT)
      .execute(),
  ]);
  const groups = overdueCounts
    .map(
      (g): OverdueGroup => ({
        bodyId: g.body_id,
        bodyCode: g.code,
        bodyNameZh: g.name_zh,
        bodyNameEn: g.name_en,
        count: Number(g.count),
        oldestDueAt: new Date(g.oldest),
        clocks: overdue
          .filter((c) => c.body_id === g.body_id)
          .map((c) => ({
            ...toClock(c),
            measure: c.measure,
            overdueMinutes: Math.round(timeBetween(calendar, c.measure, c.due_at, now)),
          })),
      }),
    )
    .sort((a, b) => a.oldestDueAt.getTime() - b.oldestDueAt.getTime() || b.count - a.count);
  return {
    overdue: { total: groups.reduce((sum, g) => sum + g.count, 0), groups },
    warnings: warnings.map(toClock),
    extensionRequests: requests.map((r) => ({
      caseNumber: r.case_number,
      title: r.title,
      bodyNameZh: r.name_zh,
      bodyNameEn: r.name_en,
      reason: r.reason,
      extraMinutes: r.extra_minutes,
      measure: r.measure,
      version: r.event_count,
      dueAt: r.due_at,
      requestedAt: r.created_at,
    })),
    returns: returns.map((r) => ({
      caseNumber: r.case_number,
      title: r.title,
      reason: r.note,
      returnedByBodyNameZh: r.name_zh,
      returnedByBodyNameEn: r.name_en,
      returnedAt: r.created_at,
    })),
  };
}
