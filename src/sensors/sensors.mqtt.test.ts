import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { loadSmallDemoCity, testAppDeps } from '../../test/demo-city.ts';
import { gaugeType, leafCategory, minute, movableClock, sensorCases } from '../../test/sensor-feeds.ts';
import type { CaseDeps } from '../cases/index.ts';
import { caseDepsOf } from '../http/app.ts';
import { actorForUsername } from '../organizations/index.ts';
import { createDeviceType, registerDevice } from './devices.ts';
import { signReadings, startSensorMqtt } from './index.ts';
import { SENSOR_SYSTEM_USERNAME } from './rule-cases.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const at = minute;

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until something holds (the broker and the intake work at their own pace), or fails saying what. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A Mosquitto of the test's own, on a free port, anonymous, on the loopback only. */
class Broker {
  #process: ChildProcess | null = null;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-mosquitto-'));
  constructor(readonly port: number) {
    writeFileSync(path.join(this.dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
  }
  get url() {
    return `mqtt://127.0.0.1:${this.port}`;
  }
  async start() {
    const child = spawn(MOSQUITTO, ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    this.#process = child;
    await eventually('Mosquitto to listen', async () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
      return new Promise<boolean>((resolve) => {
        const socket = net.connect(this.port, '127.0.0.1', () => resolve(socket.end() !== undefined));
        socket.on('error', () => resolve(false));
      });
    });
  }
  async stop() {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

if (!existsSync(MOSQUITTO)) {
  it.skip(`sensor feeds over MQTT: SKIPPED, Mosquitto is not at ${MOSQUITTO} (apt-get install -y mosquitto)`, () => {});
} else {
  forEachDatabase('sensor feeds over MQTT (a Mosquitto of its own)', (database) => {
    let broker: Broker;
    let cases: CaseDeps;
    let intake: ReturnType<typeof startSensorMqtt>;
    let publisher: MqttClient;
    let device: { id: string; deviceKey: string };
    const time = movableClock(at(31));
    const log: string[] = [];
    const logger = {
      info: (_details: object, message: string) => log.push(message),
      warn: (_details: object, message: string) => log.push(message),
    };

    const publish = (body: string, key = device.deviceKey) => {
      const timestamp = String(Math.floor(time.clock.now().getTime() / 1000));
      return publisher.publishAsync(
        `civicgrid/devices/${device.id}/readings`,
        JSON.stringify({ timestamp, signature: signReadings(key, timestamp, body), body }),
        { qos: 1 },
      );
    };
    const reading = (minutes: number, value: number) => JSON.stringify({ measuredAt: at(minutes), value });
    const counters = () =>
      database()
        .db.selectFrom('sensor_devices')
        .select(['accepted_count', 'duplicate_count', 'out_of_order_count', 'refused_count'])
        .where('id', '=', device.id)
        .executeTakeFirstOrThrow()
        .then((r) => ({
          accepted: Number(r.accepted_count),
          duplicates: Number(r.duplicate_count),
          outOfOrder: Number(r.out_of_order_count),
          refused: Number(r.refused_count),
        }));
    /** Publishes, then waits until the intake has counted the message's readings. */
    const publishAndWait = async (body: string, readings: number) => {
      const before = await counters();
      await publish(body);
      await eventually(`${readings} reading(s) taken in`, async () => {
        const now = await counters();
        return now.accepted + now.duplicates >= before.accepted + before.duplicates + readings;
      });
    };

    beforeAll(async () => {
      broker = new Broker(await freePort());
      await broker.start();
      const { areas } = await loadSmallDemoCity(database(), 0);
      cases = caseDepsOf(await testAppDeps(database(), areas, { clock: time.clock }));
      const category = await leafCategory(database().db);
      await createDeviceType(database().db, gaugeType('flood-gauge', category), time.clock.now());
      device = await registerDevice(
        database().db,
        cases.keyring,
        (await actorForUsername(database().db, 'admin'))!,
        { typeCode: 'flood-gauge', name: '湘江路 3 号井', longitude: 112.9719, latitude: 28.1921 },
        time.clock.now(),
      );
      intake = startSensorMqtt(cases, broker.url, logger);
      await eventually('the intake to subscribe', async () =>
        log.includes('sensor feeds: subscribed to device readings'),
      );
      publisher = await connectAsync(broker.url, { reconnectPeriod: 500 });
    }, 120_000);

    afterAll(async () => {
      await publisher?.endAsync();
      await intake?.stop();
      if (broker) {
        await broker.stop();
        rmSync(broker.dir, { recursive: true, force: true });
      }
    });

    it('should take signed readings in and open exactly one case per rule under duplicates and out-of-order delivery', async () => {
      await publishAndWait(reading(0, 1.0), 1);
      await publishAndWait(reading(30, 3.9), 1);
      // Late: judged against minute 0, its real neighbour (0.12 m/min), it breaches the rate rule.
      await publishAndWait(reading(10, 2.2), 1);
      time.set(at(41));
      // Above 5 m, delivered three times over and in a batch with a late reading: one case for the rule.
      const batch = JSON.stringify({
        readings: [
          { measuredAt: at(40), value: 5.5 },
          { measuredAt: at(35), value: 6.0 },
        ],
      });
      const before = await counters();
      await Promise.all([publish(reading(40, 5.5)), publish(batch), publish(reading(40, 5.5)), publish(batch)]);
      await eventually('the burst taken in', async () => {
        const now = await counters();
        return now.accepted + now.duplicates === before.accepted + before.duplicates + 6 && now;
      });
      expect(await counters()).toMatchObject({ accepted: 5, duplicates: 4, refused: 0 });
      // The claims are made once each message is stored: wait for the rules' cases, then check there are no more.
      const linked = await eventually('both rules’ cases', async () => {
        const rows = await sensorCases(database().db, device.id);
        return rows.length === 2 && rows.every((r) => r.case_number) && rows;
      });
      expect(linked.map((c) => [c.rule_code, c.channel, c.released_at])).toEqual([
        ['rate', 'sensor', null],
        ['high', 'sensor', null],
      ]);
      const reporter = await database()
        .db.selectFrom('cases')
        .innerJoin('users', 'users.id', 'cases.reported_by_user_id')
        .select('users.username')
        .where('cases.case_number', '=', linked[0]!.case_number!)
        .executeTakeFirstOrThrow();
      expect(reporter.username).toBe(SENSOR_SYSTEM_USERNAME);
    });

    it('should refuse and log a message signed with another key', async () => {
      await publish(reading(42, 1.0), 'cgd_someone-else');
      await eventually('the refusal counted', async () => (await counters()).refused === 1);
      const entry = await database()
        .db.selectFrom('audit_log')
        .select(['subject_id', 'details'])
        .where('action', '=', 'sensor.reading_refused')
        .executeTakeFirstOrThrow();
      expect(entry.subject_id).toBe(device.id);
      expect(entry.details).toMatchObject({ via: 'mqtt', reason: 'signature' });
      expect((await counters()).accepted).toBe(5);
    });

    it('should live through a broker outage and take readings in again once it is back', async () => {
      await broker.stop();
      await eventually('the intake to notice', async () =>
        log.includes('sensor feeds: MQTT broker unreachable; retrying'),
      );
      const subscriptions = log.filter((line) => line === 'sensor feeds: subscribed to device readings').length;
      await broker.start();
      await eventually('the intake to subscribe again', async () => {
        return log.filter((line) => line === 'sensor feeds: subscribed to device readings').length > subscriptions;
      });
      await eventually('the publisher to reconnect', async () => publisher.connected);
      time.set(at(44));
      await publishAndWait(reading(43, 1.1), 1);
      expect((await counters()).accepted).toBe(6);
    }, 60_000);
  });
}
