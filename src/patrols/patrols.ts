import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { likePrefix } from '../lib/like.ts';
import { startOfLocalDate } from '../lib/local-date.ts';
import { type Actor, actorForUsername, type Jurisdiction } from '../organizations/index.ts';
import { badPatrolTime, notAGridWorker, outsidePatrol, patrolEnded, patrolNotFound } from './patrols.errors.ts';

export interface PatrolDeps {
  db: Db;
  clock: Clock;
  timeZone: string;
  /** The finest grid area holding a WGS-84 point (a unit grid cell where there are some). */
  locateArea(longitude: number, latitude: number): string | null;
}

/** A phone's clock may run a little ahead of the server's; more than this is a wrong clock. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** The most cells a coverage answer lists (a district of 100 m cells has a few thousand). */
const MAX_CELLS_LISTED = 5_000;

function notInFuture(deps: PatrolDeps, at: Date, what: string) {
  if (at.getTime() > deps.clock.now().getTime() + CLOCK_SKEW_MS) throw badPatrolTime(what);
}

export async function startPatrol(deps: PatrolDeps, actor: Actor, startedAt: Date) {
  notInFuture(deps, startedAt, 'The start');
  const row = await deps.db
    .insertInto('patrols')
    .values({ user_id: actor.userId, started_at: startedAt })
    .returning(['id', 'started_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, startedAt: row.started_at };
}

async function ownPatrol(db: Db, actor: Actor, id: string) {
  const patrol = await db
    .selectFrom('patrols')
    .select(['id', 'started_at', 'ended_at'])
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!patrol) throw patrolNotFound(id);
  return patrol;
}

export interface TrackPoint {
  recordedAt: Date;
  longitude: number;
  latitude: number;
  accuracyM?: number | undefined;
}

/**
 * Adds points to the track of one's own patrol. A point sent twice (a phone's retry) is stored once: the
 * patrol and the instant identify it. Points recorded after the patrol ended are refused.
 */
export async function recordTrack(deps: PatrolDeps, actor: Actor, id: string, points: TrackPoint[]) {
  const patrol = await ownPatrol(deps.db, actor, id);
  for (const point of points) notInFuture(deps, point.recordedAt, 'A point of the track');
  // Only points within the patrol count: a patrol cannot claim cells walked before it began (coverage).
  if (points.some((p) => p.recordedAt < patrol.started_at)) throw outsidePatrol(id, 'before it started');
  const kept = patrol.ended_at ? points.filter((p) => p.recordedAt <= patrol.ended_at!) : points;
  if (patrol.ended_at && !kept.length) throw patrolEnded(id);
  if (!kept.length) return { stored: 0 };
  const result = await deps.db
    .insertInto('patrol_points')
    .values(
      kept.map((p) => ({
        patrol_id: id,
        recorded_at: p.recordedAt,
        longitude: p.longitude,
        latitude: p.latitude,
        accuracy_m: p.accuracyM ?? null,
        grid_code: deps.locateArea(p.longitude, p.latitude),
      })),
    )
    .onConflict((oc) => oc.columns(['patrol_id', 'recorded_at']).doNothing())
    .executeTakeFirst();
  return { stored: Number(result.numInsertedOrUpdatedRows ?? 0) };
}

export async function endPatrol(deps: PatrolDeps, actor: Actor, id: string, endedAt: Date) {
  notInFuture(deps, endedAt, 'The end');
  const patrol = await ownPatrol(deps.db, actor, id);
  if (endedAt < patrol.started_at) throw outsidePatrol(id, 'an end before its start');
  // Ending twice (a retry) keeps the first end.
  await deps.db
    .updateTable('patrols')
    .set({ ended_at: endedAt })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}

/** A supervisor limited to areas sees the grid workers whose areas all lie within theirs. */
function covers(reach: Jurisdiction, areas: Jurisdiction): boolean {
  if (reach === 'city') return true;
  if (areas === 'city') return false;
  return areas.every((area) => reach.some((prefix) => area.startsWith(prefix)));
}

/** Monday 00:00 of this week in the city's time zone. */
function weekStart(now: Date, timeZone: string): Date {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const day = new Date(`${local}T00:00:00Z`);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  const monday = new Date(day.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
  return startOfLocalDate(monday, timeZone);
}

/**
 * 有效巡查: the share of a grid worker's unit grid cells their patrols passed through this week. A grid
 * worker sees their own; supervisors and administrators those of the grid workers within their reach.
 */
export async function patrolCoverage(deps: PatrolDeps, actor: Actor, username?: string) {
  let worker = actor;
  if (username && username !== actor.username) {
    const other = actor.role === 'grid_worker' ? null : await actorForUsername(deps.db, username);
    if (other?.role !== 'grid_worker' || !covers(actor.jurisdiction, other.jurisdiction))
      throw notAGridWorker(username);
    worker = other;
  }
  return coverageOf(deps, worker);
}

/** This week's coverage of every active grid worker within the actor's reach (a supervisor's overview). */
export async function teamCoverage(deps: PatrolDeps, actor: Actor) {
  const workers = await deps.db
    .selectFrom('users')
    .select('username')
    .where('role', '=', 'grid_worker')
    .where('disabled_at', 'is', null)
    .orderBy('username')
    .execute();
  const team = [];
  for (const { username } of workers) {
    const worker = await actorForUsername(deps.db, username);
    if (!worker || !covers(actor.jurisdiction, worker.jurisdiction)) continue;
    const { cells: _cells, ...coverage } = await coverageOf(deps, worker);
    team.push({ username, displayName: worker.displayName, ...coverage });
  }
  return { weekStart: weekStart(deps.clock.now(), deps.timeZone), workers: team };
}

async function coverageOf(deps: PatrolDeps, worker: Actor) {
  const since = weekStart(deps.clock.now(), deps.timeZone);
  const areas = worker.jurisdiction === 'city' ? [''] : worker.jurisdiction;
  if (!areas.length) return { weekStart: since, unitCells: 0, visited: 0, share: 0, cells: [] };
  const cells = await deps.db
    .selectFrom('grid_areas')
    .select([
      'code',
      'name_zh',
      'name_en',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('patrol_points')
              .innerJoin('patrols', 'patrols.id', 'patrol_points.patrol_id')
              .select(sql.lit(1).as('one'))
              .whereRef('patrol_points.grid_code', '=', 'grid_areas.code')
              .where('patrols.user_id', '=', worker.userId)
              .where('patrol_points.recorded_at', '>=', since),
          )
          .as('visited'),
    ])
    .where('level', '=', 'grid')
    .where((eb) => eb.or(areas.map((prefix) => eb('code', 'like', likePrefix(prefix)))))
    .orderBy('code')
    .execute();
  const visited = cells.filter((c) => c.visited).length;
  return {
    weekStart: since,
    unitCells: cells.length,
    visited,
    share: cells.length ? visited / cells.length : 0,
    // Visited cells first, so a long list cut short still shows every visited one.
    cells: [...cells]
      .sort((a, b) => Number(b.visited) - Number(a.visited))
      .slice(0, MAX_CELLS_LISTED)
      .map((c) => ({ code: c.code, nameZh: c.name_zh, nameEn: c.name_en, visited: Boolean(c.visited) })),
  };
}

/** Tracks are kept this long unless configured (PATROL_TRACK_DAYS): enough for the monthly review. */
export const PATROL_TRACK_DAYS = 30;

/** Deletes patrols (and their tracks) that started longer ago than the retention period. */
export async function deleteOldTracks(db: Db, now: Date, days = PATROL_TRACK_DAYS) {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const result = await db.deleteFrom('patrols').where('started_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
