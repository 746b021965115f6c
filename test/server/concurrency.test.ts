/**
 * Several app instances on one PostgreSQL, as in production behind a load balancer: two dispatchers
 * sending the same case at the same moment, and two supervision sweeps (two processes, and two pools in
 * one process) running over the same deadlines at once. PostgreSQL only: the embedded database serves
 * one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHINA_2026, WorkingCalendar } from '../../src/calendar/index.ts';
import { type CaseDeps, reportCase, runSupervisionSweep, transitionCase } from '../../src/cases/index.ts';
import { openDatabase } from '../../src/db/database.ts';
import { AreaLocator } from '../../src/grid/index.ts';
import { actorForUsername } from '../../src/organizations/index.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { buildTestApp, DEMO_NOW, keyringOf, loadSmallDemoCity } from '../demo-city.ts';
import { runCli } from './server-process.ts';

/** The command's JSON line, among the lines it may print besides (the development key's notice). */
const jsonLine = (output: string) => output.split('\n').find((line) => line.startsWith('{')) ?? '';

const POSTGRES = process.env.TEST_DATABASE_URL;
const CASES = 150;

describe.skipIf(!POSTGRES)('postgres: several instances on one database', () => {
  let database: TestDatabase;
  let second: TestDatabase;
  let deps: CaseDeps;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // A second connection pool to the same database: another app instance.
    second = { ...(await openDatabase({ kind: 'postgres', url: database.url! })), url: database.url };
    const { areas } = await loadSmallDemoCity(database, 0);
    deps = {
      db: database.db,
      clock: { now: () => DEMO_NOW },
      policy: { reopenWindowDays: 15, timeZone: 'Asia/Shanghai' },
      locateArea: (lon, lat) => areas.place(lon, lat),
      calendar: { current: new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: CHINA_2026 }) },
      keyring: keyringOf(database),
    };
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await database?.close();
  });

  async function dispatchedCases(count: number, label: string): Promise<string[]> {
    const dispatcher = (await actorForUsername(deps.db, 'dispatcher'))!;
    const numbers = [];
    for (let i = 0; i < count; i++) {
      const caseNumber = await reportCase(deps, dispatcher, {
        title: `${label} ${i}`,
        description: '',
        categoryCode: '010204',
        address: '五一大道 1 号',
      });
      await transitionCase(deps, dispatcher, caseNumber, { action: 'register' });
      await transitionCase(deps, dispatcher, caseNumber, { action: 'dispatch' });
      numbers.push(caseNumber);
    }
    return numbers;
  }

  it('should let exactly one of two dispatchers dispatch a case they both saw; the other gets 409', async () => {
    const locator = new AreaLocator(database.db);
    await locator.reload();
    const one = await buildTestApp(database, locator);
    const two = await buildTestApp(second, locator);
    const bodies = await database.db.selectFrom('handling_bodies').select(['id', 'code']).execute();
    const body = (code: string) => bodies.find((b) => b.code === code)!.id;
    for (let round = 0; round < 10; round++) {
      const created = await one.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await one.as('dispatcher'),
        payload: { title: `同时派遣 ${round}`, description: '', categoryCode: '010204', address: '五一大道' },
      });
      const { caseNumber } = created.json();
      const registered = await one.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/actions`,
        headers: await one.as('dispatcher'),
        payload: { action: 'register' },
      });
      const { version } = registered.json();
      // Both dispatchers saw version `version` and send the case to different bodies at the same moment.
      const [a, b] = await Promise.all([
        one.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseNumber}/actions`,
          headers: await one.as('dispatcher'),
          payload: { action: 'dispatch', bodyId: body('urban-management'), version },
        }),
        two.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseNumber}/actions`,
          headers: await two.as('supervisor'),
          payload: { action: 'dispatch', bodyId: body('housing'), version },
        }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      expect(loser.json().error).toMatchObject({ code: 'CASE_ERR_STALE', details: { currentStatus: 'dispatched' } });
      const dispatches = await database.db
        .selectFrom('case_dispatches')
        .innerJoin('cases', 'cases.id', 'case_dispatches.case_id')
        .select('case_dispatches.id')
        .where('cases.case_number', '=', caseNumber)
        .execute();
      expect(dispatches).toHaveLength(1);
    }
    await one.app.close();
    await two.app.close();
  }, 120_000);

  const noticesOf = async (numbers: string[]) =>
    database.db
      .selectFrom('supervision_notices')
      .innerJoin('cases', 'cases.id', 'supervision_notices.case_id')
      .select(['supervision_notices.clock_id', 'supervision_notices.level'])
      .where('cases.case_number', 'in', numbers)
      .execute();

  it('should record each warning and escalation once when two processes sweep at the same moment', async () => {
    const numbers = await dispatchedCases(CASES, 'two processes');
    // A month later every response and handling deadline is past: a yellow and a red notice each.
    const later = new Date(DEMO_NOW.getTime() + 30 * 86_400_000).toISOString();
    const env = { DATABASE_URL: database.url!, DEMO_DATA: 'false' };
    // Every running deadline in the database (this test's and earlier ones') is past by then.
    const running = await database.db
      .selectFrom('case_clocks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('stopped_at', 'is', null)
      .where('paused_at', 'is', null)
      .executeTakeFirstOrThrow();
    const outputs = await Promise.all([0, 1].map(() => runCli(['sweep', '--at', later, '--batch-size', '7'], env)));
    const results = outputs.map((out) => JSON.parse(jsonLine(out)) as { yellow: number; red: number });
    const clocks = CASES * 2;
    expect(results[0]!.yellow + results[1]!.yellow).toBe(Number(running.n));
    expect(results[0]!.red + results[1]!.red).toBe(Number(running.n));
    const notices = await noticesOf(numbers);
    expect(notices).toHaveLength(clocks * 2);
    expect(new Set(notices.map((n) => `${n.clock_id}:${n.level}`)).size).toBe(clocks * 2);
    // Running it again gives nothing new: the sweep is idempotent.
    const again = JSON.parse(jsonLine(await runCli(['sweep', '--at', later], env)));
    expect(again).toMatchObject({ yellow: 0, red: 0 });
  }, 180_000);

  it('should record each notice once when two instances sweep in small batches at once', async () => {
    const numbers = await dispatchedCases(60, 'two pools');
    const later = new Date(DEMO_NOW.getTime() + 30 * 86_400_000);
    const [a, b] = await Promise.all([
      runSupervisionSweep(database.db, later, 3),
      runSupervisionSweep(second.db, later, 3),
    ]);
    expect(a.yellow + b.yellow).toBe(120);
    expect(a.red + b.red).toBe(120);
    // Both instances took part (small batches, each skipping what the other had locked).
    expect(a.yellow + a.red).toBeGreaterThan(0);
    expect(b.yellow + b.red).toBeGreaterThan(0);
    expect(await noticesOf(numbers)).toHaveLength(240);
  }, 120_000);
});
