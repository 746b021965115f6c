/**
 * The duplicates check under the attack of issue 13: one citizen account posts 2,000 cases of 10 kB text
 * at one point, then anyone asks for the duplicates of one of them. On the embedded database the query
 * runs on the server's own thread, so while it runs nothing else is answered (health checks included).
 * Measured: the time of one duplicates check, and the longest the event loop was held during it, for the
 * bounded check the product now runs (at most 300 nearby cases, the first 400 characters of each) against
 * the unbounded one it replaced (every candidate, the whole text), in the same run on the same data.
 *
 *   npx tsx bench/duplicates.ts            (BENCH_CASES, default 2000; BENCH_DB=pglite|postgres|both)
 * Prints a table; writes bench/results/duplicates.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { duplicateCandidates } from '../src/cases/duplicates.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemoCity } from '../src/demo/seed-demo.ts';
import { AreaLocator } from '../src/grid/index.ts';
import { actorForUsername } from '../src/organizations/index.ts';
import { Keyring } from '../src/privacy/index.ts';
import { openBenchDatabase } from './bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 2000);
const WHICH = (process.env.BENCH_DB ?? 'both') as 'postgres' | 'pglite' | 'both';
const RUNS = 5;
const POINT = { longitude: 112.99, latitude: 28.195 };

/** The check as it was before the fix (the baseline): trigram similarity of every candidate's whole text. */
async function unboundedCheck(db: DatabaseHandle['db'], caseNumber: string) {
  const subject = await db
    .selectFrom('cases')
    .select(['id', 'title', 'description', 'created_at'])
    .where('case_number', '=', caseNumber)
    .executeTakeFirstOrThrow();
  const text = `${subject.title} ${subject.description}`;
  const trigrams = sql<number>`similarity(cases.title || ' ' || cases.description, ${text})`;
  const rows = await db
    .selectFrom('cases')
    .select(['cases.case_number', 'cases.title', 'cases.description', trigrams.as('trigrams')])
    .where('cases.id', '<>', subject.id)
    .where('cases.status', 'not in', ['closed', 'cancelled', 'merged'])
    .where('cases.latitude', '>=', POINT.latitude - 0.003)
    .where('cases.latitude', '<=', POINT.latitude + 0.003)
    .where('cases.longitude', '>=', POINT.longitude - 0.003)
    .where('cases.longitude', '<=', POINT.longitude + 0.003)
    .where(trigrams, '>=', 0.05)
    .orderBy('trigrams', 'desc')
    .limit(50)
    .execute();
  return rows.length;
}

/** One citizen's flood: CASES cases of 10 kB text, all at one point, inserted directly (no quota). */
async function flood(handle: DatabaseHandle): Promise<string> {
  const { db } = handle;
  const citizen = (await actorForUsername(db, 'citizen'))!;
  const category = await db
    .selectFrom('categories')
    .select('id')
    .where('code', '=', '010204')
    .executeTakeFirstOrThrow();
  const words = ['路灯', '不亮', '噪音', '扰民', '占道', '经营', '垃圾', '堆放', '井盖', '缺失', '积水', '严重'];
  const now = Date.now();
  for (let start = 0; start < CASES; start += 200) {
    const rows = Array.from({ length: Math.min(200, CASES - start) }, (_, j) => {
      const i = start + j;
      const description = Array.from({ length: 2500 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join('');
      return {
        case_number: `2026-9${String(i).padStart(5, '0')}`,
        title: `反映${words[i % words.length]}问题 第${i}次`,
        description: description.slice(0, 10_000),
        category_id: category.id,
        longitude: POINT.longitude,
        latitude: POINT.latitude,
        grid_code: null,
        outside_jurisdiction: false,
        channel: 'web' as const,
        priority: 'normal' as const,
        status: 'reported' as const,
        assigned_body_id: null,
        reporter_person_id: citizen.personId,
        reported_by_user_id: citizen.userId,
        event_count: 1,
        created_at: new Date(now - (CASES - i) * 1000),
        updated_at: new Date(now),
        closed_at: null,
        urgency_flags: null,
        text_placement: null,
      };
    });
    await db.insertInto('cases').values(rows).execute();
  }
  return `2026-9${String(CASES - 1).padStart(5, '0')}`;
}

const TICK_MS = 5;

/**
 * The time of one call, and the longest the event loop was held while it ran (what /healthz would wait):
 * the longest gap between the ticks of a 5 ms timer, read once the timer has had a turn after the call.
 */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; loopHeldMs: number }> {
  let last = performance.now();
  let longest = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 4 * TICK_MS));
  clearInterval(probe);
  return { ms, loopHeldMs: Math.max(0, longest) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function benchOne(kind: 'pglite' | 'postgres') {
  const { handle, drop } = await openBenchDatabase(kind);
  try {
    await migrateToLatest(handle.db);
    const areas = new AreaLocator(handle.db);
    await seedDemoCity({
      db: handle.db,
      areas,
      keyring: new Keyring('bench', [{ id: 'bench', key: randomBytes(32) }]),
      now: new Date(),
      reopenWindowDays: 15,
      timeZone: 'Asia/Shanghai',
      limit: 0,
    });
    const subject = await flood(handle);
    const dispatcher = (await actorForUsername(handle.db, 'dispatcher'))!;
    const rows = [];
    for (const [variant, check] of [
      ['unbounded (before)', () => unboundedCheck(handle.db, subject)],
      ['bounded (now)', () => duplicateCandidates({ db: handle.db }, dispatcher, subject)],
    ] as const) {
      await check(); // warm up: city words, caches
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(check));
      rows.push({
        database: kind,
        variant,
        medianMs: median(runs.map((r) => r.ms)),
        loopHeldMs: median(runs.map((r) => r.loopHeldMs)),
      });
    }
    const [before, now] = rows;
    return rows.map((r) => ({
      ...r,
      speedup: before!.medianMs / r.medianMs,
      vsBefore: r.medianMs / before!.medianMs,
      now: r === now,
    }));
  } finally {
    await drop();
  }
}

const kinds = WHICH === 'both' ? (['pglite', 'postgres'] as const) : ([WHICH] as const);
const results = [];
for (const kind of kinds) results.push(...(await benchOne(kind)));
console.log(`\nDuplicates of one case among ${CASES} cases of 10 kB at one point (median of ${RUNS} runs)\n`);
console.log('| database | check | one check (ms) | event loop held (ms) | × faster than before |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.database} | ${r.variant} | ${r.medianMs.toFixed(1)} | ${r.loopHeldMs.toFixed(1)} | ${r.speedup.toFixed(1)} |`,
  );
}
const out = path.join(import.meta.dirname, 'results', 'duplicates.json');
fs.writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), cases: CASES, runs: RUNS, results }, null, 2)}\n`,
);
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
