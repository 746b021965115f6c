/** The embedded database keeps everything across restarts of the real server process, even a crash. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, signInOverHttp, startServer } from './server-process.ts';

describe('restarting the server on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-restart-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false' };
    await runCli(['seed-demo', '--cases', '5'], env);
  }, 120_000);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function report(url: string, headers: Record<string, string>, title: string) {
    const response = await fetch(`${url}/api/v1/cases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title, description: 'restart test', categoryCode: '010204', address: '五一大道' }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { caseNumber: string }).caseNumber;
  }

  it('should keep cases, their history and tokens after a clean stop and after a crash', async () => {
    const first = await startServer(env);
    const headers = await signInOverHttp(first.url, 'dispatcher');
    const kept = await report(first.url, headers, '重启后仍在 / survives a restart');
    await fetch(`${first.url}/api/v1/cases/${kept}/actions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'register' }),
    });
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startServer(env);
    const afterRestart = await fetch(`${second.url}/api/v1/cases/${kept}`, { headers });
    expect(afterRestart.status).toBe(200);
    const detail = (await afterRestart.json()) as { title: string; status: string; events: unknown[] };
    expect(detail).toMatchObject({ title: '重启后仍在 / survives a restart', status: 'registered' });
    expect(detail.events).toHaveLength(2);

    const crashed = await report(second.url, headers, '崩溃后仍在 / survives a crash');
    await second.stop('SIGKILL');

    const third = await startServer(env);
    const afterCrash = await fetch(`${third.url}/api/v1/cases/${crashed}`, { headers });
    expect(afterCrash.status).toBe(200);
    const list = (await (await fetch(`${third.url}/api/v1/cases?limit=100`, { headers })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(7);
    await third.stop();
  }, 180_000);
});
