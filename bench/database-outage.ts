/**
 * The local PostgreSQL server stops for 10 s (BENCH_OUTAGE_SECONDS) while 8 writers report cases to a real
 * `civicgrid serve` process, then starts again. Measured: whether the server process stays up, how the
 * requests were answered before, during and after the outage (201, or 503 with Retry-After: never 500),
 * what /readyz said during it, and how long after PostgreSQL is back the first case is stored again.
 * The baseline, in the same run, is the same writing with no outage.
 *
 * It restarts the machine's PostgreSQL cluster (pg_ctlcluster, as root), so it is a bench and not a test:
 * nothing else may use that cluster while it runs. The cluster is started again whatever happens.
 *
 *   npx tsx bench/database-outage.ts
 * Prints a table; writes bench/results/database-outage.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, signInOverHttp, startServer } from '../test/server/server-process.ts';
import { createServerDatabase } from './bench-database.ts';

const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 10);
const WRITERS = 8;
const VERSION = fs.readdirSync('/etc/postgresql').sort().at(-1)!;

const cluster = (action: 'start' | 'stop') =>
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', VERSION, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'inherit',
    },
  );

interface Phase {
  phase: string;
  seconds: number;
  statuses: Record<string, number>;
  without_retry_after: number;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-outage-'));
const database = await createServerDatabase();
const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '100000000' };
const phases: Phase[] = [];
let survived = false;
let recoveryMs = Number.NaN;
const readyDuring: number[] = [];
try {
  await runCli(['seed-demo', '--cases', '0'], env);
  const server = await startServer({ ...env, LOG_LEVEL: 'error' });
  const headers = await signInOverHttp(server.url, 'dispatcher');
  let current: Phase = { phase: 'baseline', seconds: 0, statuses: {}, without_retry_after: 0 };
  let writing = true;
  let backAt: number | null = null;
  let firstSuccessAfter: number | null = null;
  const writer = async (w: number) => {
    for (let i = 0; writing; i++) {
      try {
        const response = await fetch(`${server.url}/api/v1/cases`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            title: `停库${w}-${i}`,
            description: '停库测试',
            categoryCode: '010204',
            address: '五一大道',
          }),
          signal: AbortSignal.timeout(15_000),
        });
        const status = String(response.status);
        current.statuses[status] = (current.statuses[status] ?? 0) + 1;
        if (response.status === 503 && !response.headers.get('retry-after')) current.without_retry_after++;
        if (response.status === 201 && backAt !== null) firstSuccessAfter ??= performance.now();
        if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, 200));
      } catch (error) {
        current.statuses[`client error: ${(error as Error).name}`] =
          (current.statuses[`client error: ${(error as Error).name}`] ?? 0) + 1;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  const phase = async (label: string, seconds: number, during?: () => Promise<void>) => {
    current = { phase: label, seconds, statuses: {}, without_retry_after: 0 };
    phases.push(current);
    await Promise.all([new Promise((resolve) => setTimeout(resolve, seconds * 1000)), during?.()]);
  };
  await phase('before the outage', 5);
  cluster('stop');
  try {
    await phase(`PostgreSQL stopped (${OUTAGE_SECONDS} s)`, OUTAGE_SECONDS, async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, (OUTAGE_SECONDS * 1000) / 4));
        readyDuring.push((await fetch(`${server.url}/readyz`).catch(() => ({ status: 0 }))).status);
      }
    });
  } finally {
    cluster('start');
  }
  backAt = performance.now();
  await phase('after PostgreSQL is back', 10);
  writing = false;
  await Promise.all(writers);
  recoveryMs = firstSuccessAfter === null ? Number.NaN : firstSuccessAfter - backAt;
  survived = server.process.exitCode === null;
  await server.stop();
} finally {
  await database.drop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
}

console.log(`\nPostgreSQL stopped for ${OUTAGE_SECONDS} s under ${WRITERS} writers\n`);
console.log('| phase | answers | 503 without Retry-After |');
console.log('| --- | --- | ---: |');
for (const p of phases) console.log(`| ${p.phase} | ${JSON.stringify(p.statuses)} | ${p.without_retry_after} |`);
console.log(`\nserver process still up: ${survived}; /readyz during the outage: ${readyDuring.join(', ')}`);
console.log(`first case stored ${(recoveryMs / 1000).toFixed(1)} s after PostgreSQL was started again`);
const out = path.join(import.meta.dirname, 'results', 'database-outage.json');
fs.writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), outageSeconds: OUTAGE_SECONDS, writers: WRITERS, survived, readyDuring, recoveryMs, phases }, null, 2)}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
