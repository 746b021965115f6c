/**
 * What personal-data protection costs a case-detail read: the detail as before this work (no reporter),
 * against the detail with the reporter's sealed identity opened and masked (what every staff read now
 * does), and against a read under an unmasking grant (opened in clear, recorded in the citizen's access
 * record and appended to the hash-chained audit trail, every time). Same data, same run, rounds
 * interleaved so the machine's noise falls on all alike; the figure is the median round.
 * Target: masking and audit cost at most 20 % of the reads per second.
 *
 *   npm run bench:privacy                 (BENCH_DB=pglite|postgres|both, default both;
 *                                          BENCH_DATABASE_URL for the server, default the local one)
 * Prints a table; writes bench/results/privacy.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CityCalendar } from '../src/calendar/index.ts';
import type { CaseDeps } from '../src/cases/case-deps.ts';
import { getCaseDetail } from '../src/cases/cases.queries.ts';
import { reporterFromRef, unmaskCaseReporter } from '../src/cases/personal-data.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemoCity } from '../src/demo/seed-demo.ts';
import { AreaLocator } from '../src/grid/index.ts';
import { actorForUsername } from '../src/organizations/index.ts';
import { Keyring } from '../src/privacy/index.ts';
import { openBenchDatabase } from './bench-database.ts';

const CASES = Number(process.env.BENCH_CASES ?? 200);
const READS_PER_ROUND = Number(process.env.BENCH_READS ?? 400);
const ROUNDS = 7;
const WHICH = (process.env.BENCH_DB ?? 'both') as 'postgres' | 'pglite' | 'both';
const TIME_ZONE = 'Asia/Shanghai';
const TARGET_OVERHEAD = 0.2;

type Mode = 'off' | 'masked' | 'unmasked';
const LABELS: Record<Mode, string> = {
  off: 'detail without personal data (baseline)',
  masked: 'detail + reporter opened and masked',
  unmasked: 'detail + reporter in clear under a grant (access recorded + audited)',
};

interface Row {
  database: string;
  mode: Mode;
  label: string;
  readsPerSecond: number;
  rounds: number[];
  vsBaseline: number;
  overhead: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function benchDatabase(kind: 'pglite' | 'postgres'): Promise<Row[]> {
  const { handle, drop } = await openBenchDatabase(kind);
  try {
    const { db } = handle;
    await migrateToLatest(db);
    const keyring = new Keyring('bench', [{ id: 'bench', key: randomBytes(32) }]);
    const areas = new AreaLocator(db);
    const now = new Date('2026-11-20T02:00:00Z');
    process.stderr.write(`${kind}: loading ${CASES} demo cases…\n`);
    await seedDemoCity({ db, areas, keyring, now, reopenWindowDays: 15, timeZone: TIME_ZONE, limit: CASES });
    const calendar = new CityCalendar(db, TIME_ZONE);
    await calendar.reload();
    const deps: CaseDeps = {
      db,
      clock: { now: () => now },
      policy: { reopenWindowDays: 15, timeZone: TIME_ZONE },
      locateArea: (lon, lat) => areas.place(lon, lat),
      calendar,
      keyring,
    };
    // Two dispatchers' views: one reads masked, the other holds a grant on every case it reads.
    const reader = (await actorForUsername(db, 'dispatcher'))!;
    const granted = (await actorForUsername(db, 'supervisor'))!;
    const numbers = (
      await db
        .selectFrom('cases')
        .select('case_number')
        .where('reporter_person_id', 'is not', null)
        .orderBy('case_number')
        .execute()
    ).map((r) => r.case_number);
    for (const caseNumber of numbers) {
      await unmaskCaseReporter(deps, granted, caseNumber, { purpose: 'contact_reporter', reason: 'benchmark' }, {});
    }

    const detailWithReporter = async (actor: typeof reader, n: string) => {
      const { reporterRef, ...detail } = await getCaseDetail(deps, actor, n, { withReporter: true });
      return { ...detail, reporter: await reporterFromRef(deps, actor, reporterRef!, {}) };
    };
    const read: Record<Mode, (caseNumber: string) => Promise<unknown>> = {
      off: (n) => getCaseDetail(deps, reader, n),
      // What GET /cases/{n} does for staff: the reporter reference read with the case, then opened.
      masked: (n) => detailWithReporter(reader, n),
      unmasked: (n) => detailWithReporter(granted, n),
    };
    const rounds: Record<Mode, number[]> = { off: [], masked: [], unmasked: [] };
    for (const mode of Object.keys(read) as Mode[]) await read[mode](numbers[0]!); // warm up
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of Object.keys(read) as Mode[]) {
        const started = performance.now();
        for (let i = 0; i < READS_PER_ROUND; i++) await read[mode](numbers[i % numbers.length]!);
        rounds[mode].push(READS_PER_ROUND / ((performance.now() - started) / 1000));
      }
      process.stderr.write(`${kind}: round ${round + 1}/${ROUNDS}\n`);
    }
    const baseline = median(rounds.off);
    const accesses = await db
      .selectFrom('personal_data_accesses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    process.stderr.write(`${kind}: ${accesses.n} reads recorded in citizens' access records\n`);
    return (Object.keys(read) as Mode[]).map((mode) => {
      const rate = median(rounds[mode]);
      return {
        database: kind,
        mode,
        label: LABELS[mode],
        readsPerSecond: Math.round(rate),
        rounds: rounds[mode].map(Math.round),
        vsBaseline: Number((rate / baseline).toFixed(3)),
        overhead: Number((1 - rate / baseline).toFixed(3)),
      };
    });
  } finally {
    await drop();
  }
}

const kinds = WHICH === 'both' ? (['pglite', 'postgres'] as const) : [WHICH];
const rows: Row[] = [];
for (const kind of kinds) rows.push(...(await benchDatabase(kind)));

console.log(`\nCase-detail reads, ${CASES} demo cases, ${ROUNDS} rounds × ${READS_PER_ROUND} reads (median round)\n`);
console.log('| database | read | reads/s | vs baseline | overhead |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.database} | ${r.label} | ${r.readsPerSecond} | ${r.vsBaseline.toFixed(2)} | ${(r.overhead * 100).toFixed(1)} % |`,
  );
}
const masked = rows.filter((r) => r.mode === 'masked');
const meets = masked.every((r) => r.overhead <= TARGET_OVERHEAD);
console.log(
  `\nTarget: masking costs ≤ ${TARGET_OVERHEAD * 100} % — ${meets ? 'met' : 'NOT met'} (${masked.map((r) => `${r.database} ${(r.overhead * 100).toFixed(1)} %`).join(', ')})`,
);
const out = path.join(import.meta.dirname, 'results', 'privacy.json');
fs.writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), cases: CASES, rounds: ROUNDS, readsPerRound: READS_PER_ROUND, targetOverhead: TARGET_OVERHEAD, rows }, null, 2)}\n`,
);
console.log(`written ${path.relative(process.cwd(), out)}`);
