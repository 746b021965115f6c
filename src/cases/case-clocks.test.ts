/** Deadlines kept in step with the case by the transition service: suspension, surveys' rules, supervision. */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { runSupervisionSweep } from './supervision.ts';

const cityTime = (local: string) => new Date(`${local}:00+08:00`);

forEachDatabase('deadlines of a case', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let now = cityTime('2026-11-16T09:00');

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
  });

  const at = (local: string) => {
    now = cityTime(local);
  };
  const act = async (caseNumber: string, payload: Record<string, unknown>, username = 'dispatcher') =>
    app.inject({ method: 'POST', url: `/api/v1/cases/${caseNumber}/actions`, headers: await as(username), payload });
  const detail = async (caseNumber: string, username = 'supervisor') =>
    (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as(username) })).json();
  const dispatchedCase = async (phone?: string, priority = 'normal') => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title: '道路破损',
        description: '',
        categoryCode: '010204',
        address: '五一大道',
        priority,
        reporter: phone ? { phone } : undefined,
      },
    });
    const { caseNumber } = created.json();
    await act(caseNumber, { action: 'register' });
    expect((await act(caseNumber, { action: 'dispatch' })).statusCode).toBe(200);
    return caseNumber as string;
  };

  it('should stop the clocks while a case is suspended and give back the time it had left', async () => {
    at('2026-11-16T09:00');
    const caseNumber = await dispatchedCase();
    const before = (await detail(caseNumber)).deadlines.find((d: { kind: string }) => d.kind === 'handling');
    at('2026-11-16T11:00');
    expect(
      (await act(caseNumber, { action: 'suspend', note: '等待诉求人补充材料', reviewDate: '2026-11-20' })).statusCode,
    ).toBe(200);
    const paused = await detail(caseNumber);
    expect(
      paused.deadlines.filter((d: { light: string | null }) => d.light).map((d: { light: string }) => d.light),
    ).toEqual(['paused', 'paused']);
    // Nothing is warned while paused, however long it lasts.
    expect(await runSupervisionSweep(database().db, cityTime('2026-12-30T09:00'))).toEqual({ yellow: 0, red: 0 });
    at('2026-11-18T11:00'); // two working days later
    expect((await act(caseNumber, { action: 'resume' })).statusCode).toBe(200);
    const after = (await detail(caseNumber)).deadlines.find((d: { kind: string }) => d.kind === 'handling');
    // The 960 working minutes suspended are added back: the deadline moves two working days on.
    const moved = new Date(before.dueAt).getTime();
    expect(after.dueAt).not.toBe(before.dueAt);
    expect(new Date(after.dueAt).getTime()).toBeGreaterThan(moved);
    expect(after.light).toBe('green');
  });

  it('should warn at 80 % and escalate at 100 % to the body and its superior, once each', async () => {
    const { db } = database();
    at('2026-11-23T09:00');
    const caseNumber = await dispatchedCase();
    // To a street office, whose superior is its district government (改派 before it answered).
    const street = await db
      .selectFrom('handling_bodies')
      .select('id')
      .where('code', '=', 'street-wulipai')
      .executeTakeFirstOrThrow();
    expect((await act(caseNumber, { action: 'dispatch', bodyId: street.id })).statusCode).toBe(200);
    const { deadlines } = await detail(caseNumber);
    const response = deadlines.find((d: { kind: string }) => d.kind === 'response');
    const dueAt = new Date(response.dueAt);
    const justBefore = new Date(dueAt.getTime() - 60_000);
    const sweepAt = async (when: Date) => runSupervisionSweep(db, when);
    expect((await sweepAt(justBefore)).yellow).toBeGreaterThanOrEqual(1);
    expect(await sweepAt(justBefore)).toEqual({ yellow: 0, red: 0 });
    expect((await sweepAt(dueAt)).red).toBeGreaterThanOrEqual(1);
    const notices = await db
      .selectFrom('supervision_notices')
      .innerJoin('cases', 'cases.id', 'supervision_notices.case_id')
      .innerJoin('case_clocks', 'case_clocks.id', 'supervision_notices.clock_id')
      .leftJoin('handling_bodies as superior', 'superior.id', 'supervision_notices.escalated_to_body_id')
      .select(['supervision_notices.level', 'case_clocks.kind', 'superior.code as superior'])
      .where('cases.case_number', '=', caseNumber)
      .orderBy('supervision_notices.created_at')
      .execute();
    expect(notices.filter((n) => n.kind === 'response').map((n) => n.level)).toEqual(['yellow', 'red']);
    const red = notices.find((n) => n.level === 'red')!;
    const body = await db
      .selectFrom('handling_bodies as b')
      .leftJoin('handling_bodies as p', 'p.id', 'b.parent_id')
      .select('p.code')
      .where('b.code', '=', 'street-wulipai')
      .executeTakeFirstOrThrow();
    expect(red.superior).toBe('district-430102');
    expect(body.code).toBe('district-430102');
    // The superior body's handlers now see the escalated case; they may not act on it (it is not theirs).
    const superiorUser = await db
      .selectFrom('users')
      .select('username')
      .where('handling_body_id', '=', (eb) =>
        eb.selectFrom('handling_bodies').select('id').where('code', '=', body.code!),
      )
      .executeTakeFirstOrThrow();
    const seen = await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as(superiorUser.username) });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().allowedActions).toEqual([]);
    now = dueAt;
    const board = (await app.inject({ url: '/api/v1/supervision/board', headers: await as('supervisor') })).json();
    const overdue = board.overdue.groups.flatMap((g: { clocks: Array<{ caseNumber: string }> }) => g.clocks);
    expect(overdue.map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);
  });

  it('should let only a supervisor decide an extension, one request at a time', async () => {
    at('2026-11-23T10:00');
    const caseNumber = await dispatchedCase();
    const handler = 'handler.urban-management';
    expect((await act(caseNumber, { action: 'accept' }, handler)).statusCode).toBe(200);
    const missing = await act(caseNumber, { action: 'request_extension', note: '需要时间' }, handler);
    expect(missing.json().error).toMatchObject({ code: 'CASE_ERR_MISSING_INPUT', details: { field: 'extensionDays' } });
    expect((await act(caseNumber, { action: 'approve_extension' }, 'supervisor')).json().error.code).toBe(
      'CASE_ERR_EXTENSION_STATE',
    );
    const asked = await act(caseNumber, { action: 'request_extension', note: '需要时间', extensionDays: 2 }, handler);
    expect(asked.json().pendingExtension).toBe(true);
    // The board offers the request with the case's version, for the decision to be made on what was seen.
    const board = (await app.inject({ url: '/api/v1/supervision/board', headers: await as('supervisor') })).json();
    const row = board.extensionRequests.find((r: { caseNumber: string }) => r.caseNumber === caseNumber);
    expect(row).toMatchObject({ version: asked.json().version, measure: 'working', extraMinutes: 960 });
    const stale = await act(caseNumber, { action: 'approve_extension', version: row.version - 1 }, 'supervisor');
    expect(stale.json().error.code).toBe('CASE_ERR_STALE');
    const twice = await act(caseNumber, { action: 'request_extension', note: '再要', extensionDays: 1 }, handler);
    expect(twice.statusCode).toBe(409);
    expect((await act(caseNumber, { action: 'approve_extension' }, 'dispatcher')).statusCode).toBe(403);
    const refused = await act(caseNumber, { action: 'refuse_extension' }, 'supervisor');
    expect(refused.json().error).toMatchObject({
      code: 'CASE_ERR_MISSING_INPUT',
      details: { field: 'a note saying why or what was done' },
    });
    const decided = await act(caseNumber, { action: 'refuse_extension', note: '时限内可完成' }, 'supervisor');
    expect(decided.json()).toMatchObject({ pendingExtension: false });
    const handling = decided.json().deadlines.find((d: { kind: string }) => d.kind === 'handling');
    expect(handling.extendedMinutes).toBe(0);
  });

  it('should take a survey only after closure, once, from the reporter or the desk for a caller on record', async () => {
    at('2026-11-23T11:00');
    const caseNumber = await dispatchedCase('19900005555');
    const survey = async (username: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/survey`,
        headers: await as(username),
        payload: { satisfaction: 'basically_satisfied', solved: true },
      });
    expect((await survey('dispatcher')).json().error.code).toBe('CASE_ERR_NOT_CLOSED');
    const handler = 'handler.urban-management';
    await act(caseNumber, { action: 'accept' }, handler);
    await act(caseNumber, { action: 'handle', note: '已修复' }, handler);
    await act(caseNumber, { action: 'verify_pass' }, 'supervisor');
    await act(caseNumber, { action: 'close' });
    expect((await survey('citizen')).statusCode).toBe(404); // not theirs: they cannot even see it
    expect((await survey('supervisor')).statusCode).toBe(403);
    expect((await survey('dispatcher')).json()).toEqual({ reopened: false });
    expect((await survey('dispatcher')).json().error.code).toBe('CASE_ERR_ALREADY_SURVEYED');
    expect((await detail(caseNumber)).surveys).toEqual([
      expect.objectContaining({ satisfaction: 'basically_satisfied', solved: true, reopened: false }),
    ]);
  });

  it('should not reopen for a dissatisfied answer after the window', async () => {
    at('2026-11-23T14:00');
    const caseNumber = await dispatchedCase('19900006666');
    const handler = 'handler.urban-management';
    await act(caseNumber, { action: 'accept' }, handler);
    await act(caseNumber, { action: 'handle', note: '已修复' }, handler);
    await act(caseNumber, { action: 'verify_pass' }, 'supervisor');
    await act(caseNumber, { action: 'close' });
    at('2026-12-20T10:00'); // more than 15 days on
    const late = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/survey`,
      headers: await as('dispatcher'),
      payload: { satisfaction: 'dissatisfied', solved: false, comment: '仍未修好' },
    });
    expect(late.json()).toEqual({ reopened: false });
    expect((await detail(caseNumber)).status).toBe('closed');
  });

  it("should queue a body's cases by their nearest deadline, with its traffic light", async () => {
    at('2026-11-24T09:00');
    const later = await dispatchedCase();
    at('2026-11-24T09:10');
    const sooner = await dispatchedCase('', 'high'); // high priority: half the time
    at('2026-11-24T09:30');
    const queue = async (username: string) =>
      (await app.inject({ url: '/api/v1/cases/queue', headers: await as(username) })).json().items as Array<{
        caseNumber: string;
        deadline: { kind: string; light: string };
      }>;
    const mine = await queue('handler.urban-management');
    const numbers = mine.map((c) => c.caseNumber);
    expect(numbers.indexOf(sooner)).toBeLessThan(numbers.indexOf(later));
    expect(mine.find((c) => c.caseNumber === sooner)!.deadline).toMatchObject({ kind: 'response', light: 'green' });
    expect(await queue('handler.water-utility')).toEqual([]);
    // Overdue work comes first and shows red.
    expect(mine[0]!.deadline.light).toBe('red');
  });
});
