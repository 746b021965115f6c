/** The grid commands as an operator runs them, against an embedded database in a temporary folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliForResult } from './server-process.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../src/grid/fixtures/boundaries');

describe('civicgrid grid', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-grid-cli-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false' };
    await runCli(['seed-demo', '--cases', '0'], env);
  }, 120_000);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('should report every broken feature, exit 2 and import nothing', async () => {
    const file = path.join(FIXTURES, 'broken-boundaries.geojson');
    const { code, output } = await runCliForResult(
      ['grid', 'import', file, '--level', 'street', '--code-property', 'code'],
      env,
    );
    expect(code).toBe(2);
    expect(output).toMatch(/nothing was imported/);
    expect(output).toMatch(/feature 1 900002 .*self intersection/);
    expect(output).toMatch(/feature 2 900003 .*not closed/);
    const imported = await runCliForResult(
      [
        'grid',
        'import',
        path.join(FIXTURES, 'valid-boundaries.geojson'),
        '--level',
        'street',
        '--code-property',
        'code',
      ],
      env,
    );
    expect(imported.output).toMatch(/Imported 3 street area\(s\)/);
    expect(imported.output).toMatch(/warning: feature 0 910001 .*rewound/);
  }, 60_000);

  it('should generate 100 m unit grids over a district and refuse to do it twice', async () => {
    // 天心区: the demo city already has unit grids over 芙蓉区.
    const output = await runCli(['grid', 'generate', '--within', '430103', '--cell', '100m'], env);
    expect(output).toMatch(/Generated 1\d{4} unit grids in 430103 .* codes 430103000000001 … 4301030000\d{5}/);
    const again = await runCliForResult(['grid', 'generate', '--within', '430103'], env);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already has 1\d{4} unit grid cells/);
    const bad = await runCliForResult(['grid', 'generate', '--within', '430103', '--cell', 'huge'], env);
    expect(bad.output).toMatch(/--cell takes a length/);
  }, 60_000);
});
