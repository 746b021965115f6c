/**
 * An import killed midway (SIGKILL, as a crash or an operator's kill -9) and run again ends exactly where
 * an uninterrupted import of the same file ends: same cases, numbers, events, mappings, rejections and
 * counts. Runs the real `civicgrid import` against an embedded database in a folder (and a PostgreSQL
 * database when TEST_DATABASE_URL is set).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { databaseTarget, openDatabase } from '../../src/db/database.ts';
import { csvForExcel } from '../../src/lib/csv.ts';
import { runCli } from './server-process.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/civicgrid.js');
const SLICE = path.resolve(import.meta.dirname, '../../src/hub/fixtures/nyc-311-slice.csv');
const ROWS = 12_000;
const BATCH = 400;

/** A NYC-shaped export of ROWS requests made from the fixture's real rows (new ids), with a few broken dates. */
function writeExport(file: string) {
  const [header = [], ...rows] = parse(fs.readFileSync(SLICE, 'utf8')) as string[][];
  const lines: string[][] = [header];
  for (let i = 0; i < ROWS; i++) {
    const fields = [...(rows[i % rows.length] ?? [])];
    fields[0] = String(30_000_000 + i); // Unique Key
    if (i % 997 === 5) fields[1] = 'not a date'; // Created Date
    lines.push(fields);
  }
  fs.writeFileSync(file, csvForExcel(lines));
}

/** Everything an import writes, in an order that does not depend on when it was written. */
async function snapshot(env: Record<string, string>) {
  const handle = await openDatabase(databaseTarget(readConfig({ ...env, NODE_ENV: 'test' })));
  try {
    const { db } = handle;
    return {
      cases: await db
        .selectFrom('cases')
        .innerJoin('case_sources', 'case_sources.case_id', 'cases.id')
        .select(['case_sources.source_id', 'cases.case_number', 'cases.title', 'cases.status', 'cases.category_id'])
        .select(['cases.created_at', 'cases.closed_at', 'cases.grid_code', 'cases.longitude', 'cases.latitude'])
        .orderBy('case_sources.source_id')
        .execute(),
      events: await db
        .selectFrom('case_events')
        .innerJoin('case_sources', 'case_sources.case_id', 'case_events.case_id')
        .select(['case_sources.source_id', 'case_events.seq', 'case_events.action', 'case_events.created_at'])
        .orderBy('case_sources.source_id')
        .orderBy('case_events.seq')
        .execute(),
      mappings: await db
        .selectFrom('category_mappings')
        .select(['source_value', 'category_id'])
        .orderBy('source_value')
        .execute(),
      rejections: await db
        .selectFrom('import_rejections')
        .innerJoin('dataset_imports', 'dataset_imports.id', 'import_rejections.import_id')
        .select(['row_number', 'column_name', 'reason'])
        .where('dataset_imports.source_key', '=', 'nyc311')
        .orderBy('row_number')
        .execute(),
      // The demo's own reference imports (seed-demo) are the same in both; this import is the one compared.
      counts: await db
        .selectFrom('dataset_imports')
        .select(['status', 'rows_read', 'rows_imported', 'rows_unchanged', 'rows_rejected', 'rows_unplaced'])
        .select(['committed_row', 'unplaced_reasons'])
        .where('source_key', '=', 'nyc311')
        .execute(),
      counters: await db.selectFrom('case_number_counters').selectAll().orderBy('year').execute(),
    };
  } finally {
    await handle.close();
  }
}

/** Starts the import and kills it (SIGKILL) once its progress shows it a third of the way through. */
function importKilledMidway(file: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'import', file, '--source', 'nyc311', '--batch', String(BATCH)], {
      env: { ...process.env, ...env },
    });
    let output = '';
    const watch = (chunk: Buffer) => {
      output += chunk;
      const progress = [...output.matchAll(/: (\d+)\/(\d+)\n/g)].at(-1);
      if (progress && Number(progress[1]) >= Number(progress[2]) / 3 && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(output) : reject(new Error(`the import ended before it was killed:\n${output}`)),
    );
  });
}

async function adminQuery(query: string) {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

describe('an import killed with SIGKILL and resumed', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-import-resume-'));
  const file = path.join(work, 'nyc-requests.csv');
  const targets: { name: string; killed: Record<string, string>; whole: Record<string, string> }[] = [];
  const databases: string[] = [];

  beforeAll(async () => {
    writeExport(file);
    const base = { DATABASE_URL: '', DEMO_DATA: 'false', NODE_ENV: 'test' };
    const seeded = { ...base, DATA_DIR: path.join(work, 'seeded') };
    await runCli(['seed-demo', '--cases', '0'], seeded);
    // Two copies of one seeded database, so both imports start from the same categories and keys.
    for (const copy of ['killed', 'whole']) fs.cpSync(seeded.DATA_DIR, path.join(work, copy), { recursive: true });
    targets.push({
      name: 'embedded database',
      killed: { ...base, DATA_DIR: path.join(work, 'killed') },
      whole: { ...base, DATA_DIR: path.join(work, 'whole') },
    });
    const admin = process.env.TEST_DATABASE_URL;
    if (admin) {
      const suffix = Math.random().toString(16).slice(2, 10);
      const [template, killed, whole] = ['seed', 'killed', 'whole'].map((n) => `civicgrid_resume_${n}_${suffix}`);
      await adminQuery(`create database ${template}`);
      databases.push(template as string);
      const url = (name: string) => Object.assign(new URL(admin), { pathname: `/${name}` }).toString();
      const server = { DEMO_DATA: 'false', NODE_ENV: 'test', DATA_DIR: path.join(work, 'pg-keys') };
      await runCli(['seed-demo', '--cases', '0'], { ...server, DATABASE_URL: url(template as string) });
      for (const name of [killed, whole]) {
        await adminQuery(`create database ${name} template ${template}`);
        databases.push(name as string);
      }
      targets.push({
        name: 'PostgreSQL',
        killed: { ...server, DATABASE_URL: url(killed as string) },
        whole: { ...server, DATABASE_URL: url(whole as string) },
      });
    }
  }, 300_000);

  afterAll(async () => {
    fs.rmSync(work, { recursive: true, force: true });
    for (const name of databases) await adminQuery(`drop database if exists ${name} with (force)`);
  });

  it('should end identical to an uninterrupted import, on each database', async () => {
    for (const target of targets) {
      await importKilledMidway(file, target.killed);
      const resumed = await runCli(['import', file, '--source', 'nyc311', '--batch', String(BATCH)], target.killed);
      const after = Number(/resumed after row (\d+)/.exec(resumed)?.[1]);
      expect(after, `${target.name}: ${resumed}`).toBeGreaterThan(0);
      expect(after, target.name).toBeLessThan(ROWS);
      await runCli(['import', file, '--source', 'nyc311', '--batch', String(BATCH)], target.whole);
      const [killed, whole] = [await snapshot(target.killed), await snapshot(target.whole)];
      expect(killed.cases.length, target.name).toBe(ROWS - 13); // 13 rows have no date
      expect(killed.counts[0], target.name).toMatchObject({ status: 'completed', rows_read: ROWS, rows_rejected: 13 });
      expect(killed, target.name).toEqual(whole);
    }
  }, 600_000);
});
