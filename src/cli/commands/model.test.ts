import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliForResult } from '../../../test/server/server-process.ts';

describe('civicgrid model', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-model-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false', CIVICGRID_KEY: '' };
    // The demo with 60 cases: seed-demo trains the demo's models itself; train and evaluate again here.
    await runCli(['seed-demo', '--cases', '60'], env);
  }, 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('should train the next version of a target, list it with its metrics, and evaluate without storing', async () => {
    const trained = await runCliForResult(['model', 'train', '--target', 'body', '--folds', '2'], env);
    expect(trained.code, trained.output).toBe(0);
    expect(trained.output).toMatch(
      /body v2 \(snapshot [0-9a-f]{16}\): \d+ examples, \d+ classes, 2-fold: macro-F1 [0-9.]+ \(Naive Bayes [0-9.]+\)/,
    );
    const listed = await runCliForResult(['model', 'list'], env);
    expect(listed.output).toMatch(/body v2, .* by cli/);
    expect(listed.output).toMatch(/body v1, .* by demo/);
    const evaluated = await runCliForResult(['model', 'evaluate', '--target', 'category_1', '--folds', '2'], env);
    expect(evaluated.code, evaluated.output).toBe(0);
    expect(evaluated.output).toMatch(/category_1: \d+ examples, .*calibration error/);
    expect((await runCliForResult(['model', 'list'], env)).output).not.toContain('category_1 v');
  }, 120_000);

  it('should refuse bad options clearly, without a stack trace', async () => {
    for (const args of [
      ['model', 'train', '--target', 'category_9'],
      ['model', 'evaluate', '--folds', '1'],
      ['model', 'evaluate', '--file', path.join(dataDir, 'missing.csv')],
    ]) {
      const result = await runCliForResult(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.output).toMatch(/civicgrid: /);
      expect(result.output).not.toMatch(/\bat .*\.ts:\d+/);
    }
  }, 60_000);
});
