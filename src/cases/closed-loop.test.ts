/**
 * A fixture month (October 2026, with the National Day holidays and the 调休 Saturday 10 October) walked
 * through the API with the clock set by hand: deadlines on the working calendar, return and re-dispatch,
 * an extension, failed verification and rework, surveys with a dissatisfied reopen; then the evaluation
 * of the month is checked against figures worked out by hand from the definitions (indicators.ts).
 *
 * Time limits of the fixture category: accept within 2 working hours, handle within 2 working days
 * (960 working minutes), verify within 4 working hours. Working hours 09:00–12:00 and 13:00–18:00.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { actorForUsername, createCategory, createHandlingBody, createUser } from '../organizations/index.ts';

/** An instant given in city time (UTC+8). */
const cityTime = (local: string) => new Date(`${local}:00+08:00`);
const iso = (local: string) => cityTime(local).toISOString();

forEachDatabase('closed loop over a fixture month', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let now = cityTime('2026-09-30T16:00');
  const bodies: Record<string, string> = {};

  beforeAll(async () => {
    const { db } = database();
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
    const admin = (await actorForUsername(db, 'admin'))!;
    for (const code of ['fixture-a', 'fixture-b']) {
      const body = await createHandlingBody(db, admin, {
        code,
        nameZh: `测试单位${code.at(-1)}`,
        nameEn: `Fixture body ${code.at(-1)}`,
        type: code === 'fixture-a' ? 'government_department' : 'community_committee',
      });
      bodies[code] = body.id;
      await createUser(db, admin, {
        username: `handler.${code}`,
        displayName: `Handler ${code}`,
        role: 'handler',
        handlingBodyId: body.id,
      });
    }
    await createCategory(db, admin, { code: '99', nameZh: '测试', nameEn: 'Fixture' });
    await createCategory(db, admin, { code: '9901', nameZh: '测试类', nameEn: 'Fixture kind' });
    await createCategory(db, admin, {
      code: '990101',
      nameZh: '测试小类',
      nameEn: 'Fixture leaf',
      defaultBodyId: bodies['fixture-a']!,
      responseLimitHours: 2,
      handlingLimitDays: 2,
    });
    await db.updateTable('categories').set({ verification_limit_hours: 4 }).where('code', '=', '990101').execute();
  });

  const at = (local: string) => {
    now = cityTime(local);
  };

  const act = async (username: string, caseNumber: string, body: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as(username),
      payload: body,
    });
    expect(response.statusCode, `${body.action}: ${response.body}`).toBe(200);
    return response.json();
  };

  /** A hotline case in 芙蓉区 (so the 芙蓉区 grid worker verifies it), reported and registered at `local`. */
  const newCase = async (local: string, title: string) => {
    at(local);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title,
        description: `${title}，请尽快处理`,
        categoryCode: '990101',
        location: { longitude: 112.99, latitude: 28.195 },
        reporter: { name: '张先生', phone: '19900001234' },
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json();
    expect(created.gridCode).toMatch(/^430102/);
    await act('dispatcher', created.caseNumber, { action: 'register' });
    return created.caseNumber as string;
  };

  const deadline = async (caseNumber: string, kind: string) => {
    const detail = (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('supervisor') })).json();
    const running = detail.deadlines.filter((d: { kind: string; stoppedAt: string | null }) => d.kind === kind);
    return running.at(-1) as { dueAt: string; outcome: string | null; light: string | null; extendedMinutes: number };
  };

  const survey = async (caseNumber: string, satisfaction: string, solved: boolean) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/survey`,
      headers: await as('dispatcher'),
      payload: { satisfaction, solved },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { reopened: boolean };
  };

  const cases: Record<string, string> = {};

  describe('the month, step by step', () => {
    it('A0 (September): dispatched before the month, so not in its figures', async () => {
      cases.a0 = await newCase('2026-09-30T15:00', 'A0 九月派遣');
      at('2026-09-30T16:00');
      await act('dispatcher', cases.a0, { action: 'dispatch' });
      // 2 working hours from 16:00 on 30 September: 16–18, so 18:00 the same day.
      expect((await deadline(cases.a0, 'response')).dueAt).toBe(iso('2026-09-30T18:00'));
      // 960 working minutes: 120 on 30 September, then the holidays (1–7 October), 480 on the 8th,
      // 360 on the 9th → 9 October 16:00.
      expect((await deadline(cases.a0, 'handling')).dueAt).toBe(iso('2026-10-09T16:00'));
    });

    it('A1: accepted, handled and verified on time; the reporter satisfied', async () => {
      cases.a1 = await newCase('2026-10-08T08:30', 'A1 按时办结');
      at('2026-10-08T09:00');
      await act('dispatcher', cases.a1, { action: 'dispatch' });
      expect((await deadline(cases.a1, 'handling')).dueAt).toBe(iso('2026-10-09T18:00'));
      at('2026-10-08T10:00');
      await act('handler.fixture-a', cases.a1, { action: 'accept' });
      at('2026-10-09T10:00');
      await act('handler.fixture-a', cases.a1, { action: 'handle', note: '已处理' });
      // Verification: 4 working hours from 10:00 → 15:00 (lunch does not count).
      expect((await deadline(cases.a1, 'verification')).dueAt).toBe(iso('2026-10-09T15:00'));
      at('2026-10-09T14:00');
      await act('gridworker', cases.a1, { action: 'verify_pass' });
      at('2026-10-09T15:00');
      await act('dispatcher', cases.a1, { action: 'close' });
      expect((await deadline(cases.a1, 'handling')).outcome).toBe('met');
      at('2026-10-09T16:00');
      expect(await survey(cases.a1, 'satisfied', true)).toEqual({ reopened: false });
    });

    it('A2: accepted late across the 调休 Saturday, extended, reworked, handled late; the reporter dissatisfied', async () => {
      cases.a2 = await newCase('2026-10-09T16:30', 'A2 延期返工');
      at('2026-10-09T17:00');
      await act('dispatcher', cases.a2, { action: 'dispatch' });
      // 17–18 on Friday, then Saturday 10 October is a working day (调休): 09:00–10:00.
      expect((await deadline(cases.a2, 'response')).dueAt).toBe(iso('2026-10-10T10:00'));
      // 60 (Fri) + 480 (Sat, 调休) + Sunday off + 420 on Monday → 12 October 17:00.
      expect((await deadline(cases.a2, 'handling')).dueAt).toBe(iso('2026-10-12T17:00'));
      at('2026-10-12T09:00');
      await act('handler.fixture-a', cases.a2, { action: 'accept' });
      expect((await deadline(cases.a2, 'response')).outcome).toBe('late');
      at('2026-10-12T10:00');
      await act('handler.fixture-a', cases.a2, {
        action: 'request_extension',
        note: '需协调供电公司',
        extensionDays: 1,
      });
      at('2026-10-12T11:00');
      await act('supervisor', cases.a2, { action: 'approve_extension', note: '同意延期一天' });
      // One more working day (480): 17–18 on Monday, then Tuesday until 17:00.
      const extended = await deadline(cases.a2, 'handling');
      expect(extended.dueAt).toBe(iso('2026-10-13T17:00'));
      expect(extended.extendedMinutes).toBe(480);
      at('2026-10-13T16:00');
      await act('handler.fixture-a', cases.a2, { action: 'handle', note: '已处理' });
      at('2026-10-13T17:00');
      await act('gridworker', cases.a2, { action: 'verify_fail', note: '现场仍未解决' });
      // The handling clock paused at 16:00 with an hour left; resumed at 17:00 it is due at 18:00.
      expect((await deadline(cases.a2, 'handling')).dueAt).toBe(iso('2026-10-13T18:00'));
      at('2026-10-14T10:00');
      await act('handler.fixture-a', cases.a2, { action: 'handle', note: '返工完成' });
      at('2026-10-14T11:00');
      await act('gridworker', cases.a2, { action: 'verify_pass' });
      expect((await deadline(cases.a2, 'handling')).outcome).toBe('late');
      at('2026-10-14T12:00');
      await act('dispatcher', cases.a2, { action: 'close' });
      at('2026-10-14T15:00');
      expect(await survey(cases.a2, 'dissatisfied', false)).toEqual({ reopened: true });
      const detail = (await app.inject({ url: `/api/v1/cases/${cases.a2}`, headers: await as('dispatcher') })).json();
      expect(detail.status).toBe('reopened');
    });

    it('A3: returned by A as misrouted, re-dispatched to B, accepted but never handled', async () => {
      cases.a3 = await newCase('2026-10-12T08:50', 'A3 退单改派');
      at('2026-10-12T09:00');
      await act('dispatcher', cases.a3, { action: 'dispatch' });
      at('2026-10-12T10:00');
      await act('handler.fixture-a', cases.a3, { action: 'return', note: '不属于本单位职责' });
      at('2026-10-12T10:30');
      await act('dispatcher', cases.a3, { action: 'dispatch', bodyId: bodies['fixture-b'] });
      at('2026-10-12T11:00');
      await act('handler.fixture-b', cases.a3, { action: 'accept' });
      // 90 + 300 on the 12th, 480 on the 13th, 90 on the 14th → 14 October 10:30.
      expect((await deadline(cases.a3, 'handling')).dueAt).toBe(iso('2026-10-14T10:30'));
    });

    it('A4: re-dispatched (改派) from A to B before A answered; B never answers', async () => {
      cases.a4 = await newCase('2026-10-13T08:50', 'A4 改派');
      at('2026-10-13T09:00');
      await act('dispatcher', cases.a4, { action: 'dispatch' });
      at('2026-10-13T09:30');
      await act('dispatcher', cases.a4, { action: 'dispatch', bodyId: bodies['fixture-b'] });
    });

    it('G1, G2: the grid worker reports two problems on patrol; one is cancelled as invalid', async () => {
      at('2026-10-20T10:00');
      const report = async (title: string) =>
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/cases',
            headers: await as('gridworker'),
            payload: {
              title,
              description: title,
              categoryCode: '990101',
              location: { longitude: 112.99, latitude: 28.195 },
            },
          })
        ).json().caseNumber as string;
      cases.g1 = await report('G1 巡查上报');
      cases.g2 = await report('G2 巡查上报');
      await act('dispatcher', cases.g1, { action: 'cancel', note: '不属实' });
      await act('dispatcher', cases.g2, { action: 'register' });
    });

    it('A5 (November): dispatched after the month, so not in its figures', async () => {
      cases.a5 = await newCase('2026-11-02T09:00', 'A5 十一月派遣');
      await act('dispatcher', cases.a5, { action: 'dispatch' });
    });
  });

  describe('the evaluation of October, as of 1 November 00:00', () => {
    const evaluation = async (query: string) => {
      at('2026-11-01T00:00');
      const response = await app.inject({ url: `/api/v1/evaluation?${query}`, headers: await as('supervisor') });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };

    it('should give each body the figures worked out by hand', async () => {
      const { rows, definitions } = await evaluation('month=2026-10&group=body');
      const a = rows.find((r: { key: string }) => r.key === bodies['fixture-a']);
      const b = rows.find((r: { key: string }) => r.key === bodies['fixture-b']);
      // A: A1, A2, A3 (A4 was withdrawn by re-dispatch before A answered; A0 is September's).
      expect(a).toEqual({
        key: bodies['fixture-a'],
        code: 'fixture-a',
        nameZh: '测试单位a',
        nameEn: 'Fixture body a',
        dispatches: 3,
        responseRate: 2 / 3, // A1 and A3 (returning is answering) on time; A2 late
        onTimeRate: 1 / 2, // A1 met, A2 late; A3 returned, left out
        solvedRate: 1 / 2, // A1 solved, A2 not
        satisfactionRate: 1 / 2, // A1 satisfied, A2 dissatisfied
        returnRate: 1 / 3, // A3
        reworkRate: 1 / 2, // of A1 and A2 (handled), A2 failed verification
        overdueCount: 1, // A2
        avgHandlingHours: 17, // A1 540 min, A2 1500 min (1380 before the rework, 120 after)
        dissatisfiedReopens: 1, // A2
        // Default weights 10 : 40 : 20 : 20 : 10 over response, on time, solved, satisfied, 1 − rework:
        // (10 × 2/3 + 40 × 1/2 + 20 × 1/2 + 20 × 1/2 + 10 × (1 − 1/2)) / 100, out of 100.
        composite: 51.67,
        rank: null, // 3 dispatches: fewer than the 10 a body needs to be ranked
        unranked: 'too_few_dispatches',
      });
      // B: A3's re-dispatch (accepted on time, handling overdue) and A4's (never answered).
      expect(b).toMatchObject({
        dispatches: 2,
        responseRate: 1 / 2,
        onTimeRate: 0,
        solvedRate: null,
        satisfactionRate: null,
        returnRate: 0,
        reworkRate: null,
        overdueCount: 2,
        avgHandlingHours: null,
        dissatisfiedReopens: 0,
        composite: null, // no surveys yet: no score
        rank: null,
        unranked: 'no_score',
      });
      expect(Object.keys(definitions)).toEqual(expect.arrayContaining(['responseRate', 'composite']));
    });

    it("should show a handler their own body's figures only, and no one's personal figures", async () => {
      at('2026-11-01T00:00');
      const own = await app.inject({ url: '/api/v1/evaluation?month=2026-10', headers: await as('handler.fixture-b') });
      expect(own.json().rows.map((r: { key: string }) => r.key)).toEqual([bodies['fixture-b']]);
      for (const path of ['dispatchers', 'grid-workers']) {
        const people = await app.inject({
          url: `/api/v1/evaluation/${path}?month=2026-10`,
          headers: await as('handler.fixture-b'),
        });
        expect(people.statusCode, path).toBe(403);
      }
    });

    it('should weigh the composite as configured', async () => {
      const { rows } = await evaluation('month=2026-10&group=body&response=100');
      expect(rows.find((r: { key: string }) => r.key === bodies['fixture-a']).composite).toBe(66.67);
    });

    it('should count the same dispatches for the district they happened in', async () => {
      const { rows } = await evaluation('month=2026-10&group=district');
      expect(rows).toEqual([
        expect.objectContaining({ key: '430102', nameZh: '芙蓉区', dispatches: 5, overdueCount: 3 }),
      ]);
    });

    it('should name a street that is no area after the district it lies in', async () => {
      const { rows } = await evaluation('month=2026-10&group=street');
      expect(rows).toEqual([
        expect.objectContaining({
          key: '430102000',
          nameZh: '芙蓉区（未分街道）',
          nameEn: 'Furong District (no street)',
        }),
      ]);
    });

    it('should rate the dispatcher and the grid worker', async () => {
      at('2026-11-01T00:00');
      const dispatchers = (
        await app.inject({ url: '/api/v1/evaluation/dispatchers?month=2026-10', headers: await as('supervisor') })
      ).json();
      // Six dispatches in October: A3's first (returned) and A4's first (re-dispatched) were not accurate;
      // the two sent to B were not the suggested body.
      expect(dispatchers.rows).toEqual([expect.objectContaining({ dispatches: 6, accurateRate: 4 / 6, overrides: 2 })]);
      const workers = (
        await app.inject({ url: '/api/v1/evaluation/grid-workers?month=2026-10', headers: await as('supervisor') })
      ).json();
      // Verifications: A1 pass, A2 fail, A2 pass, each within 4 working hours. Reports: G1 cancelled, G2 valid.
      expect(workers.rows).toEqual([
        expect.objectContaining({ reports: 2, validReportRate: 1 / 2, verifications: 3, onTimeVerificationRate: 1 }),
      ]);
    });

    it('should award points for the on-time, first-time verified, satisfied closure only', async () => {
      at('2026-11-01T00:00');
      const sweep = await app.inject({
        method: 'POST',
        url: '/api/v1/supervision/sweep',
        headers: await as('supervisor'),
      });
      expect(sweep.statusCode).toBe(200);
      const { awardPoints } = await import('../evaluation/index.ts');
      expect(await awardPoints(database().db)).toBe(3);
      expect(await awardPoints(database().db)).toBe(0); // idempotent
      const board = (
        await app.inject({ url: '/api/v1/points/leaderboard?month=2026-10', headers: await as('supervisor') })
      ).json();
      expect(board.rows).toEqual([expect.objectContaining({ code: 'fixture-a', points: 5, awards: 3, rank: 1 })]);
    });

    it('should export the ranking as CSV and XLSX', async () => {
      at('2026-11-01T00:00');
      const csv = await app.inject({
        url: '/api/v1/evaluation/export?month=2026-10&format=csv&lang=zh',
        headers: await as('supervisor'),
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toMatch(/^排名,代码,名称,派遣量,综合得分,响应率/);
      expect(lines.find((l) => l.includes('测试单位a'))).toMatch(
        /^,fixture-a,测试单位a,3,51\.67,66\.67,50,50,50,33\.33,50,1,17,1$/,
      );
      const xlsx = await app.inject({
        url: '/api/v1/evaluation/export?month=2026-10&format=xlsx&lang=en',
        headers: await as('supervisor'),
      });
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK'); // a zip, as XLSX files are
      const ExcelJS = (await import('exceljs')).default;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as never);
      const sheet = book.getWorksheet('Ranking')!;
      const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
      expect(rows.some((r) => r.includes('Fixture body a') && r.includes(51.67))).toBe(true);
      expect(book.getWorksheet('Definitions')!.rowCount).toBeGreaterThan(5);
    });

    it('should refuse a period that is not one', async () => {
      at('2026-11-01T00:00');
      for (const query of ['from=2026-10-10&to=2026-10-01', 'from=2026-10-10', 'month=2026-13']) {
        const response = await app.inject({ url: `/api/v1/evaluation?${query}`, headers: await as('supervisor') });
        expect(response.statusCode, query).toBe(400);
        expect(response.json().error.code).toMatch(/EVALUATION_ERR_BAD_PERIOD|REQUEST_ERR/);
      }
      const citizen = await app.inject({ url: '/api/v1/evaluation?month=2026-10', headers: await as('citizen') });
      expect(citizen.statusCode).toBe(403);
    });
  });
});
