/**
 * The supervision board's overdue deadlines: grouped by body, the body whose deadline is oldest first, each
 * deadline with how long it is overdue in its own measure (working time on the city's calendar, wall-clock
 * time for urgent cases). The deadlines are written straight into the tables (test/case-rows.ts); how the
 * loop starts and stops them is tested in case-clocks.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { insertDispatchedCases } from '../../test/case-rows.ts';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { fixedClock } from '../lib/clock.ts';
import { OVERDUE_PER_BODY } from './supervision.ts';

/** An instant given in city time (UTC+8). */
const cityTime = (local: string) => new Date(`${local}:00+08:00`);

interface Group {
  bodyCode: string | null;
  count: number;
  oldestDueAt: string;
  clocks: Array<{ caseNumber: string; kind: string; measure: string; overdueMinutes: number; dueAt: string }>;
}

forEachDatabase('the supervision board', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  /** Open handling deadlines of a body's cases, due at the given city times. */
  async function overdueDeadlines(code: string, due: string[], measure: 'working' | 'wall' = 'working') {
    const { db } = database();
    const { id: bodyId } = await db
      .selectFrom('handling_bodies')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const rows = await insertDispatchedCases(db, {
      count: due.length,
      bodyId,
      dispatchedAt: cityTime('2026-11-02T09:00'),
      status: 'in_progress',
      title: `督办 ${code}`,
    });
    await db
      .insertInto('case_clocks')
      .values(
        rows.map((row, i) => ({
          case_id: row.caseId,
          dispatch_id: row.dispatchId,
          kind: 'handling' as const,
          measure,
          body_id: bodyId,
          limit_minutes: 2400,
          started_at: cityTime('2026-11-02T09:00'),
          warn_at: cityTime(due[i]!),
          due_at: cityTime(due[i]!),
          paused_at: null,
          stopped_at: null,
          stopped_by_user_id: null,
          outcome: null,
          elapsed_minutes: null,
          warned_at: null,
          overdue_at: null,
        })),
      )
      .execute();
  }

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    // Monday 23 November 2026, 10:00.
    ({ app, as } = await buildTestApp(database(), areas, fixedClock(cityTime('2026-11-23T10:00'))));
    await overdueDeadlines('street-wulipai', ['2026-11-20T17:00', '2026-11-23T09:30']);
    await overdueDeadlines('urban-management', ['2026-11-19T09:00', '2026-11-23T09:00', '2026-11-20T12:00']);
    // An urgent case runs on the wall clock: 2 hours overdue at 10:00.
    await overdueDeadlines('housing', ['2026-11-23T08:00'], 'wall');
    // Not overdue yet: on no one's overdue list.
    await overdueDeadlines('housing', ['2026-11-23T11:00']);
    // More than a body's list shows: the count says how many there are.
    await overdueDeadlines('district-430102', Array(OVERDUE_PER_BODY + 2).fill('2026-11-20T10:00'));
  }, 120_000);

  const board = async () => {
    const response = await app.inject({ url: '/api/v1/supervision/board', headers: await as('supervisor') });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().overdue as { total: number; groups: Group[] };
  };

  it('should group overdue deadlines by body, the body with the oldest deadline first, oldest first within', async () => {
    const { total, groups } = await board();
    expect(groups.map((g) => [g.bodyCode, g.count])).toEqual([
      ['urban-management', 3], // oldest: Thursday 19 November 09:00
      ['district-430102', OVERDUE_PER_BODY + 2], // Friday 10:00
      ['street-wulipai', 2], // Friday 17:00
      ['housing', 1], // today 08:00
    ]);
    expect(total).toBe(3 + OVERDUE_PER_BODY + 2 + 2 + 1);
    const urban = groups[0]!;
    expect(urban.oldestDueAt).toBe(cityTime('2026-11-19T09:00').toISOString());
    expect(urban.clocks.map((c) => c.dueAt)).toEqual(
      ['2026-11-19T09:00', '2026-11-20T12:00', '2026-11-23T09:00'].map((t) => cityTime(t).toISOString()),
    );
    expect(groups[1]!.clocks).toHaveLength(OVERDUE_PER_BODY);
  });

  it('should say how long each is overdue: working time on the calendar, wall-clock time for urgent cases', async () => {
    const { groups } = await board();
    const overdue = (code: string) => groups.find((g) => g.bodyCode === code)!.clocks.map((c) => c.overdueMinutes);
    // Working hours 09:00–12:00 and 13:00–18:00. Thursday 09:00 → Monday 10:00: 480 + 480 + the weekend's
    // none + 60. Friday 12:00 → Monday 10:00: 300 + 60. Monday 09:00 → 10:00: 60.
    expect(overdue('urban-management')).toEqual([1020, 360, 60]);
    // Friday 17:00 → Monday 10:00: 60 + 60; Monday 09:30 → 10:00: 30.
    expect(overdue('street-wulipai')).toEqual([120, 30]);
    const urgent = groups.find((g) => g.bodyCode === 'housing')!.clocks[0]!;
    expect(urgent).toMatchObject({ measure: 'wall', overdueMinutes: 120 });
  });

  it('should refuse the board to a handler', async () => {
    const handler = await app.inject({ url: '/api/v1/supervision/board', headers: await as('handler.housing') });
    expect(handler.statusCode).toBe(403);
  });
});
