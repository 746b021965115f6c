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
    const weak = await runCliForResult(['user', 'add', 'Chief', '--role', 'admin', '--name', '管理员'], {
      ...env,
      CIVICGRID_PASSWORD: 'short',
    });
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('Choose a stronger password');
    expect(weak.output).not.toMatch(/\bat .*\.ts:\d+/);

    await runCli(['user', 'add', 'Chief', '--role', 'admin', '--name', '管理员'], {
      ...env,
      CIVICGRID_PASSWORD: 'City-Ops-2026!',
    });
    await runCli(['user', 'add', 'desk1', '--role', 'dispatcher', '--name', '调度一', '--area', '430102'], {
      ...env,
      CIVICGRID_PASSWORD: 'Another-desk-99',
    });
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
    await runCli(['user', 'password', 'desk1'], { ...env, CIVICGRID_PASSWORD: 'Changed-pass-2026' });
    await runCli(['user', 'disable', 'DESK1'], env);
    const after = (await rows()).users.find((u) => u.username === 'desk1')!;
    expect(after.password_hash).not.toBe(before);
    expect(after.disabled_at).not.toBeNull();
    const missing = await runCliForResult(['user', 'disable', 'nobody'], env);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('There is no enabled user "nobody"');
  }, 120_000);
});
