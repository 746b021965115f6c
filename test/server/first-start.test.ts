/**
 * The first start of a demo: the server loads the demo's structure, listens, then loads the demo's cases
 * and trains its suggestion models, in a child process, answering suggestions without a model until they
 * are stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_DEMO } from '../../src/cli/commands/seed-demo.ts';
import { openConfiguredDatabase } from '../../src/cli/runtime.ts';
import { readConfig } from '../../src/config.ts';
import { type RunningServer, runCli, runCliForResult, signInOverHttp, startServer } from './server-process.ts';

const MODELS_READY = /Suggestion models ready \(category_3, body\)/;

describe('the first start of the demo city', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-first-start-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false', CIVICGRID_KEY: '', LOG_LEVEL: 'info' };
    // The demo city as a first start leaves it before training: loaded, with no model stored yet.
    await runCli(['seed-demo', '--cases', '30'], env);
    const handle = await openConfiguredDatabase(readConfig(env));
    try {
      await handle.db.deleteFrom('text_models').execute();
    } finally {
      await handle.close();
    }
  }, 600_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('should listen before the models are trained, suggest without them, then with them once ready', async () => {
    const server = await startServer(env);
    try {
      // Training starts only once the server listens, so nothing can be trained by the time it says so.
      expect(server.output()).not.toMatch(MODELS_READY);
      const headers = await signInOverHttp(server.url, 'dispatcher');
      const suggest = () =>
        fetch(`${server.url}/api/v1/text/intake-suggestions`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ title: '小区噪音扰民', description: '晚上楼下广场舞音响太大' }),
        });
      expect((await suggest()).status).toBe(200);

      await waitForOutput(server, MODELS_READY);
      const ready = (await (await suggest()).json()) as { categories: unknown[]; bodies: unknown[] };
      expect(ready.categories).toHaveLength(3);
      expect(ready.bodies.length).toBeGreaterThan(0);
      // The server's own log holds no request lines at info: the terminal shows what happened, not the traffic.
      expect(server.output()).not.toMatch(/incoming request|request completed/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 600_000);
});

describe('the first start from an empty database', () => {
  const dataDirs: string[] = [];
  const emptyDataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-empty-start-'));
    dataDirs.push(dir);
    return { DATA_DIR: dir, DATABASE_URL: '', DEMO_DATA: 'true', CIVICGRID_KEY: '', LOG_LEVEL: 'info' };
  };
  afterAll(() => {
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should listen before the demo cases are loaded, let the demo users sign in meanwhile, then load them all', async () => {
    const server = await startServer(emptyDataDir());
    try {
      expect(server.output()).not.toMatch(/Demo city loaded/);
      const headers = await signInOverHttp(server.url, 'dispatcher');
      await waitForOutput(server, /Demo city loaded: .* 320 cases/);
      // Every case reached the database, not only the report's count: the dispatcher sees the whole city.
      let seen = 0;
      for (let cursor: string | null = ''; cursor !== null; ) {
        const page = (await (
          await fetch(`${server.url}/api/v1/cases?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers })
        ).json()) as { items: unknown[]; nextCursor: string | null };
        seen += page.items.length;
        cursor = page.nextCursor;
      }
      expect(seen).toBe(320);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 300_000);

  it('should refuse to run on half a demo city when the first start was stopped while loading the cases', async () => {
    const env = emptyDataDir();
    const server = await startServer(env);
    expect(server.output()).not.toMatch(/Demo city loaded/);
    expect(await server.stop()).toBe(0);

    const again = await runCliForResult(['serve', '--port', '0'], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain(INTERRUPTED_DEMO);
  }, 300_000);
});

function waitForOutput(server: RunningServer, pattern: RegExp): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (pattern.test(server.output())) resolve();
    };
    server.process.stdout?.on('data', check);
    server.process.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${server.output()}`)));
    check();
  });
}
