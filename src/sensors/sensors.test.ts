import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity, testAppDeps } from '../../test/demo-city.ts';
import { gaugeType, leafCategory, minute, movableClock, sensorCases, T0 } from '../../test/sensor-feeds.ts';
import type { CaseDeps } from '../cases/index.ts';
import { caseDepsOf } from '../http/app.ts';
import { ensureReadingPartitions, runSilenceSweep, signReadings } from './index.ts';
import { parseReadings } from './intake.ts';

const POINT = { longitude: 112.9853, latitude: 28.1942 };
const at = minute;

forEachDatabase('sensor feeds over HTTP', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let time: ReturnType<typeof movableClock>;
  let cases: CaseDeps;
  let category: string;
  let device: { id: string; deviceKey: string; topic: string };

  const send = (body: string, options: { key?: string; timestamp?: string; deviceId?: string } = {}) => {
    const timestamp = options.timestamp ?? String(Math.floor(time.clock.now().getTime() / 1000));
    return app.inject({
      method: 'POST',
      url: `/sensors/v1/devices/${options.deviceId ?? device.id}/readings`,
      headers: {
        'content-type': 'application/json',
        'x-civicgrid-timestamp': timestamp,
        'x-civicgrid-signature': signReadings(options.key ?? device.deviceKey, timestamp, body),
      },
      payload: body,
    });
  };
  const reading = (minutes: number, value: number) => JSON.stringify({ measuredAt: at(minutes), value });
  const counts = async () => {
    const list = (await app.inject({ url: '/api/v1/sensors/devices', headers: await as('dispatcher') })).json() as {
      items: { id: string; counts: Record<string, number>; openCases: { ruleCode: string }[]; silent: boolean }[];
    };
    return list.items.find((d) => d.id === device.id)!;
  };

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    time = movableClock(at(0));
    ({ app, as } = await buildTestApp(database(), areas, time.clock));
    cases = caseDepsOf(await testAppDeps(database(), areas, { clock: time.clock }));
    category = await leafCategory(database().db);
  }, 120_000);

  it('should let an administrator register a device type with its rules, and a device whose key is shown once', async () => {
    const type = await app.inject({
      method: 'POST',
      url: '/api/v1/sensors/device-types',
      headers: await as('admin'),
      payload: gaugeType('flood-gauge', category),
    });
    expect(type.statusCode, type.body).toBe(201);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/sensors/device-types',
      headers: await as('admin'),
      payload: gaugeType('flood-gauge', category),
    });
    expect(again.json().error.code).toBe('SENSOR_ERR_TYPE_TAKEN');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/sensors/devices',
      headers: await as('admin'),
      payload: { typeCode: 'flood-gauge', name: '五一大道下穿隧道 1 号', ...POINT },
    });
    expect(created.statusCode, created.body).toBe(201);
    device = created.json();
    expect(device.deviceKey).toMatch(/^cgd_[\w-]{43}$/);
    expect(device.topic).toBe(`civicgrid/devices/${device.id}/readings`);
    // Sealed, not stored in clear: the database never holds the key as it was shown.
    const stored = await database()
      .db.selectFrom('sensor_devices')
      .select(['sealed_key', 'key_id'])
      .where('id', '=', device.id)
      .executeTakeFirstOrThrow();
    expect(stored.sealed_key).toMatch(/^v1\.test\./);
    expect(stored.sealed_key).not.toContain(device.deviceKey);
    const listed = (await app.inject({ url: '/api/v1/sensors/devices', headers: await as('dispatcher') })).json();
    expect(JSON.stringify(listed)).not.toContain(device.deviceKey);
  });

  it('should open exactly one case per device and rule under duplicated, concurrent and out-of-order delivery', async () => {
    // Rate of change: 0 → 30 min rises 2.9 m (0.097 m/min, under 0.1). The reading of minute 10 arrives
    // last: against its real neighbour before it (minute 0) it rose 0.12 m/min, a breach; against the last
    // arrival (minute 30) it would be 0.085 m/min, none.
    time.set(at(31));
    expect((await send(reading(0, 1.0))).json()).toMatchObject({ accepted: 1, cases: [] });
    expect((await send(reading(30, 3.9))).json()).toMatchObject({ accepted: 1, outOfOrder: 0, cases: [] });
    const late = (await send(reading(10, 2.2))).json();
    expect(late).toMatchObject({ accepted: 1, outOfOrder: 1 });
    expect(late.cases).toHaveLength(1);

    // Above 5 m at minute 40, delivered four times at once (twice alone, twice in batches with a late
    // reading of minute 35, also above 5 m): one reading stored, one case for the rule.
    time.set(at(41));
    const batch = JSON.stringify({
      readings: [
        { measuredAt: at(40), value: 5.5 },
        { measuredAt: at(35), value: 6.0 },
      ],
    });
    const answers = await Promise.all([send(reading(40, 5.5)), send(batch), send(reading(40, 5.5)), send(batch)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    const results = answers.map((a) => a.json() as { accepted: number; duplicates: number; cases: string[] });
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(4);
    expect(results.flatMap((r) => r.cases)).toHaveLength(1);
    // Later breaches of both rules open nothing while their cases are open.
    expect((await send(reading(41, 7.5))).json()).toMatchObject({ accepted: 1, cases: [] });

    const linked = await sensorCases(database().db, device.id);
    expect(linked.map((c) => [c.rule_code, c.channel, c.released_at])).toEqual([
      ['rate', 'sensor', null],
      ['high', 'sensor', null],
    ]);
    expect(linked[0]).toMatchObject(POINT);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from cases where channel = 'sensor'`.execute(
      database().db,
    );
    expect(rows[0]!.n).toBe(2);

    const state = await counts();
    expect(state.counts).toEqual({ accepted: 6, duplicates: 4, outOfOrder: 2, malformed: 0, refused: 0 });
    expect(state.openCases.map((c) => c.ruleCode).sort()).toEqual(['high', 'rate']);
  });

  it('should store readings in their month’s partition, and make the coming months’ partitions once', async () => {
    const { rows } = await sql<{ partition: string }>`
      select distinct tableoid::regclass::text as partition from sensor_readings`.execute(database().db);
    expect(rows.map((r) => r.partition)).toEqual(['sensor_partitions.sensor_readings_2026_12']);
    const first = await ensureReadingPartitions(database().db, new Date('2028-01-15T00:00:00Z'));
    expect(first).toEqual({
      created: ['sensor_readings_2028_01', 'sensor_readings_2028_02', 'sensor_readings_2028_03'],
      failed: [],
    });
    expect(await ensureReadingPartitions(database().db, new Date('2028-01-15T00:00:00Z'))).toEqual({
      created: [],
      failed: [],
    });
  });

  it('should let a new breach open a new case once the rule’s case has finished its loop', async () => {
    const high = (await sensorCases(database().db, device.id)).find((c) => c.rule_code === 'high')!;
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${high.case_number}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'cancel', note: '现场核实：水位计故障读数' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    time.set(at(51));
    const answer = (await send(reading(50, 6.1))).json();
    expect(answer.cases).toHaveLength(1);
    expect(answer.cases[0]).not.toBe(high.case_number);
    const linked = await sensorCases(database().db, device.id);
    expect(linked.filter((c) => c.rule_code === 'high').map((c) => [c.status, c.released_at !== null])).toEqual([
      ['cancelled', true],
      ['reported', false],
    ]);
  });

  it('should refuse a bad or missing signature, an unknown device and a stale timestamp with 401, and log each', async () => {
    const body = reading(52, 1.0);
    const wrongKey = await send(body, { key: 'cgd_not-the-key' });
    expect(wrongKey.statusCode).toBe(401);
    expect(wrongKey.json().error.code).toBe('SENSOR_ERR_SIGNATURE');
    const unsigned = await app.inject({
      method: 'POST',
      url: `/sensors/v1/devices/${device.id}/readings`,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(401);
    const unknown = await send(body, { deviceId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('SENSOR_ERR_SIGNATURE');
    // Signed right, but an hour old: a replay.
    const replay = await send(body, { timestamp: String(Math.floor(time.clock.now().getTime() / 1000) - 3600) });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('SENSOR_ERR_STALE_TIMESTAMP');

    const logged = await database()
      .db.selectFrom('audit_log')
      .select(['subject_id', 'details', 'ip'])
      .where('action', '=', 'sensor.reading_refused')
      .orderBy('seq')
      .execute();
    expect(logged.map((e) => [e.subject_id, (e.details as { reason: string }).reason])).toEqual([
      [device.id, 'signature'],
      [device.id, 'signature'],
      ['00000000-0000-4000-8000-000000000000', 'unknown device'],
      [device.id, 'stale timestamp'],
    ]);
    expect(logged[0]!.ip).toBe('127.0.0.1');
    expect((await counts()).counts.refused).toBe(3);
  });

  it('should answer 400 for malformed readings, count them, and keep the good readings of a batch', async () => {
    time.set(at(61));
    const notJson = await send('{"measuredAt": ');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('SENSOR_ERR_MALFORMED');
    const mixed = await send(
      JSON.stringify({
        readings: [
          { measuredAt: at(60), value: 1.0 },
          { measuredAt: '2026-12-07 10:00', value: 1.0 },
          { measuredAt: at(59), value: 'high' },
        ],
      }),
    );
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.details).toMatchObject({
      accepted: 1,
      malformed: 2,
      problems: [
        { index: 1, reason: expect.stringContaining('ISO-8601') },
        { index: 2, reason: expect.stringContaining('number') },
      ],
    });
    expect((await counts()).counts).toMatchObject({ accepted: 8, malformed: 3 });
  });

  it('should keep the readings and answer 200 when a breach’s case cannot be filed, leaving no claim behind', async () => {
    // A category of its own, removed from the taxonomy after the type named it.
    const parent = await database()
      .db.selectFrom('categories')
      .select(['id', 'code'])
      .where('level', '=', 2)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const removed = `${parent.code}99`;
    await database()
      .db.insertInto('categories')
      .values({ code: removed, parent_id: parent.id, level: 3, name_zh: '测试', name_en: 'Test' })
      .execute();
    const admin = await as('admin');
    const type = await app.inject({
      method: 'POST',
      url: '/api/v1/sensors/device-types',
      headers: admin,
      payload: {
        code: 'tilt',
        nameZh: '井盖倾角',
        nameEn: 'Manhole tilt',
        unit: '°',
        rules: [{ code: 'open', kind: 'above', threshold: 10, categoryCode: removed }],
      },
    });
    expect(type.statusCode, type.body).toBe(201);
    const cover = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/sensors/devices',
        headers: admin,
        payload: { typeCode: 'tilt', name: '井盖 7 号', ...POINT },
      })
    ).json() as typeof device;
    await database().db.deleteFrom('categories').where('code', '=', removed).execute();
    time.set(at(62));
    const answer = await send(reading(62, 30), { key: cover.deviceKey, deviceId: cover.id });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ accepted: 1, cases: [] });
    // The claim was given up with its case: nothing holds the pair.
    expect(await sensorCases(database().db, cover.id)).toEqual([]);
  });

  it('should raise one case for a silent device, once per silent spell, with several sweeps at once', async () => {
    const errors: unknown[] = [];
    // Heard from at minute 61; the limit is 30 minutes.
    time.set(at(90));
    expect(await runSilenceSweep(cases, (_id, error) => errors.push(error))).toEqual({ cases: 0 });
    time.set(at(92));
    expect((await counts()).silent).toBe(true);
    const runs = await Promise.all([
      runSilenceSweep(cases, (_id, error) => errors.push(error)),
      runSilenceSweep(cases, (_id, error) => errors.push(error)),
    ]);
    expect(errors).toEqual([]);
    expect(runs[0]!.cases + runs[1]!.cases).toBe(1);
    expect(await runSilenceSweep(cases, (_id, error) => errors.push(error))).toEqual({ cases: 0 });
    const silence = (await sensorCases(database().db, device.id)).filter((c) => c.rule_code === 'silence');
    expect(silence).toHaveLength(1);
    expect(silence[0]).toMatchObject({ channel: 'sensor', status: 'reported', ...POINT });
  });
});

describe('reading a message', () => {
  const now = new Date(T0);
  it('should take one reading or a batch, and name what is wrong with the others', () => {
    expect(parseReadings(JSON.stringify({ measuredAt: T0, value: 1 }), now).readings).toHaveLength(1);
    const { readings, problems } = parseReadings(
      JSON.stringify({
        readings: [
          { measuredAt: T0, value: 1 },
          { measuredAt: '2026-12-07T03:00:00', value: 1 },
          { measuredAt: '2027-01-01T00:00:00Z', value: 1 },
          { measuredAt: T0, value: Number.NaN },
          null,
        ],
      }),
      now,
    );
    expect(readings).toHaveLength(1);
    expect(problems.map((p) => p.index)).toEqual([1, 2, 3, 4]);
    expect(parseReadings('[]', now).problems).toHaveLength(1);
    expect(parseReadings(JSON.stringify({ readings: [] }), now).problems).toHaveLength(1);
  });
});
