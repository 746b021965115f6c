/**
 * Case intake over HTTP: `POST /api/v1/cases` as a hotline dispatcher, for 20 s (BENCH_SECONDS) on the
 * embedded database (PGlite, on disk) and on the PostgreSQL server (BENCH_DATABASE_URL, default the local
 * one), each against a real `civicgrid serve` process. The baseline, measured in the same run on the same
 * server, is `GET /healthz` (HTTP and framework cost with no database work), so the ratio shows what the
 * intake transaction itself costs. Prints a table and writes bench/results/intake.json.
 *   npm run bench:intake            (BENCH_SECONDS=5 for a quick look)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { runCli, signInOverHttp, startServer } from '../test/server/server-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Measurement {
  database: string;
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

async function measure(
  url: string,
  scenario: string,
  database: string,
  options: Partial<autocannon.Options>,
  seconds: number,
): Promise<Measurement> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, ...options });
  return {
    database,
    scenario,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

async function benchBackend(database: string, env: Record<string, string>): Promise<Measurement[]> {
  await runCli(['seed-demo', '--cases', '20'], env);
  const server = await startServer({
    ...env,
    DEMO_DATA: 'false',
    DEMO_SIGN_IN: 'true',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  try {
    const session = await signInOverHttp(server.url, 'dispatcher');
    const baseline = await measure(
      `${server.url}/healthz`,
      'GET /healthz (baseline)',
      database,
      {},
      Math.min(SECONDS, 10),
    );
    let n = 0;
    const intake = await measure(
      `${server.url}/api/v1/cases`,
      'POST /api/v1/cases',
      database,
      {
        method: 'POST',
        headers: session,
        setupClient: (client) => {
          client.setBody(
            JSON.stringify({
              title: `来电反映路灯不亮 ${++n}`,
              description: '芙蓉区五一大道与芙蓉路口路灯不亮，影响夜间出行。',
              categoryCode: '010204',
              location: { longitude: 112.99 + (n % 100) * 1e-4, latitude: 28.195 },
              address: '芙蓉区五一大道',
              reporter: { name: '来电人', phone: '13800000000' },
            }),
          );
        },
      },
      SECONDS,
    );
    // A benchmark of failing requests measures nothing: stop rather than print it.
    if (intake.non2xx > 0 || intake.errors > 0) {
      throw new Error(`${database}: ${intake.non2xx + intake.errors} of ${intake.total} intake requests failed`);
    }
    return [baseline, intake];
  } finally {
    await server.stop();
  }
}

async function main() {
  const results: Measurement[] = [];

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-bench-'));
  console.log(`PGlite (embedded, data in ${dataDir}) …`);
  results.push(...(await benchBackend('PGlite', { DATA_DIR: dataDir, DATABASE_URL: '' })));
  fs.rmSync(dataDir, { recursive: true, force: true });

  const name = `civicgrid_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    console.log(`PostgreSQL (${url.host}) …`);
    results.push(...(await benchBackend('PostgreSQL', { DATABASE_URL: url.toString() })));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }

  const baselineOf = (database: string) =>
    results.find((r) => r.database === database && r.scenario.includes('baseline'))!;
  const pgliteIntake = results.find((r) => r.database === 'PGlite' && !r.scenario.includes('baseline'))!;
  const rows = results.map((r) => ({
    database: r.database,
    scenario: r.scenario,
    'req/s': r.requestsPerSecond.toFixed(0),
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'vs baseline': (r.requestsPerSecond / baselineOf(r.database).requestsPerSecond).toFixed(3),
    'vs PGlite intake': r.scenario.includes('baseline')
      ? ''
      : (r.requestsPerSecond / pgliteIntake.requestsPerSecond).toFixed(2),
    errors: r.errors + r.non2xx,
  }));
  console.table(rows);

  const report = {
    benchmark: 'intake',
    date: new Date().toISOString(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    results,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/intake.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote bench/results/intake.json');
}

await main();
