/** The calendar commands as an administrator runs them each November, on an embedded database. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliForResult } from './server-process.ts';

const SHIPPED = path.resolve(import.meta.dirname, '../../src/calendar/cn-2026.json');

describe('civicgrid calendar', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-calendar-cli-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false' };
  });

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('should load a year from a file and show it', async () => {
    expect(await runCli(['calendar', 'load', SHIPPED, '--year', '2026'], env)).toMatch(
      /Calendar 2026 loaded: 33 holidays, 6 adjusted working days/,
    );
    const shown = await runCli(['calendar', 'show', '2026'], env);
    expect(shown).toMatch(/2026-02-14 {2}班 {2}春节调休上班/);
    expect(shown).toMatch(/2026-10-01 {2}休 {2}国庆节/);
  }, 60_000);

  it('should refuse a file for the wrong year or with mistakes, saying what is wrong', async () => {
    const wrongYear = await runCliForResult(['calendar', 'load', SHIPPED, '--year', '2027'], env);
    expect(wrongYear.code).toBe(1);
    expect(wrongYear.output).toMatch(/2026-01-01 is not in 2027/);
    const broken = path.join(dataDir, 'broken.json');
    fs.writeFileSync(broken, '[{"date": "2027-02-30", "kind": "holiday", "nameZh": "x", "nameEn": "x"}');
    const notJson = await runCliForResult(['calendar', 'load', broken, '--year', '2027'], env);
    expect(notJson.code).toBe(1);
    expect(notJson.output).toMatch(/cannot read .*broken.json as JSON/);
    expect(notJson.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    fs.writeFileSync(broken, '[{"date": "2027-02-30", "kind": "holiday", "nameZh": "x", "nameEn": "x"}]');
    const badDate = await runCliForResult(['calendar', 'load', broken, '--year', '2027'], env);
    expect(badDate.code).toBe(1);
    expect(badDate.output).toMatch(/2027-02-30/);
  }, 60_000);
});
