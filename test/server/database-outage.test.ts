/**
 * The server outlives its database connections: PostgreSQL ends the server's sessions (an administrator,
 * a restart, a failover) twenty times while cases are being reported. The process stays up, the requests
 * caught in flight are answered 503 with Retry-After (never 500), and reporting works again by itself.
 * (A 10-second stop of the whole PostgreSQL server is measured by bench/database-outage.ts, which restarts
 * the local cluster: not something a suite sharing that cluster may do.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { type RunningServer, runCli, signInOverHttp, startServer } from './server-process.ts';

const WRITERS = 8;
const TERMINATIONS = 20;

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL dropping the server’s connections', () => {
  let database: TestDatabase;
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // The development key lives in DATA_DIR: the seeding command and the server share it.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-outage-'));
    const env = { DATABASE_URL: database.url!, DATA_DIR: dataDir, DEMO_DATA: 'false', SWEEP_INTERVAL_SECONDS: '1' };
    await runCli(['seed-demo', '--cases', '0'], env);
    server = await startServer(env);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should stay up, answer 503 with Retry-After while connections drop, and recover by itself', async () => {
    const headers = await signInOverHttp(server.url, 'dispatcher');
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    let stop = false;
    const report = async (title: string) => {
      const response = await fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title, description: '断线测试', categoryCode: '010204', address: '五一大道' }),
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 503) {
        if (!response.headers.get('retry-after')) unexpected.push('503 without Retry-After');
      } else if (response.status !== 201) {
        unexpected.push(`${response.status} ${(await response.text()).slice(0, 200)}`);
      }
      return response.status;
    };
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; !stop; i++) await report(`写入者${w}第${i}件`).catch((e) => unexpected.push(String(e)));
    });

    // The test's own connection ends every other session of the database: the server's.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    let terminated = 0;
    try {
      for (let i = 0; i < TERMINATIONS; i++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        const { rows } = await admin.query(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()`,
        );
        terminated += rows[0].n;
      }
    } finally {
      stop = true;
      await Promise.all(writers);
      await admin.end();
    }

    expect(server.process.exitCode, server.output().slice(-2_000)).toBeNull();
    expect(terminated).toBeGreaterThan(TERMINATIONS);
    expect(unexpected, JSON.stringify([...statuses])).toEqual([]);
    console.log(
      `ended ${terminated} server sessions in ${TERMINATIONS} rounds; answers: ${JSON.stringify([...statuses])}`,
    );

    // Service is back without anyone touching the server.
    const recovered = Date.now();
    let status = 0;
    while (Date.now() - recovered < 10_000 && status !== 201) status = await report('恢复后');
    expect(status).toBe(201);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  }, 120_000);
});
