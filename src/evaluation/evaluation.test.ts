/**
 * The ranking cannot mislead: bodies of very different sizes, a tie, a handler looking at their own row,
 * weights set and refused, the spreadsheet's codes and the months with data. The figures are written
 * straight into the tables (test/case-rows.ts): hundreds of dispatches in a known state; how the loop
 * makes them is tested through the API in src/cases/closed-loop.test.ts.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertDispatchedCases } from '../../test/case-rows.ts';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { writeSetting } from '../db/settings.ts';
import { fixedClock } from '../lib/clock.ts';
import { actorForUsername, createUser } from '../organizations/index.ts';
import { WEIGHTS_KEY } from './evaluation.ts';
import { DEFAULT_MIN_DISPATCHES, DEFAULT_WEIGHTS } from './indicators.ts';

/** An instant given in city time (UTC+8). */
const cityTime = (local: string) => new Date(`${local}:00+08:00`);

/** How many of a body's dispatches met each mark (the rest missed it). */
interface Outcomes {
  dispatches: number;
  onTime: number;
  satisfied: number;
  /** Answered within the response deadline; all unless said. */
  responded?: number;
  /** Solved, by the reporter's survey; as many as satisfied unless said. */
  solved?: number;
  /** Failed a verification first; none unless said. */
  reworked?: number;
}

interface Row {
  key: string;
  code: string;
  dispatches: number;
  composite: number | null;
  onTimeRate: number | null;
  rank: number | null;
  unranked: string | null;
}

forEachDatabase('evaluation ranking', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const bodies: Record<string, string> = {};

  /** Closed, verified, surveyed dispatches of a body, dispatched at `local` (city time). */
  async function closedDispatches(code: string, outcomes: Outcomes, local = '2026-10-12T10:00') {
    const { db } = database();
    const at = cityTime(local);
    const rows = await insertDispatchedCases(db, {
      count: outcomes.dispatches,
      bodyId: bodies[code]!,
      dispatchedAt: at,
      status: 'closed',
      title: `评价 ${code}`,
    });
    const { id: userId } = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'dispatcher')
      .executeTakeFirstOrThrow();
    const responded = outcomes.responded ?? outcomes.dispatches;
    const solved = outcomes.solved ?? outcomes.satisfied;
    const reworked = outcomes.reworked ?? 0;
    const later = new Date(at.getTime() + 3_600_000);
    const ids = rows.map((row) => row.dispatchId);
    await db
      .updateTable('case_dispatches')
      .set({ ended_at: later, end_reason: 'verified', handled_count: 1 })
      .where('id', 'in', ids)
      .execute();
    if (reworked > 0) {
      await db
        .updateTable('case_dispatches')
        .set({ rework_count: 1 })
        .where('id', 'in', ids.slice(0, reworked))
        .execute();
    }
    const clock = (row: (typeof rows)[number], kind: 'response' | 'handling', met: boolean) => ({
      case_id: row.caseId,
      dispatch_id: row.dispatchId,
      kind,
      measure: 'working' as const,
      body_id: bodies[code]!,
      limit_minutes: 480,
      started_at: at,
      warn_at: at,
      due_at: later,
      paused_at: null,
      stopped_at: later,
      stopped_by_user_id: userId,
      outcome: met ? ('met' as const) : ('late' as const),
      elapsed_minutes: 60,
      warned_at: null,
      overdue_at: null,
    });
    await db
      .insertInto('case_clocks')
      .values(
        rows.flatMap((row, i) => [clock(row, 'response', i < responded), clock(row, 'handling', i < outcomes.onTime)]),
      )
      .execute();
    await db
      .insertInto('case_surveys')
      .values(
        rows.map((row, i) => ({
          case_id: row.caseId,
          close_seq: 1,
          dispatch_id: row.dispatchId,
          body_id: bodies[code]!,
          satisfaction: i < outcomes.satisfied ? ('satisfied' as const) : ('dissatisfied' as const),
          solved: i < solved,
          comment: null,
          reopened: false,
          answered_by_user_id: userId,
          created_at: later,
        })),
      )
      .execute();
  }

  beforeAll(async () => {
    const { db } = database();
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, fixedClock(cityTime('2026-11-05T10:00'))));
    const admin = (await actorForUsername(db, 'admin'))!;
    for (const code of [
      'eval-big',
      'eval-tiny',
      'eval-tie-a',
      'eval-tie-b',
      'eval-twin-c',
      'eval-twin-d',
      'eval-early',
    ]) {
      const body = await db
        .insertInto('handling_bodies')
        .values({ code, name_zh: `评价${code.slice(5)}`, name_en: `Evaluation ${code.slice(5)}`, type: 'enterprise' })
        .returning('id')
        .executeTakeFirstOrThrow();
      bodies[code] = body.id;
      await createUser(db, admin, {
        username: `handler.${code}`,
        displayName: `Handler ${code}`,
        role: 'handler',
        handlingBodyId: body.id,
      });
    }
    // 200 dispatches at 95 % on every mark, against 2 at 100 %.
    await closedDispatches('eval-big', {
      dispatches: 200,
      responded: 190,
      onTime: 190,
      satisfied: 190,
      solved: 190,
      reworked: 10,
    });
    await closedDispatches('eval-tiny', { dispatches: 2, onTime: 2, satisfied: 2 });
    // Equal satisfaction (90 %); tie-a is on time more often than tie-b; twins c and d are alike in all.
    await closedDispatches('eval-tie-a', { dispatches: 20, onTime: 18, satisfied: 18 });
    await closedDispatches('eval-tie-b', { dispatches: 20, onTime: 16, satisfied: 18 });
    await closedDispatches('eval-twin-c', { dispatches: 10, onTime: 9, satisfied: 9 });
    await closedDispatches('eval-twin-d', { dispatches: 10, onTime: 9, satisfied: 9 });
    // Earlier months: one dispatch in August; and one at 01:00 on 1 October city time (still 30 September
    // in UTC), which is October's.
    await closedDispatches('eval-tiny', { dispatches: 1, onTime: 1, satisfied: 1 }, '2026-08-20T10:00');
    await closedDispatches('eval-early', { dispatches: 1, onTime: 1, satisfied: 1 }, '2026-10-01T01:00');
  }, 120_000);

  const evaluation = async (query: string, username = 'supervisor') => {
    const response = await app.inject({ url: `/api/v1/evaluation?${query}`, headers: await as(username) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      rows: Row[];
      weights: Record<string, number>;
      defaultWeights: Record<string, number>;
      ranking: { minDispatches: number; tieRuleZh: string; tieRuleEn: string };
    };
  };
  const byCode = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.code, r]));

  describe('the ranking', () => {
    it('should not let 2 dispatches at 100 % outrank 200 at 95 %', async () => {
      const { rows, weights, ranking } = await evaluation('month=2026-10&group=body');
      expect(weights).toEqual(DEFAULT_WEIGHTS);
      expect(ranking.minDispatches).toBe(DEFAULT_MIN_DISPATCHES);
      const figures = byCode(rows);
      // 95 on every part: (10 + 40 + 20 + 20) × 0.95 + 10 × (1 − 0.05).
      expect(figures['eval-big']).toMatchObject({ dispatches: 200, composite: 95, rank: 1, unranked: null });
      expect(figures['eval-tiny']).toMatchObject({
        dispatches: 2,
        composite: 100,
        rank: null,
        unranked: 'too_few_dispatches',
      });
      // Ranked rows first, the unranked after them.
      const firstUnranked = rows.findIndex((r) => r.rank === null);
      expect(rows.slice(firstUnranked).every((r) => r.rank === null)).toBe(true);
      expect(rows.indexOf(figures['eval-big']!)).toBeLessThan(rows.indexOf(figures['eval-tiny']!));
    });

    it('should count on-time handling in the composite', async () => {
      const { rows } = await evaluation('month=2026-10&group=body');
      const figures = byCode(rows);
      // tie-a and tie-b answer and satisfy alike; tie-b missed two more deadlines: 40 × 0.1 points less.
      expect(figures['eval-tie-a']!.composite! - figures['eval-tie-b']!.composite!).toBeCloseTo(4, 6);
    });

    it('should break ties by on-time handling, then dispatches, and let rows equal in all share a rank', async () => {
      // Satisfaction alone: big 95; tie-a, tie-b, twin-c and twin-d all 90.
      const { rows, ranking } = await evaluation('month=2026-10&group=body&satisfied=100');
      const ranked = rows.filter((r) => r.rank !== null).map((r) => [r.code, r.rank]);
      expect(ranked).toEqual([
        ['eval-big', 1],
        ['eval-tie-a', 2], // 90 % on time, 20 dispatches
        ['eval-twin-c', 3], // 90 % on time, 10 dispatches: alike in every figure of the rule,
        ['eval-twin-d', 3], // so they share the rank (listed by code)
        ['eval-tie-b', 5], // 80 % on time; rank 4 is skipped
      ]);
      expect(ranking.tieRuleZh).toContain('按期办结率');
    });

    it("should give a handler their own row with the rank it has in the supervisor's table", async () => {
      const supervisor = byCode((await evaluation('month=2026-10&group=body')).rows);
      for (const code of ['eval-tie-b', 'eval-big', 'eval-tiny']) {
        const own = (await evaluation('month=2026-10&group=body', `handler.${code}`)).rows;
        expect(own, code).toEqual([supervisor[code]]);
      }
      expect(supervisor['eval-tie-b']!.rank).toBeGreaterThan(1);
      const byArea = await app.inject({
        url: '/api/v1/evaluation?month=2026-10&group=district',
        headers: await as('handler.eval-tie-b'),
      });
      expect(byArea.statusCode).toBe(403);
      expect(byArea.json().error.code).toBe('EVALUATION_ERR_OWN_BODY_ONLY');
    });
  });

  describe('the weights', () => {
    const put = async (body: unknown, username = 'supervisor') =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/evaluation/weights',
        headers: await as(username),
        payload: body as object,
      });

    it('should refuse weights that are not shares of 100, saying why', async () => {
      const refusals: Array<[unknown, RegExp]> = [
        [{ ...DEFAULT_WEIGHTS, onTime: 30 }, /add up to 100; these add up to 90/],
        [{ ...DEFAULT_WEIGHTS, rework: -10, onTime: 60 }, /rework/],
        [{ ...DEFAULT_WEIGHTS, onTime: 'forty' }, /onTime/],
        [{ response: 10, solved: 45, satisfied: 45 }, /onTime/], // the old three alone
        [{ ...DEFAULT_WEIGHTS, speed: 0 }, /speed|additional/i],
      ];
      for (const [body, message] of refusals) {
        const response = await put(body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json().error.message, JSON.stringify(body)).toMatch(message);
      }
      const query = await app.inject({
        url: '/api/v1/evaluation?month=2026-10&response=50&onTime=40',
        headers: await as('supervisor'),
      });
      expect(query.statusCode).toBe(400);
      expect(query.json().error.code).toBe('EVALUATION_ERR_BAD_WEIGHTS');
      expect((await put({ ...DEFAULT_WEIGHTS }, 'handler.eval-big')).statusCode).toBe(403);
    });

    it('should rank by the weights set, and read weights stored before on-time handling counted as 0 for it', async () => {
      const onTimeOnly = { response: 0, onTime: 100, solved: 0, satisfied: 0, rework: 0 };
      const saved = await put(onTimeOnly);
      expect(saved.statusCode, saved.body).toBe(200);
      const { rows, weights, defaultWeights } = await evaluation('month=2026-10&group=body');
      expect(weights).toEqual(onTimeOnly);
      expect(defaultWeights).toEqual(DEFAULT_WEIGHTS);
      expect(byCode(rows)['eval-tie-b']!.composite).toBe(80);

      await writeSetting(database().db, WEIGHTS_KEY, { response: 10, solved: 45, satisfied: 45 });
      const stored = await app.inject({ url: '/api/v1/evaluation/weights', headers: await as('supervisor') });
      expect(stored.json()).toEqual({ response: 10, onTime: 0, solved: 45, satisfied: 45, rework: 0 });
      expect((await put(DEFAULT_WEIGHTS)).statusCode).toBe(200);
    });
  });

  it("should name each body by its code in the spreadsheet, and state the ranking's rules", async () => {
    const xlsx = await app.inject({
      url: '/api/v1/evaluation/export?month=2026-10&format=xlsx&lang=zh',
      headers: await as('supervisor'),
    });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as never);
    const sheet = book.getWorksheet('排名')!;
    const header = sheet.getRow(2).values as unknown[];
    const codeColumn = header.indexOf('代码');
    const nameColumn = header.indexOf('名称');
    expect(codeColumn).toBeGreaterThan(0);
    const codes = new Map<string, unknown>();
    sheet.eachRow((row, n) => {
      if (n > 2) codes.set(String(row.getCell(nameColumn).value), row.getCell(codeColumn).value);
    });
    expect(codes.get('评价big')).toBe('eval-big');
    expect(codes.get('评价tie-b')).toBe('eval-tie-b');
    for (const code of codes.values()) expect(code).not.toMatch(/^[0-9a-f]{8}-/); // no internal ids
    const rules = book.getWorksheet('指标定义')!.getSheetValues().flat().join(' ');
    expect(rules).toContain(`不少于 ${DEFAULT_MIN_DISPATCHES} 次`);
    expect(rules).toContain('按期办结率 40');
  });

  it('should list the months with dispatches, newest first, in city time; a handler their own', async () => {
    const periods = async (username: string) =>
      (await app.inject({ url: '/api/v1/evaluation/periods', headers: await as(username) })).json();
    const all = await periods('supervisor');
    expect(all.latest).toBe('2026-10');
    expect(all.months).toEqual([
      { month: '2026-10', dispatches: 200 + 2 + 20 + 20 + 10 + 10 + 1 },
      { month: '2026-08', dispatches: 1 },
    ]);
    expect(await periods('handler.eval-tiny')).toEqual({
      months: [
        { month: '2026-10', dispatches: 2 },
        { month: '2026-08', dispatches: 1 },
      ],
      latest: '2026-10',
    });
    expect((await periods('handler.eval-early')).months).toEqual([{ month: '2026-10', dispatches: 1 }]);
    const empty = await app.inject({
      url: '/api/v1/evaluation/periods',
      headers: await as('handler.urban-management'),
    });
    expect(empty.json()).toEqual({ months: [], latest: null });
  });
});
