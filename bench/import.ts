/**
 * The data hub's importer, measured. Prints tables and writes bench/results/import.json.
 *
 * 1. Shipped templates on the real files (../shared/data): NYC, SF and LA 311 and the TipDM Cup message
 *    files, imported as historical cases into a PostgreSQL database holding the demo city plus New York's 71
 *    community districts (so New York's points can be placed; SF and LA have no boundaries in the shared
 *    data and stay unplaced); each file imported twice: the second run must change nothing.
 * 2. Raw load: a 1,000,000-row NYC-shaped CSV (BENCH_IMPORT_ROWS), generated from the real rows' patterns
 *    (each row a real row with a new id, a new creation time in 2011–2020, a closure 0–30 days later or
 *    open, coordinates moved by up to ±0.01°), loaded by `civicgrid import --dataset` into a typed
 *    datastore table, against `psql \copy` of the same file into a bare table of text columns, in the same
 *    run on the same server; rows/s and the importer's peak RSS (/usr/bin/time). Then the same file on the
 *    embedded database (PGlite), reported with no target.
 *   npx tsx bench/import.ts             (BENCH_IMPORT_ROWS=100000 for a quick look; BENCH_IMPORT_PARTS=1,2)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importAreas } from '../src/grid/index.ts';
import { CITY_TIME_ZONE } from '../src/http/app.ts';
import { runImport } from '../src/hub/index.ts';
import { actorForUsername } from '../src/organizations/index.ts';
import { seededRandom } from '../src/text/random.ts';
import { keyringOf, loadSmallDemoCity } from '../test/demo-city.ts';
import { runCli } from '../test/server/server-process.ts';
import { createServerDatabase, openBenchDatabase } from './bench-database.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared/data');
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const PARTS = (process.env.BENCH_IMPORT_PARTS ?? '1,2').split(',');
const BIN = path.resolve(import.meta.dirname, '../bin/civicgrid.js');

const SOURCES: { file: string; source: string }[] = [
  { file: 'us311/nyc_311_2000.csv', source: 'nyc311' },
  { file: 'us311/nyc_311_999.csv', source: 'nyc311' },
  { file: 'us311/sf_311_10000.csv', source: 'sf311' },
  { file: 'us311/la_311_10000.csv', source: 'la311' },
  { file: 'teddycup2020/messages_labelled.csv', source: 'teddycup' },
  { file: 'teddycup2020/messages_with_votes.csv', source: 'teddycup' },
  { file: 'teddycup2020/messages_with_replies.csv', source: 'teddycup' },
];

async function templates() {
  const { handle, drop } = await openBenchDatabase('postgres');
  try {
    await migrateToLatest(handle.db);
    const { areas } = await loadSmallDemoCity(handle, 0);
    const admin = await actorForUsername(handle.db, 'admin');
    if (!admin) throw new Error('no admin');
    const districts = JSON.parse(fs.readFileSync(path.join(SHARED, 'geo/nyc_community_districts.geojson'), 'utf8'));
    await importAreas(handle.db, admin, districts, {
      level: 'district',
      codeProperty: 'BoroCD',
      nameProperty: 'BoroCD',
      crs: 'wgs84',
    });
    await areas.reload();
    const deps = {
      db: handle.db,
      keyring: keyringOf(handle),
      locateArea: (lon: number, lat: number) => areas.place(lon, lat),
      cityTimeZone: CITY_TIME_ZONE,
      clock: { now: () => new Date() },
    };
    const rows: Record<string, unknown>[] = [];
    for (const { file, source } of SOURCES) {
      const started = performance.now();
      const first = await runImport(deps, {
        path: path.join(SHARED, file),
        target: { kind: 'case_history', source },
        userId: admin.userId,
      });
      const seconds = (performance.now() - started) / 1000;
      const again = await runImport(deps, {
        path: path.join(SHARED, file),
        target: { kind: 'case_history', source },
        userId: admin.userId,
      });
      const placed = first.imported - first.unplaced;
      rows.push({
        file,
        source,
        read: first.read,
        imported: first.imported,
        unchanged: first.unchanged,
        skipped: first.read - first.imported - first.unchanged - first.rejected,
        rejected: first.rejected,
        rejectedByReason: first.rejectedByReason,
        unplacedByReason: first.unplacedByReason,
        placed,
        unplaced: first.unplaced,
        rowsPerSecond: Math.round(first.read / seconds),
        againImported: again.imported,
        againUnchanged: again.unchanged,
      });
    }
    return rows;
  } finally {
    await drop();
  }
}

/** A field for CSV: quoted when it holds a comma, a quote or a line break. */
const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

function usDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hour = d.getUTCHours() % 12 || 12;
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(hour)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

async function writeNycShaped(file: string, rows: number) {
  const [header = [], ...real] = parse(
    fs.readFileSync(path.join(SHARED, 'us311/nyc_311_2000.csv'), 'utf8'),
  ) as string[][];
  const at = (name: string) => header.indexOf(name);
  const [KEY, CREATED, CLOSED, STATUS, LAT, LON] = [
    'Unique Key',
    'Created Date',
    'Closed Date',
    'Status',
    'Latitude',
    'Longitude',
  ].map(at);
  // Seeded, so every run writes the same file.
  const next = seededRandom(20261205);
  const out = fs.createWriteStream(file);
  const write = (line: string) =>
    out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
  await write(`${header.map(field).join(',')}\n`);
  const start = Date.UTC(2011, 0, 1);
  const span = Date.UTC(2021, 0, 1) - start;
  for (let i = 0; i < rows; i++) {
    const row = [...(real[Math.floor(next() * real.length)] ?? [])];
    const created = start + Math.floor(next() * span);
    row[KEY as number] = String(40_000_000 + i);
    row[CREATED as number] = usDate(created);
    const open = next() < 0.03;
    row[CLOSED as number] = open ? '' : usDate(created + Math.floor(next() * 30 * 86_400_000));
    row[STATUS as number] = open ? 'Open' : 'Closed';
    for (const c of [LAT, LON] as number[]) {
      if (row[c]) row[c] = (Number(row[c]) + (next() - 0.5) * 0.02).toFixed(9);
    }
    await write(`${row.map(field).join(',')}\n`);
  }
  await new Promise<void>((r) => out.end(r));
  return header;
}

function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ seconds: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, output })
        : reject(new Error(`${command} exited ${code}:\n${output.slice(-3000)}`)),
    );
  });
}

async function rawLoad() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-bench-import-'));
  const file = path.join(work, 'nyc-shaped.csv');
  process.stderr.write(`writing ${ROWS} NYC-shaped rows…\n`);
  const header = await writeNycShaped(file, ROWS);
  const megabytes = fs.statSync(file).size / 1e6;
  const results: Record<string, unknown>[] = [];
  try {
    // PostgreSQL: \copy into a bare table, then the importer into a typed datastore table, same server.
    const server = await createServerDatabase();
    try {
      const handle = await openDatabase({ kind: 'postgres', url: server.url });
      await migrateToLatest(handle.db);
      await handle.close();
      const columns = header.map((_name, i) => `"c${i}" text`).join(', ');
      await run('psql', [server.url, '-v', 'ON_ERROR_STOP=1', '-c', `create table bare (${columns})`]);
      const copy = await run('psql', [
        server.url,
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy bare from '${file}' with (format csv, header true)`,
      ]);
      results.push({
        database: 'PostgreSQL',
        loader: 'psql \\copy (bare text table)',
        rows: ROWS,
        megabytes,
        seconds: copy.seconds,
        rowsPerSecond: ROWS / copy.seconds,
        peakRssMb: null,
      });
      const env = { DATABASE_URL: server.url, DEMO_DATA: 'false', DATA_DIR: path.join(work, 'pg-keys') };
      await runCli(['seed-demo', '--cases', '0'], env);
      const ours = await run(
        '/usr/bin/time',
        ['-f', 'peak-rss-kb %M', process.execPath, BIN, 'import', file, '--dataset', 'nyc-raw', '--key', 'Unique Key'],
        env,
      );
      results.push(measured('PostgreSQL', ours, megabytes));
      const again = await run(
        process.execPath,
        [BIN, 'import', file, '--dataset', 'nyc-raw', '--key', 'Unique Key'],
        env,
      );
      results.push({
        database: 'PostgreSQL',
        loader: 're-import of the same file',
        rows: ROWS,
        summary: lastLines(again.output),
        seconds: again.seconds,
        rowsPerSecond: ROWS / again.seconds,
      });
    } finally {
      await server.drop();
    }
    // The embedded database, same file.
    const env = { DATABASE_URL: '', DEMO_DATA: 'false', DATA_DIR: path.join(work, 'pglite') };
    await runCli(['seed-demo', '--cases', '0'], env);
    const embedded = await run(
      '/usr/bin/time',
      ['-f', 'peak-rss-kb %M', process.execPath, BIN, 'import', file, '--dataset', 'nyc-raw', '--key', 'Unique Key'],
      env,
    );
    results.push(measured('PGlite', embedded, megabytes));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return results;
}

function lastLines(output: string) {
  return output
    .split('\n')
    .filter((l) => /^rows read|rejected:/.test(l.trim()))
    .join('; ');
}

function measured(database: string, result: { seconds: number; output: string }, megabytes: number) {
  const rss = Number(/peak-rss-kb (\d+)/.exec(result.output)?.[1]) / 1024;
  return {
    database,
    loader: 'civicgrid import (typed datastore table)',
    rows: ROWS,
    megabytes,
    seconds: result.seconds,
    rowsPerSecond: ROWS / result.seconds,
    peakRssMb: rss,
    summary: lastLines(result.output),
  };
}

// Parts not run this time keep their last results.
const RESULTS = path.join(import.meta.dirname, 'results/import.json');
const report: Record<string, unknown> = {
  ...(fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {}),
  date: new Date().toISOString(),
};
if (PARTS.includes('1')) {
  report.templates = await templates();
  console.log('\nShipped templates on the real files (PostgreSQL; New York placed on its 71 community districts)');
  console.table(
    (report.templates as Record<string, unknown>[]).map(({ rejectedByReason, unplacedByReason, ...r }) => ({
      ...r,
      rejectedWhy: JSON.stringify(rejectedByReason),
      unplacedWhy: JSON.stringify(unplacedByReason),
    })),
  );
}
if (PARTS.includes('2')) {
  report.rows = ROWS;
  const raw = await rawLoad();
  const copy = raw[0] as { seconds: number };
  report.rawLoad = raw.map((r) => ({ ...r, ratioToCopy: (r.seconds as number) / copy.seconds }));
  console.log(`\nRaw load of ${ROWS} NYC-shaped rows`);
  console.table((report.rawLoad as Record<string, unknown>[]).map(({ summary, ...r }) => r));
}
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
