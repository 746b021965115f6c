/**
 * Idempotency-Key across app instances: a phone's retry may reach another instance behind the load
 * balancer than its first attempt, even while the first is still at work. Two real server processes on one
 * PostgreSQL database get the same keys at the same moment: one case per key, one answer per key.
 * PostgreSQL only: the embedded database serves one process.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutPersonalData } from '../../src/http/idempotency.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { type RunningServer, runCli, signInOverHttp, startServer } from './server-process.ts';

const KEYS = 20;

describe.skipIf(!process.env.TEST_DATABASE_URL)('postgres: Idempotency-Key across two instances', () => {
  let database: TestDatabase;
  let dataDir: string;
  let servers: RunningServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // The development key lives in DATA_DIR: the seeding command and both servers share it.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-idempotency-'));
    const env = { DATABASE_URL: database.url!, DATA_DIR: dataDir, DEMO_DATA: 'false' };
    await runCli(['seed-demo', '--cases', '0'], env);
    servers = await Promise.all([startServer(env), startServer(env)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should make exactly one case per key when both instances get it at the same moment', async () => {
    const [one, two] = servers as [RunningServer, RunningServer];
    // One session, valid on both: sessions live in the database.
    const headers = await signInOverHttp(one.url, 'dispatcher');
    const send = (server: RunningServer, key: string, title: string) =>
      fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify({ title, description: '两个实例', categoryCode: '010204', address: '五一大道 1 号' }),
      }).then(async (response) => ({
        status: response.status,
        body: await response.text(),
        replayed: response.headers.get('idempotent-replayed') === 'true',
      }));

    const keys = Array.from({ length: KEYS }, (_, i) => ({ key: randomUUID(), title: `两个实例同一键 第${i}件` }));
    // Every key to both instances at once, and a third copy to the first: all keys side by side.
    const answers = await Promise.all(
      keys.map(({ key, title }) => Promise.all([send(one, key, title), send(two, key, title), send(one, key, title)])),
    );

    for (const [i, { title }] of keys.entries()) {
      const forKey = answers[i]!;
      expect(forKey.map((a) => a.status)).toEqual([201, 201, 201]);
      // One answer (a replay leaves out what may be personal: withoutPersonalData).
      expect(new Set(forKey.map((a) => withoutPersonalData(a.body))).size).toBe(1);
      expect(forKey.filter((a) => a.replayed)).toHaveLength(2);
      const made = await database.db.selectFrom('cases').select('case_number').where('title', '=', title).execute();
      expect(made.map((c) => c.case_number)).toEqual([JSON.parse(forKey[0]!.body).caseNumber]);
    }
    const stored = await database.db
      .selectFrom('idempotency_keys')
      .select(['state', 'response_status'])
      .where(
        'key',
        'in',
        keys.map((k) => k.key),
      )
      .execute();
    expect(stored).toHaveLength(KEYS);
    expect(stored.every((row) => row.state === 'done' && row.response_status === 201)).toBe(true);
  }, 120_000);
});
