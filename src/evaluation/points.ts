import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { HandlingBodyType } from '../organizations/index.ts';
import type { PointReason } from './evaluation.tables.ts';
import type { Period } from './period.ts';

/** Points per reason: handled on time, verified without rework, the reporter satisfied. */
export const POINTS: Record<PointReason, number> = { on_time: 2, verified_first_time: 1, satisfied: 2 };

/**
 * Awards the points earned since the last round, dated when they were earned: dispatches verified within
 * their handling deadline, verified at the first check, and satisfied surveys. Driven by data, like the
 * supervision sweep: verifications and satisfied answers are marked pending when they happen; each batch
 * is claimed with FOR UPDATE SKIP LOCKED and unmarked in the statement that awards it, and a unique key
 * (one award per dispatch and reason) refuses a second award, so any number of instances can run it.
 */
export async function awardPoints(db: Db, batchSize = 5000): Promise<number> {
  let awarded = 0;
  for (;;) {
    const { rows } = await sql<{ claimed: number; awarded: number }>`
      with claimed_dispatches as (
        update case_dispatches set points_pending = false
        where id in (select id from case_dispatches where points_pending limit ${batchSize} for update skip locked)
        returning id, body_id, ended_at, rework_count
      ), claimed_surveys as (
        update case_surveys set points_pending = false
        where id in (select id from case_surveys where points_pending limit ${batchSize} for update skip locked)
        returning dispatch_id, body_id, created_at
      ), earned as (
        select d.body_id, d.id as dispatch_id, 'on_time' as reason, ${POINTS.on_time}::int as points,
            d.ended_at as earned_at
          from claimed_dispatches d
          join case_clocks h on h.dispatch_id = d.id and h.kind = 'handling' and h.outcome = 'met'
        union all
        select d.body_id, d.id, 'verified_first_time', ${POINTS.verified_first_time}::int, d.ended_at
          from claimed_dispatches d where d.rework_count = 0
        union all
        select s.body_id, s.dispatch_id, 'satisfied', ${POINTS.satisfied}::int, s.created_at
          from claimed_surveys s where s.body_id is not null and s.dispatch_id is not null
      ), inserted as (
        insert into points_ledger (body_id, dispatch_id, reason, points, created_at)
        select e.body_id, e.dispatch_id, e.reason, e.points, e.earned_at from earned e
        on conflict (dispatch_id, reason) do nothing
        returning 1
      )
      select (select count(*) from claimed_dispatches) + (select count(*) from claimed_surveys) as claimed,
        (select count(*) from inserted) as awarded`.execute(db);
    awarded += Number(rows[0]?.awarded ?? 0);
    if (Number(rows[0]?.claimed ?? 0) === 0) return awarded;
  }
}

export interface LeaderboardRow {
  bodyId: string;
  code: string;
  nameZh: string;
  nameEn: string;
  type: HandlingBodyType;
  points: number;
  awards: number;
  rank: number;
}

/** Bodies by points earned in the period, most first; optionally only bodies of some types (NGOs, companies…). */
export async function leaderboard(db: Db, period: Period, types?: HandlingBodyType[]): Promise<LeaderboardRow[]> {
  let query = db
    .selectFrom('points_ledger as p')
    .innerJoin('handling_bodies as b', 'b.id', 'p.body_id')
    .select([
      'b.id',
      'b.code',
      'b.name_zh',
      'b.name_en',
      'b.type',
      (eb) => eb.fn.sum<number>('p.points').as('points'),
      (eb) => eb.fn.countAll<number>().as('awards'),
    ])
    .where('p.created_at', '>=', period.from)
    .where('p.created_at', '<', period.to)
    .groupBy(['b.id', 'b.code', 'b.name_zh', 'b.name_en', 'b.type'])
    .orderBy('points', 'desc')
    .orderBy('b.code');
  if (types?.length) query = query.where('b.type', 'in', types);
  const rows = await query.execute();
  let rank = 0;
  let previous: number | null = null;
  return rows.map((r, i) => {
    const points = Number(r.points);
    if (points !== previous) rank = i + 1;
    previous = points;
    return {
      bodyId: r.id,
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      type: r.type,
      points,
      awards: Number(r.awards),
      rank,
    };
  });
}
