/**
 * Does the liveness probe answer under load? 300 connections read case details from a real `civicgrid
 * serve` process for 20 s (BENCH_SECONDS, BENCH_CONNECTIONS), while a load balancer's probe asks
 * `GET /healthz` every 100 ms on a connection of its own. The baseline, in the same run on the same server,
 * is the probe with no load. Target: p99 of the probe within 100 ms at any load, on both databases.
 * (Before issue 14 the embedded database ran on the server's thread, and the probe waited a median 12.5 s.)
 *
 *   npx tsx bench/liveness.ts        (BENCH_DB=pglite|postgres|both)
 * Prints a table; writes bench/results/liveness.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { runCli, signInOverHttp, startServer } from '../test/server/server-process.ts';
import { createServerDatabase } from './bench-database.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 300);
const WHICH = (process.env.BENCH_DB ?? 'both') as 'postgres' | 'pglite' | 'both';
const PROBE_EVERY_MS = 100;
const TARGET_P99_MS = 100;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Asks /healthz every 100 ms, as a load balancer does (a new connection each time), until stopped. */
function probe(url: string) {
  const latencies: number[] = [];
  let failures = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
        await response.text();
        if (response.status === 200) latencies.push(performance.now() - started);
        else failures++;
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return {
        probes: latencies.length,
        failures,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        maxMs: Math.max(...latencies),
      };
    },
  };
}

async function benchOne(kind: 'pglite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `civicgrid-liveness-${kind}-`));
  const serverDatabase = kind === 'postgres' ? await createServerDatabase() : null;
  const databaseUrl = serverDatabase?.url ?? '';
  const dropDatabase = async () => serverDatabase?.drop();
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO_DATA: 'false' };
  try {
    await runCli(['seed-demo', '--cases', '100'], env);
    const server = await startServer({ ...env, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' });
    try {
      const headers = await signInOverHttp(server.url, 'dispatcher');
      const list = (await (await fetch(`${server.url}/api/v1/cases?limit=100`, { headers })).json()) as {
        items: Array<{ caseNumber: string }>;
      };
      const paths = list.items.map((c) => `/api/v1/cases/${c.caseNumber}`);

      const idleProbe = probe(server.url);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const idle = await idleProbe.stop();

      const loadedProbe = probe(server.url);
      let next = 0;
      const load = await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { cookie: headers.cookie! },
        requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
      });
      const loaded = await loadedProbe.stop();
      return {
        database: kind,
        readsPerSecond: load.requests.average,
        readP99Ms: load.latency.p99,
        non2xx: load.non2xx,
        errors: load.errors,
        idle,
        loaded,
        p99VsIdle: loaded.p99Ms / idle.p99Ms,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const kinds = WHICH === 'both' ? (['pglite', 'postgres'] as const) : ([WHICH] as const);
const results = [];
for (const kind of kinds) results.push(await benchOne(kind));

console.log(
  `\n/healthz every ${PROBE_EVERY_MS} ms while ${CONNECTIONS} connections read case details for ${SECONDS} s\n`,
);
console.log(
  '| database | reads/s | read p99 (ms) | probe idle p50 / p99 (ms) | probe under load p50 / p99 / max (ms) | failed probes | p99 vs idle |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.database} | ${r.readsPerSecond.toFixed(0)} | ${r.readP99Ms} | ${r.idle.p50Ms.toFixed(1)} / ${r.idle.p99Ms.toFixed(1)} | ` +
      `${r.loaded.p50Ms.toFixed(1)} / ${r.loaded.p99Ms.toFixed(1)} / ${r.loaded.maxMs.toFixed(1)} | ${r.loaded.failures} | ${r.p99VsIdle.toFixed(1)}× |`,
  );
}
for (const r of results) {
  const verdict = r.loaded.p99Ms <= TARGET_P99_MS ? 'met' : 'NOT met';
  console.log(
    `${r.database}: probe p99 ${r.loaded.p99Ms.toFixed(1)} ms under load: target ≤ ${TARGET_P99_MS} ms ${verdict}`,
  );
}
const out = path.join(import.meta.dirname, 'results', 'liveness.json');
fs.writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), connections: CONNECTIONS, seconds: SECONDS, results }, null, 2)}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
