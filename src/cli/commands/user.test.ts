import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliForResult } from '../../../test/server/server-process.ts';
import { openDatabase } from '../../db/database.ts';

describe('civicgrid user', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-user-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false', CIVICGRID_KEY: '' };
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const rows = async () => {
    const handle = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const users = await handle.db
        .selectFrom('users')
        .select(['username', 'role', 'password_hash', 'disabled_at', 'clearance'])
        .orderBy('username')
        .execute();
      const audit = await handle.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
      return { users, audit: audit.map((a) => a.action) };
    } finally {
      await handle.close();
    }
  };

  it('should create the first administrator of an empty production database, refusing a weak password', async () => {
    const weak = await runCliForResult(['user', 'add', 'Chief', '--role', 'admin', '--name', '管理员', '--city-wide'], {
      ...env,
      CIVICGRID_PASSWORD: 'short',
    });
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('Choose a stronger password');
    expect(weak.output).not.toMatch(/\bat .*\.ts:\d+/);

    // Reach is never implied: an administrator is given the city explicitly.
    const noReach = await runCliForResult(['user', 'add', 'Chief', '--role', 'admin', '--name', '管理员'], {
      ...env,
      CIVICGRID_PASSWORD: 'City-Ops-2026!',
    });
    expect(noReach.code).toBe(1);
    expect(noReach.output).toContain(
      'The role admin works in areas: give --area CODES (comma-separated), or --city-wide',
    );
    await runCli(['user', 'add', 'Chief', '--role', 'admin', '--name', '管理员', '--city-wide'], {
      ...env,
      CIVICGRID_PASSWORD: 'City-Ops-2026!',
    });
    await runCli(['user', 'add', 'desk1', '--role', 'dispatcher', '--name', '调度一', '--city-wide'], {
      ...env,
      CIVICGRID_PASSWORD: 'Another-desk-99',
    });
    // A grid worker without areas would see nothing: refused, as is an area that does not exist.
    const gridWorker = ['user', 'add', 'grid1', '--role', 'grid_worker', '--name', '网格一'];
    const withoutArea = await runCliForResult(gridWorker, { ...env, CIVICGRID_PASSWORD: 'Grid-worker-2026' });
    expect(withoutArea.code).toBe(1);
    expect(withoutArea.output).toContain('The role grid_worker works in areas: give --area CODES (comma-separated)');
    const cityWide = await runCliForResult([...gridWorker, '--city-wide'], {
      ...env,
      CIVICGRID_PASSWORD: 'Grid-worker-2026',
    });
    expect(cityWide.output).toContain('A grid worker works in areas, never city-wide');
    const unknownArea = await runCliForResult([...gridWorker, '--area', '430199'], {
      ...env,
      CIVICGRID_PASSWORD: 'Grid-worker-2026',
    });
    expect(unknownArea.output).toContain('There is no area 430199');
    const { users, audit } = await rows();
    expect(users.map((u) => [u.username, u.role, u.clearance])).toEqual([
      ['chief', 'admin', 'core'],
      ['desk1', 'dispatcher', 'important'],
    ]);
    expect(users.every((u) => u.password_hash?.startsWith('$argon2id$'))).toBe(true);
    expect(audit).toEqual(['cli.user_add', 'cli.user_add']);
  }, 120_000);

  it('should set a new password and disable a user, and say clearly when there is no such user', async () => {
    const before = (await rows()).users.find((u) => u.username === 'desk1')!.password_hash;
    // A token minted before the reset (by the user, or by whoever had stolen their session) dies with it.
    await runCli(['token', 'desk1', '--scopes', 'cases:read'], env);
    const reset = await runCli(['user', 'password', 'desk1'], { ...env, CIVICGRID_PASSWORD: 'Changed-pass-2026' });
    expect(reset).toContain('"tokensRevoked":1');
    await runCli(['token', 'desk1', '--scopes', 'cases:read'], env);
    const disabled = await runCli(['user', 'disable', 'DESK1'], env);
    expect(disabled).toContain('"disabled":true,"sessionsEnded":0,"tokensRevoked":1');
    const after = (await rows()).users.find((u) => u.username === 'desk1')!;
    expect(after.password_hash).not.toBe(before);
    expect(after.disabled_at).not.toBeNull();
    const missing = await runCliForResult(['user', 'disable', 'nobody'], env);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('There is no user "nobody"');
  }, 120_000);
});
