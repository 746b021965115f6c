/**
 * Photo uploads over HTTP: `POST /api/v1/cases/:caseNumber/media` (stage `report`, one photo a request) as
 * the demo grid worker, against a real `civicgrid serve` process, on the embedded database (PGlite, on
 * disk) and on the PostgreSQL server (BENCH_DATABASE_URL, default the local one). Each photo is a 12 MP
 * JPEG of about 2 MB with EXIF GPS, as a phone sends it; BENCH_PHOTOS distinct ones (default 8) are cycled,
 * so most uploads after the first few are flagged as re-used (the re-use lookup runs on every one).
 * One upload a case: a stage takes at most 9 files, and a fresh case per upload keeps the work the same.
 *
 * The baseline, in the same run with the same multipart bodies and concurrency, is a plain streaming copy
 * of the request body to a file by a bare node:http server in this process: what receiving the bytes
 * costs, so the ratio shows what checking, re-encoding, storing and recording a photo costs on top.
 * Also measured: processPhoto alone in this process (no HTTP, no database), and the server's resident
 * memory (VmRSS every 20 ms, and VmHWM) while BENCH_BURST uploads (default 20) run at once; target 400 MiB.
 *
 *   npm run bench:media       (BENCH_UPLOADS=40 per concurrency, BENCH_CONCURRENCY=1,4, BENCH_DB=pglite|postgres|both)
 * BENCH_SERVER_ENV adds settings to the server's environment, to try memory settings without a code change:
 *   BENCH_SERVER_ENV='{"LD_PRELOAD":"/lib/x86_64-linux-gnu/libjemalloc.so.2","UV_THREADPOOL_SIZE":"2"}'
 * Prints a table; writes bench/results/media.json (BENCH_OUT); exits non-zero if any upload failed.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { processPhoto } from '../src/media/photos.ts';
import { photoWithGps } from '../test/media-fixtures.ts';
import { multipartUpload } from '../test/multipart.ts';
import { runCli, signInOverHttp, startServer } from '../test/server/server-process.ts';
import { createServerDatabase } from './bench-database.ts';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 40);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '1,4').split(',').map(Number);
const BURST = Number(process.env.BENCH_BURST ?? 20);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 8);
const WHICH = (process.env.BENCH_DB ?? 'both') as 'postgres' | 'pglite' | 'both';
// As `npm start` runs the server (MALLOC_ARENA_MAX=2: glibc's per-thread arenas otherwise keep what
// libvips' threads freed, about 130 MiB more at the peak here); BENCH_SERVER_ENV='{}' for glibc's default.
const SERVER_ENV = JSON.parse(process.env.BENCH_SERVER_ENV ?? '{"MALLOC_ARENA_MAX":"2"}') as Record<string, string>;
const OUT = process.env.BENCH_OUT ?? path.join(import.meta.dirname, 'results', 'media.json');
const RSS_TARGET_MIB = 400;
const SAMPLE_EVERY_MS = 20;
/** A 12 MP phone photo; the fixture writes quality 90 (about 3.5 MB here), re-encoded at 80 for about 2 MB. */
const PHOTO = { width: 4000, height: 3000, quality: 80 };
const CASE_POINT = { longitude: 112.99, latitude: 28.195 };

interface Body {
  contentType: string;
  /** The whole multipart body, made once and sent as it is each time. */
  payload: Blob;
}

interface Run {
  scenario: string;
  database: string | null;
  uploads: number;
  concurrency: number;
  seconds: number;
  uploadsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  firstError: string | null;
  /** The server's largest VmRSS sampled during the run (server runs only). */
  peakRssMiB: number | null;
  peakThreads: number | null;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** VmRSS, VmHWM (the peak since the process started) and the thread count, from /proc. */
function memoryOf(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: mib(field('VmRSS')), hwmMiB: mib(field('VmHWM')), threads: field('Threads') };
}

/** Samples a process's VmRSS every 20 ms until stopped: the largest seen, and the most threads. */
function sampleMemory(pid: number) {
  let peakRssMiB = 0;
  let peakThreads = 0;
  let samples = 0;
  const sample = () => {
    const now = memoryOf(pid);
    peakRssMiB = Math.max(peakRssMiB, now.rssMiB);
    peakThreads = Math.max(peakThreads, now.threads);
    samples++;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMiB, peakThreads, samples };
    },
  };
}

/** `count` requests, `concurrency` at a time; `send` resolves to an error message, or null for success. */
async function load(count: number, concurrency: number, send: (i: number) => Promise<string | null>) {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const sent = performance.now();
        const error = await send(i).catch((e: unknown) => String(e));
        if (error === null) latencies.push(performance.now() - sent);
        else {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    uploads: count,
    concurrency,
    seconds,
    uploadsPerSecond: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    errors,
    firstError,
  };
}

/** PHOTOS distinct 12 MP street scenes taken at the case's point, with EXIF GPS and time, about 2 MB each. */
async function makePhotos(dir: string) {
  const paths: string[] = [];
  for (let seed = 1; seed <= PHOTOS; seed++) {
    const original = await photoWithGps(dir, { ...CASE_POINT, takenAt: new Date(), ...PHOTO, seed });
    const phone = path.join(dir, `phone-${seed}.jpg`);
    await sharp(original).keepMetadata().jpeg({ quality: PHOTO.quality }).toFile(phone);
    fs.rmSync(original);
    paths.push(phone);
  }
  const sizes = paths.map((p) => fs.statSync(p).size);
  const bodies: Body[] = [];
  for (const p of paths) {
    const { contentType, payload } = await multipartUpload('report', [p]);
    bodies.push({ contentType, payload: new Blob([payload]) });
  }
  return { paths, bodies, sizes };
}

/** The baseline: a bare node:http server that streams each request body to a new file and answers 201. */
async function startCopyServer(dir: string) {
  let n = 0;
  const server = http.createServer((request, response) => {
    pipeline(request, fs.createWriteStream(path.join(dir, `${n++}.body`))).then(
      () => response.writeHead(201, { 'content-type': 'application/json' }).end('{"items":[]}'),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/copy`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Uploads the server answered with a `reused` flag (the same picture on another case). */
let flaggedReused = 0;

async function post(url: string, headers: Record<string, string>, body: Body): Promise<string | null> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': body.contentType },
    body: body.payload,
  });
  const text = await response.text();
  if (response.status !== 201) return `${response.status} ${text.slice(0, 200)}`;
  if (url.endsWith('/copy')) return null;
  const { items } = JSON.parse(text) as { items: Array<{ flags: Array<{ kind: string }> }> };
  if (items.length !== 1) return `201 with ${items.length} items`;
  if (items[0]!.flags.some((flag) => flag.kind === 'reused')) flaggedReused++;
  return null;
}

async function benchBaseline(bodies: Body[]): Promise<Run[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-bench-copy-'));
  const copy = await startCopyServer(dir);
  try {
    await load(bodies.length, 1, (i) => post(copy.url, {}, bodies[i]!)); // warm up
    const runs: Run[] = [];
    // 1 for processPhoto alone, which runs one photo at a time.
    for (const concurrency of new Set([1, ...CONCURRENCIES, BURST])) {
      const count = concurrency === BURST ? BURST : UPLOADS;
      const result = await load(count, concurrency, (i) => post(copy.url, {}, bodies[i % bodies.length]!));
      runs.push({
        scenario: 'streaming copy to disk (baseline)',
        database: null,
        ...result,
        peakRssMiB: null,
        peakThreads: null,
      });
    }
    return runs;
  } finally {
    await copy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** processPhoto alone, in this process: each photo once after a warm-up, one at a time. */
async function benchProcessPhoto(paths: string[]): Promise<Run> {
  await processPhoto(paths[0]!, { maxPixels: 100_000_000 });
  const result = await load(paths.length, 1, async (i) => {
    const photo = await processPhoto(paths[i]!, { maxPixels: 100_000_000 });
    fs.rmSync(photo.image.path);
    fs.rmSync(photo.thumbnail.path);
    return null;
  });
  return {
    scenario: 'processPhoto alone (in-process, no HTTP or database)',
    database: null,
    ...result,
    peakRssMiB: null,
    peakThreads: null,
  };
}

async function benchServer(kind: 'pglite' | 'postgres', bodies: Body[]) {
  const database = kind === 'pglite' ? 'PGlite' : 'PostgreSQL';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `civicgrid-bench-media-${kind}-`));
  const serverDatabase = kind === 'postgres' ? await createServerDatabase() : null;
  const env = { DATA_DIR: dataDir, DATABASE_URL: serverDatabase?.url ?? '', DEMO_DATA: 'false' };
  try {
    await runCli(['seed-demo', '--cases', '20'], env);
    const server = await startServer({
      ...env,
      DEMO_SIGN_IN: 'true',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...SERVER_ENV,
    });
    const pid = server.process.pid!;
    try {
      const { cookie, 'x-csrf-token': csrf } = await signInOverHttp(server.url, 'gridworker');
      const session = { cookie: cookie!, 'x-csrf-token': csrf! };
      const caseCount = 1 + BURST + CONCURRENCIES.length * UPLOADS;
      const caseNumbers: string[] = [];
      for (let i = 0; i < caseCount; i++) {
        const response = await fetch(`${server.url}/api/v1/cases`, {
          method: 'POST',
          headers: { ...session, 'content-type': 'application/json' },
          body: JSON.stringify({
            title: `巡查发现路灯不亮 ${i}`,
            description: '芙蓉区五一大道路灯不亮，灯杆倾斜，已拍照。',
            categoryCode: '010204',
            location: CASE_POINT,
            channel: 'grid_patrol',
          }),
        });
        if (response.status !== 201)
          throw new Error(`could not report a case: ${response.status} ${await response.text()}`);
        caseNumbers.push(((await response.json()) as { caseNumber: string }).caseNumber);
      }
      flaggedReused = 0;
      let nextCase = 0;
      const upload = (i: number) =>
        post(`${server.url}/api/v1/cases/${caseNumbers[nextCase++]}/media`, session, bodies[i % bodies.length]!);

      const idle = memoryOf(pid);
      const warmUp = await load(1, 1, upload);
      if (warmUp.errors) throw new Error(`${database}: the warm-up upload failed: ${warmUp.firstError}`);
      const afterWarmUp = memoryOf(pid);

      const runs: Run[] = [];
      const scenario = `POST /cases/:n/media (${database})`;
      const burstSampler = sampleMemory(pid);
      const burstResult = await load(BURST, BURST, upload);
      const burstMemory = burstSampler.stop();
      const afterBurst = memoryOf(pid);
      runs.push({ scenario: `${scenario}, burst`, database, ...burstResult, ...burstMemory });

      for (const concurrency of CONCURRENCIES) {
        const sampler = sampleMemory(pid);
        const result = await load(UPLOADS, concurrency, upload);
        runs.push({ scenario, database, ...result, ...sampler.stop() });
      }
      const end = memoryOf(pid);
      const mediaFiles = fs.readdirSync(path.join(dataDir, 'media'), { recursive: true }).length;
      return {
        runs,
        memory: {
          database,
          idleRssMiB: idle.rssMiB,
          idleHwmMiB: idle.hwmMiB,
          idleThreads: idle.threads,
          afterWarmUpRssMiB: afterWarmUp.rssMiB,
          afterWarmUpHwmMiB: afterWarmUp.hwmMiB,
          burst: BURST,
          burstPeakRssSampledMiB: burstMemory.peakRssMiB,
          burstPeakThreads: burstMemory.peakThreads,
          burstSamples: burstMemory.samples,
          hwmAfterBurstMiB: afterBurst.hwmMiB,
          rssAfterBurstMiB: afterBurst.rssMiB,
          endRssMiB: end.rssMiB,
          endHwmMiB: end.hwmMiB,
          // VmHWM only rises: if it rose during the burst, its value after the burst is the burst's peak too.
          burstPeakMiB: Math.max(
            burstMemory.peakRssMiB,
            afterBurst.hwmMiB > afterWarmUp.hwmMiB ? afterBurst.hwmMiB : 0,
          ),
        },
        mediaFiles,
        uploads: nextCase,
        flaggedReused,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await serverDatabase?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-bench-photos-'));
console.log(`making ${PHOTOS} photos of ${PHOTO.width}×${PHOTO.height} …`);
const { paths, bodies, sizes } = await makePhotos(photoDir);
const meanMB = sizes.reduce((a, b) => a + b, 0) / sizes.length / 1e6;
console.log(`photos: mean ${meanMB.toFixed(2)} MB (${sizes.map((s) => (s / 1e6).toFixed(2)).join(', ')})`);

console.log('baseline: streaming copy …');
const baseline = await benchBaseline(bodies);
console.log('processPhoto alone …');
const alone = await benchProcessPhoto(paths);
const runs: Run[] = [...baseline, alone];
const memory = [];
const kinds = WHICH === 'both' ? (['pglite', 'postgres'] as const) : ([WHICH] as const);
for (const kind of kinds) {
  console.log(`${kind} …`);
  const result = await benchServer(kind, bodies);
  runs.push(...result.runs);
  memory.push({
    ...result.memory,
    mediaFiles: result.mediaFiles,
    uploads: result.uploads,
    flaggedReused: result.flaggedReused,
  });
}
fs.rmSync(photoDir, { recursive: true, force: true });

const baselineAt = (concurrency: number) => baseline.find((r) => r.concurrency === concurrency)!;
const rows = runs.map((r) => ({ ...r, vsBaseline: r.uploadsPerSecond / baselineAt(r.concurrency).uploadsPerSecond }));
const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log(
  `\nOne ${PHOTO.width}×${PHOTO.height} JPEG of ${meanMB.toFixed(2)} MB (mean; ${PHOTOS} distinct, cycled) a request\n`,
);
console.log('| scenario | uploads | concurrency | uploads/s | p50 ms | p99 ms | vs baseline | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.scenario} | ${r.uploads} | ${r.concurrency} | ${number(r.uploadsPerSecond, r.uploadsPerSecond < 10 ? 2 : 0)} | ` +
      `${number(r.p50Ms)} | ${number(r.p99Ms)} | ${r.vsBaseline.toFixed(4)} | ${r.errors} |`,
  );
}
console.log('');
for (const m of memory) {
  const verdict = m.burstPeakMiB <= RSS_TARGET_MIB ? 'met' : 'NOT met';
  console.log(
    `${m.database}: server RSS idle ${m.idleRssMiB} MiB (${m.idleThreads} threads), after one upload ${m.afterWarmUpRssMiB} MiB; ` +
      `${m.burst} uploads at once: peak ${m.burstPeakMiB} MiB (VmRSS sampled every ${SAMPLE_EVERY_MS} ms: ` +
      `${m.burstPeakRssSampledMiB} MiB, ${m.burstPeakThreads} threads; VmHWM ${m.afterWarmUpHwmMiB} → ${m.hwmAfterBurstMiB} MiB); ` +
      `at the end ${m.endRssMiB} MiB, VmHWM ${m.endHwmMiB} MiB. Target ≤ ${RSS_TARGET_MIB} MiB: ${verdict}`,
  );
}
for (const m of memory) console.log(`${m.database}: ${m.flaggedReused} of ${m.uploads} uploads flagged as re-used`);
for (const r of rows.filter((r) => r.errors)) console.log(`FAILED: ${r.scenario}: ${r.errors} × ${r.firstError}`);

fs.writeFileSync(
  OUT,
  `${JSON.stringify(
    {
      benchmark: 'media',
      measuredAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        loadAverage: os.loadavg(),
        node: process.version,
        sharp: sharp.versions,
      },
      photos: { ...PHOTO, distinct: PHOTOS, bytes: sizes, meanBytes: Math.round(meanMB * 1e6) },
      uploadsPerConcurrency: UPLOADS,
      serverEnv: SERVER_ENV,
      rssTargetMiB: RSS_TARGET_MIB,
      results: rows,
      memory,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
if (rows.some((r) => r.errors)) process.exitCode = 1;
