/** `civicgrid keys rotate` and `keys status` as an operator runs them, on an embedded database with a key file. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliForResult } from '../../../test/server/server-process.ts';
import { type DatabaseHandle, openDatabase } from '../../db/database.ts';
import { actorForUsername } from '../../organizations/index.ts';
import {
  findCitizenByPhone,
  findPersonalData,
  Keyring,
  loadKeyring,
  openIdentity,
  recordCasePersonalItems,
  submitDataRequest,
} from '../../privacy/index.ts';

interface Status {
  source: string;
  currentKeyId: string;
  keys: {
    id: string;
    current: boolean;
    sealed: {
      persons: number;
      caseItems: number;
      requests: number;
      signInCodes: number;
      photoEvidence: number;
      deviceKeys: number;
      auditEntries: number;
    };
  }[];
  missing: { id: string }[];
}

/** The one JSON line a command prints among its progress lines. */
function jsonLine<T>(output: string): T {
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON in the output:\n${output}`);
  return JSON.parse(line) as T;
}

describe('civicgrid keys', () => {
  let root: string;
  let dataDir: string;
  let keyFile: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-keys-cli-'));
    dataDir = path.join(root, 'data');
    // Kept apart from the data, as in production: a copy of the data directory alone reveals nothing.
    keyFile = path.join(root, 'keys.json');
    const first = { id: 'first', key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() };
    fs.writeFileSync(keyFile, JSON.stringify({ current: 'first', keys: [first] }), { mode: 0o600 });
    env = { DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false', CIVICGRID_KEY_FILE: keyFile, CIVICGRID_KEY: '' };
    await runCli(['seed-demo', '--cases', '5'], env);
    // The demo cases hold no personal data in their texts, nor any correction request: add one of each,
    // so rotation has all three kinds of sealed value to re-seal.
    await withDatabase(async ({ db }, keyring) => {
      const caseRow = await db.selectFrom('cases').select('id').limit(1).executeTakeFirstOrThrow();
      await recordCasePersonalItems(db, keyring, caseRow.id, findPersonalData('请联系 13912345678 处理'));
      const citizen = await actorForUsername(db, 'citizen');
      const now = new Date();
      await submitDataRequest(
        { db, keyring },
        citizen!,
        { kind: 'correction', reason: '地址写错了', changes: { address: '芙蓉区五一大道 1 号' } },
        new Date(now.getTime() + 15 * 86_400_000),
        now,
        {},
      );
    });
  }, 120_000);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Opens the data directory in this process between commands (one process at a time may hold it). */
  async function withDatabase<T>(work: (handle: DatabaseHandle, keyring: Keyring) => Promise<T>): Promise<T> {
    const handle = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const keyring = loadKeyring({ keyFile, dataDir, production: true, warn: () => {} });
      return await work(handle, keyring);
    } finally {
      await handle.close();
    }
  }

  const keyIdsInFile = () =>
    (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { keys: { id: string }[] }).keys.map((k) => k.id);

  it('should show which key seals how much, without key material', async () => {
    const output = await runCli(['keys', 'status'], env);
    const status = jsonLine<Status>(output);
    expect(status).toMatchObject({ source: keyFile, currentKeyId: 'first', missing: [] });
    expect(status.keys).toHaveLength(1);
    expect(status.keys[0]).toMatchObject({ id: 'first', current: true });
    expect(status.keys[0]!.sealed).toMatchObject({ caseItems: 1, requests: 1 });
    expect(status.keys[0]!.sealed.persons).toBeGreaterThan(2);
    const { key } = JSON.parse(fs.readFileSync(keyFile, 'utf8')).keys[0];
    expect(output).not.toContain(key);
  }, 60_000);

  it('should re-seal every sealed value under the new key, which still finds the demo citizen by phone', async () => {
    const output = await runCli(['keys', 'rotate'], env);
    const result = jsonLine<{ currentKeyId: string; resealed: { persons: number; caseItems: number } }>(output);
    expect(result.currentKeyId).toMatch(/^k\d{8}[0-9a-f]{4}$/);
    expect(result.resealed).toMatchObject({ caseItems: 1, requests: 1 });
    expect(result.resealed.persons).toBeGreaterThan(2);
    expect(result).not.toHaveProperty('retiredKeyIds');
    expect(output).toMatch(/restart them/);
    // Rotation keeps the old key until asked to retire it.
    expect(keyIdsInFile()).toEqual(['first', result.currentKeyId]);

    await withDatabase(async ({ db }, keyring) => {
      expect(keyring.current.id).toBe(result.currentKeyId);
      const persons = await db.selectFrom('persons').select(['id', 'sealed', 'key_id']).execute();
      const sealed = persons.filter((p) => p.sealed !== null);
      expect(sealed).toHaveLength(result.resealed.persons);
      expect(new Set(sealed.map((p) => p.key_id))).toEqual(new Set([result.currentKeyId]));
      for (const table of ['case_personal_items', 'data_rights_requests'] as const) {
        const keys = await db.selectFrom(table).select('key_id').distinct().execute();
        expect(keys, table).toEqual([{ key_id: result.currentKeyId }]);
      }

      // Only the new key is needed now: every identity opens with it alone, and so does the phone index.
      const newKeyOnly = new Keyring(result.currentKeyId, [keyring.byId(result.currentKeyId)]);
      for (const person of sealed) expect(openIdentity(newKeyOnly, person.id, person.sealed)).not.toBeNull();
      const found = await findCitizenByPhone(db, newKeyOnly, '13800138000');
      const citizen = await db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'citizen')
        .executeTakeFirstOrThrow();
      expect(found?.userId).toBe(citizen.id);
      expect(
        openIdentity(newKeyOnly, found!.personId, sealed.find((p) => p.id === found!.personId)!.sealed),
      ).toMatchObject({ phone: '13800138000' });
    });

    const status = jsonLine<Status>(await runCli(['keys', 'status'], env));
    expect(status.keys).toEqual([
      { id: result.currentKeyId, current: true, sealed: { ...result.resealed, auditEntries: expect.any(Number) } },
      {
        id: 'first',
        current: false,
        // No data is sealed under the old key any more; the audit entries MACed with it still need it.
        sealed: {
          persons: 0,
          caseItems: 0,
          requests: 0,
          signInCodes: 0,
          photoEvidence: 0,
          deviceKeys: 0,
          auditEntries: expect.any(Number),
        },
      },
    ]);
    expect(status.keys[1]!.sealed.auditEntries).toBeGreaterThan(0);
  }, 60_000);

  it('should retire the keys nothing is sealed or MACed under any more, keeping those the audit trail needs', async () => {
    // A key that was added to the file but never used (e.g. by mistake): nothing needs it.
    const file = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { current: string; keys: object[] };
    const unused = { id: 'unused', key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() };
    fs.writeFileSync(keyFile, JSON.stringify({ ...file, keys: [...file.keys, unused] }), { mode: 0o600 });
    const before = keyIdsInFile();
    const result = jsonLine<{ currentKeyId: string; retiredKeyIds: string[] }>(
      await runCli(['keys', 'rotate', '--retire'], env),
    );
    expect(result.retiredKeyIds).toEqual(['unused']);
    // The earlier keys MAC audit entries (the trail is append-only, so they are never re-MACed): kept.
    expect(keyIdsInFile()).toEqual([...before.filter((id) => id !== 'unused'), result.currentKeyId]);

    await withDatabase(async ({ db }, keyring) => {
      expect(keyring.current.id).toBe(result.currentKeyId);
      const persons = await db.selectFrom('persons').select(['id', 'sealed']).where('sealed', 'is not', null).execute();
      for (const person of persons) expect(openIdentity(keyring, person.id, person.sealed)).not.toBeNull();
      expect(await findCitizenByPhone(db, keyring, '13800138000')).toBeDefined();
    });
  }, 60_000);

  it('should refuse to rotate without a key file, saying why', async () => {
    const fileBefore = fs.readFileSync(keyFile, 'utf8');
    const refused = await runCliForResult(['keys', 'rotate'], { ...env, CIVICGRID_KEY_FILE: '' });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/keys rotate needs CIVICGRID_KEY_FILE/);
    expect(refused.output).toMatch(/CIVICGRID_KEY \(or the development key\) cannot be rotated/);
    expect(refused.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(fileBefore);
    // Nor was a development key made in the data directory.
    expect(fs.existsSync(path.join(dataDir, 'keys.json'))).toBe(false);
  }, 60_000);
});
