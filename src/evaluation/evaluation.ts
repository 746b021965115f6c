import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { defineError } from '../lib/app-error.ts';
import { likePrefix } from '../lib/like.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import {
  checkWeights,
  compositeScore,
  DEFAULT_MIN_DISPATCHES,
  DEFAULT_WEIGHTS,
  rate,
  storedWeights,
  type Weights,
} from './indicators.ts';
import type { Period } from './period.ts';

export const mayNotEvaluate = defineError('AUTH_ERR_FORBIDDEN', 403, (what: string) => ({
  message: `Your role may not ${what}`,
}));

/** Who may read the evaluation: the desk, supervisors and administrators (handlers see their own body). */
export function assertMayEvaluate(actor: Actor): void {
  if (!mayDo(actor, 'evaluation.read')) throw mayNotEvaluate('see the evaluation');
}

/** The figures of dispatchers and grid workers (named people) are for the desk, supervisors and administrators. */
function assertMayEvaluatePeople(actor: Actor): void {
  if (!mayDo(actor, 'evaluation.people')) throw mayNotEvaluate("see other staff's figures");
}

export const EVALUATION_GROUPS = ['body', 'district', 'street', 'community', 'grid'] as const;
export type EvaluationGroup = (typeof EVALUATION_GROUPS)[number];

/** How many digits of the grid code name an area of each level (6 + 3 + 3 + 3). */
const AREA_CODE_LENGTH: Record<Exclude<EvaluationGroup, 'body'>, number> = {
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};

export interface EvaluationRow {
  /** The body's id, or the area's code. */
  key: string;
  /** The body's code (e.g. district-430102), or the area's code: what people and spreadsheets name it by. */
  code: string;
  nameZh: string;
  nameEn: string;
  dispatches: number;
  responseRate: number | null;
  onTimeRate: number | null;
  solvedRate: number | null;
  satisfactionRate: number | null;
  returnRate: number | null;
  reworkRate: number | null;
  overdueCount: number;
  avgHandlingHours: number | null;
  dissatisfiedReopens: number;
  composite: number | null;
  /** Null when unranked: no composite score, or fewer dispatches than the minimum (`unranked` says which). */
  rank: number | null;
  unranked: 'no_score' | 'too_few_dispatches' | null;
}

interface Counts {
  key: string;
  code: string | null;
  name_zh: string | null;
  name_en: string | null;
  dispatches: number;
  responded_on_time: number;
  response_decided: number;
  handled_on_time: number;
  handling_decided: number;
  returned: number;
  handled: number;
  reworked: number;
  overdue: number;
  avg_handling_minutes: number | null;
  surveyed: number;
  solved: number;
  satisfied: number;
  dissatisfied_reopens: number;
}

export const WEIGHTS_KEY = 'evaluation_weights';

export async function evaluationWeights(db: Db): Promise<Weights> {
  const stored = await readSetting<Partial<Weights>>(db, WEIGHTS_KEY);
  return stored ? storedWeights(stored) : DEFAULT_WEIGHTS;
}

export async function setEvaluationWeights(db: Db, actor: Actor, weights: Weights): Promise<Weights> {
  if (!mayDo(actor, 'evaluation.weights')) throw mayNotEvaluate('change the evaluation weights');
  checkWeights(weights);
  await writeSetting(db, WEIGHTS_KEY, weights);
  return weights;
}

export const ownBodyOnly = defineError('EVALUATION_ERR_OWN_BODY_ONLY', 403, () => ({
  message: "A handler sees their own body's figures, by body only (group=body)",
}));

/** A deadline missed: stopped late, or still open (not paused before it) past it at `asOf`. */
const missed = (clock: 'r' | 'h', asOf: Date) =>
  sql`(${sql.ref(`${clock}.outcome`)} = 'late' or (${sql.ref(`${clock}.stopped_at`)} is null and coalesce(${sql.ref(`${clock}.paused_at`)}, ${asOf}) > ${sql.ref(`${clock}.due_at`)}))`;

/**
 * The indicators (see indicators.ts) for every handling body or every area of a level, over the
 * dispatches made in the period, as things stand at `asOf`; ranked by the composite score.
 */
export async function evaluate(
  db: Db,
  actor: Actor,
  options: {
    period: Period;
    group: EvaluationGroup;
    asOf: Date;
    weights?: Weights;
    within?: string;
    /** Rows with fewer dispatches are shown unranked (default DEFAULT_MIN_DISPATCHES). */
    minDispatches?: number;
  },
): Promise<EvaluationRow[]> {
  assertMayEvaluate(actor);
  const { period, group, asOf } = options;
  // A handler's row is ranked among all bodies, then shown alone: ranks of areas would be other bodies' work.
  if (actor.role === 'handler' && group !== 'body') throw ownBodyOnly();
  const weights = checkWeights(options.weights ?? (await evaluationWeights(db)));
  const length = group === 'body' ? 0 : AREA_CODE_LENGTH[group];
  const key = group === 'body' ? sql`d.body_id::text` : sql`substr(d.grid_code, 1, ${length})`;
  const names =
    group === 'body'
      ? sql`left join handling_bodies n on n.id::text = t.key`
      : sql`left join grid_areas n on n.code = t.key`;
  const code = group === 'body' ? sql`n.code` : sql`t.key`;
  const areaFilter = group === 'body' ? sql`` : sql`and length(d.grid_code) >= ${length}`;
  const withinFilter = options.within ? sql`and d.grid_code like ${likePrefix(options.within)}` : sql``;
  const { rows } = await sql<Counts>`
    with t as (
      select ${key} as key,
        count(*) as dispatches,
        count(*) filter (where r.outcome = 'met') as responded_on_time,
        count(*) filter (where r.outcome in ('met', 'late') or ${missed('r', asOf)}) as response_decided,
        count(*) filter (where h.outcome = 'met') as handled_on_time,
        count(*) filter (where h.outcome in ('met', 'late') or ${missed('h', asOf)}) as handling_decided,
        count(*) filter (where d.end_reason = 'returned') as returned,
        count(*) filter (where d.handled_count > 0) as handled,
        count(*) filter (where d.handled_count > 0 and d.rework_count > 0) as reworked,
        count(*) filter (where ${missed('r', asOf)} or (h.outcome is distinct from 'returned' and ${missed('h', asOf)})) as overdue,
        avg(h.elapsed_minutes) filter (where h.outcome in ('met', 'late') and h.measure = 'working') as avg_handling_minutes,
        count(s.id) as surveyed,
        count(*) filter (where s.solved) as solved,
        count(*) filter (where s.satisfaction in ('satisfied', 'basically_satisfied')) as satisfied,
        count(*) filter (where s.reopened) as dissatisfied_reopens
      from case_dispatches d
      left join case_clocks r on r.dispatch_id = d.id and r.kind = 'response'
      left join case_clocks h on h.dispatch_id = d.id and h.kind = 'handling'
      left join case_surveys s on s.dispatch_id = d.id
      where d.dispatched_at >= ${period.from} and d.dispatched_at < ${period.to}
        and d.end_reason is distinct from 'redispatched'
        ${areaFilter} ${withinFilter}
      group by 1
    )
    select t.*, ${code} as code, n.name_zh, n.name_en from t ${names} order by t.key`.execute(db);

  const unnamed = group === 'body' ? new Map() : await namesOfUnnamedAreas(db, rows);
  const evaluated = rows.map((c): EvaluationRow => {
    const n = (v: unknown) => Number(v ?? 0);
    const rates = {
      responseRate: rate(n(c.responded_on_time), n(c.response_decided)),
      onTimeRate: rate(n(c.handled_on_time), n(c.handling_decided)),
      solvedRate: rate(n(c.solved), n(c.surveyed)),
      satisfactionRate: rate(n(c.satisfied), n(c.surveyed)),
      reworkRate: rate(n(c.reworked), n(c.handled)),
    };
    return {
      key: c.key,
      code: c.code ?? c.key,
      nameZh: c.name_zh ?? unnamed.get(c.key)?.nameZh ?? c.key,
      nameEn: c.name_en ?? unnamed.get(c.key)?.nameEn ?? c.key,
      dispatches: n(c.dispatches),
      ...rates,
      returnRate: rate(n(c.returned), n(c.dispatches)),
      overdueCount: n(c.overdue),
      avgHandlingHours: c.avg_handling_minutes === null ? null : Number(c.avg_handling_minutes) / 60,
      dissatisfiedReopens: n(c.dissatisfied_reopens),
      composite: compositeScore(rates, weights),
      rank: null,
      unranked: null,
    };
  });
  const all = ranked(evaluated, options.minDispatches ?? DEFAULT_MIN_DISPATCHES);
  return actor.role === 'handler' ? all.filter((row) => row.key === actor.handlingBodyId) : all;
}

export interface MonthWithData {
  /** YYYY-MM, city time. */
  month: string;
  dispatches: number;
}

/** How many months back the list of months with data goes. */
const MONTHS_LISTED = 36;

/**
 * The months (city time) with dispatches the evaluation counts, newest first; for a handler, their own
 * body's. The console opens the evaluation on the newest, not on a month that may have nothing yet.
 */
export async function monthsWithData(db: Db, actor: Actor, timeZone: string): Promise<MonthWithData[]> {
  assertMayEvaluate(actor);
  const bodyFilter = actor.role === 'handler' ? sql`and d.body_id = ${actor.handlingBodyId}` : sql``;
  const { rows } = await sql<{ month: string; dispatches: number }>`
    select to_char(d.dispatched_at at time zone ${timeZone}, 'YYYY-MM') as month, count(*) as dispatches
    from case_dispatches d
    where d.end_reason is distinct from 'redispatched' ${bodyFilter}
    group by 1
    order by 1 desc
    limit ${MONTHS_LISTED}`.execute(db);
  return rows.map((r) => ({ month: r.month, dispatches: Number(r.dispatches) }));
}

/**
 * Names for area codes that are no area: where unit grids were generated straight into a district or a
 * street, the street or community segment of their codes is 000 ("430102000"). They are named after the
 * nearest real area above them: "芙蓉区（未分街道）".
 */
async function namesOfUnnamedAreas(db: Db, rows: Array<{ key: string; name_zh: string | null }>) {
  const names = new Map<string, { nameZh: string; nameEn: string }>();
  const keys = rows.filter((r) => r.name_zh === null && r.key).map((r) => r.key);
  if (!keys.length) return names;
  const prefixes = [
    ...new Set(keys.flatMap((key) => [6, 9, 12].filter((n) => n < key.length).map((n) => key.slice(0, n)))),
  ];
  const areas = await db
    .selectFrom('grid_areas')
    .select(['code', 'name_zh', 'name_en'])
    .where('code', 'in', prefixes)
    .execute();
  for (const key of keys) {
    const above = areas.filter((a) => key.startsWith(a.code)).sort((a, b) => b.code.length - a.code.length)[0];
    if (!above) continue;
    const level = key.length <= 9 ? { zh: '未分街道', en: 'no street' } : { zh: '未分社区', en: 'no community' };
    names.set(key, { nameZh: `${above.name_zh}（${level.zh}）`, nameEn: `${above.name_en} (${level.en})` });
  }
  return names;
}

/** Higher first, a missing value last. */
const higherFirst = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);

/** The order of the tie rule (indicators.ts, TIE_RULE): 0 only for rows that share a rank. */
function byTieRule(a: EvaluationRow, b: EvaluationRow): number {
  return (
    higherFirst(a.composite, b.composite) ||
    higherFirst(a.onTimeRate, b.onTimeRate) ||
    higherFirst(a.satisfactionRate, b.satisfactionRate) ||
    b.dispatches - a.dispatches
  );
}

/**
 * Ranks rows with a composite score and at least `minDispatches` dispatches, best first by the tie rule;
 * rows equal under it share a rank (1, 2, 2, 4). The others follow, unranked, in the same order; rows
 * still equal are listed by code.
 */
export function ranked(rows: EvaluationRow[], minDispatches: number): EvaluationRow[] {
  for (const row of rows) {
    row.unranked = row.composite === null ? 'no_score' : row.dispatches < minDispatches ? 'too_few_dispatches' : null;
    row.rank = null;
  }
  const sorted = [...rows].sort(
    (a, b) =>
      Number(a.unranked !== null) - Number(b.unranked !== null) || byTieRule(a, b) || a.code.localeCompare(b.code),
  );
  let previous: EvaluationRow | null = null;
  for (const [i, row] of sorted.entries()) {
    if (row.unranked) break;
    row.rank = previous && byTieRule(previous, row) === 0 ? previous.rank : i + 1;
    previous = row;
  }
  return sorted;
}

export interface DispatcherRow {
  userId: string;
  name: string;
  dispatches: number;
  accurateRate: number | null;
  overrides: number;
}

export async function evaluateDispatchers(db: Db, actor: Actor, period: Period): Promise<DispatcherRow[]> {
  assertMayEvaluatePeople(actor);
  const rows = await db
    .selectFrom('case_dispatches as d')
    .innerJoin('users as u', 'u.id', 'd.dispatched_by_user_id')
    .select([
      'u.id',
      'u.display_name',
      (eb) => eb.fn.countAll<number>().as('dispatches'),
      sql<number>`count(*) filter (where d.end_reason is null or d.end_reason not in ('returned', 'redispatched'))`.as(
        'accurate',
      ),
      sql<number>`count(*) filter (where d.overridden)`.as('overrides'),
    ])
    .where('d.dispatched_at', '>=', period.from)
    .where('d.dispatched_at', '<', period.to)
    .groupBy(['u.id', 'u.display_name'])
    .orderBy('u.display_name')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    name: r.display_name,
    dispatches: Number(r.dispatches),
    accurateRate: rate(Number(r.accurate), Number(r.dispatches)),
    overrides: Number(r.overrides),
  }));
}

export interface GridWorkerRow {
  userId: string;
  name: string;
  reports: number;
  validReportRate: number | null;
  verifications: number;
  onTimeVerificationRate: number | null;
}

export async function evaluateGridWorkers(db: Db, actor: Actor, period: Period): Promise<GridWorkerRow[]> {
  assertMayEvaluatePeople(actor);
  const [reports, verifications] = await Promise.all([
    db
      .selectFrom('cases')
      .innerJoin('users', 'users.id', 'cases.reported_by_user_id')
      .select([
        'users.id',
        'users.display_name',
        (eb) => eb.fn.countAll<number>().as('reports'),
        sql<number>`count(*) filter (where cases.status <> 'cancelled')`.as('valid'),
      ])
      .where('users.role', '=', 'grid_worker')
      .where('cases.created_at', '>=', period.from)
      .where('cases.created_at', '<', period.to)
      .groupBy(['users.id', 'users.display_name'])
      .execute(),
    db
      .selectFrom('case_clocks')
      .innerJoin('users', 'users.id', 'case_clocks.stopped_by_user_id')
      .select([
        'users.id',
        'users.display_name',
        (eb) => eb.fn.countAll<number>().as('done'),
        sql<number>`count(*) filter (where case_clocks.outcome = 'met')`.as('on_time'),
      ])
      .where('users.role', '=', 'grid_worker')
      .where('case_clocks.kind', '=', 'verification')
      .where('case_clocks.outcome', 'in', ['met', 'late'])
      .where('case_clocks.stopped_at', '>=', period.from)
      .where('case_clocks.stopped_at', '<', period.to)
      .groupBy(['users.id', 'users.display_name'])
      .execute(),
  ]);
  const byUser = new Map<string, GridWorkerRow>();
  const row = (id: string, name: string) => {
    if (!byUser.has(id)) {
      byUser.set(id, {
        userId: id,
        name,
        reports: 0,
        validReportRate: null,
        verifications: 0,
        onTimeVerificationRate: null,
      });
    }
    return byUser.get(id)!;
  };
  for (const r of reports) {
    Object.assign(row(r.id, r.display_name), {
      reports: Number(r.reports),
      validReportRate: rate(Number(r.valid), Number(r.reports)),
    });
  }
  for (const v of verifications) {
    Object.assign(row(v.id, v.display_name), {
      verifications: Number(v.done),
      onTimeVerificationRate: rate(Number(v.on_time), Number(v.done)),
    });
  }
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}
