import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KeyFile, Keyring, loadKeyring, retireKeys, rotateKeyFile } from './keyring.ts';

const posix = process.platform !== 'win32';
const key64 = () => randomBytes(32).toString('base64');

let dir: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'civicgrid-keyring-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeKeys(file: unknown, mode = 0o600): string {
  const path = join(dir, 'keys.json');
  writeFileSync(path, typeof file === 'string' ? file : JSON.stringify(file), { mode });
  chmodSync(path, mode);
  return path;
}

const readKeys = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
const load = (options: { keyFile?: string; envKey?: string; production?: boolean }) =>
  loadKeyring({ dataDir: join(dir, 'data'), production: false, warn, ...options });

describe('Keyring', () => {
  it('gives the current key, every key by id, and the ids with the current one first', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const keyring = new Keyring('b', [
      { id: 'a', key: a },
      { id: 'b', key: b },
    ]);
    expect(keyring.current).toEqual({ id: 'b', key: b });
    expect(keyring.byId('a').key).toEqual(a);
    expect(keyring.ids()).toEqual(['b', 'a']);
  });

  it('names the id when asked for a key it does not hold', () => {
    const keyring = new Keyring('a', [{ id: 'a', key: randomBytes(32) }]);
    expect(() => keyring.byId('k20250101dead')).toThrow(/"k20250101dead"/);
  });

  it('refuses keys that are not 32 bytes, duplicate ids, ids with a dot and a current id it does not hold', () => {
    expect(() => new Keyring('a', [{ id: 'a', key: randomBytes(16) }])).toThrow(/16 bytes, not 32/);
    const key = randomBytes(32);
    expect(
      () =>
        new Keyring('a', [
          { id: 'a', key },
          { id: 'a', key },
        ]),
    ).toThrow(/appears twice/);
    expect(() => new Keyring('a.b', [{ id: 'a.b', key }])).toThrow(/not valid/);
    expect(() => new Keyring('b', [{ id: 'a', key }])).toThrow(/current key "b" is not among/);
  });

  it('shows no key material when logged or serialised', () => {
    const keyring = new Keyring('a', [{ id: 'a', key: randomBytes(32) }]);
    expect(JSON.stringify(keyring)).toBe('{}');
    expect(inspect(keyring, { depth: 5, showHidden: true })).not.toContain('Buffer');
  });
});

describe('loadKeyring from a key file', () => {
  it('loads every key and the current one', () => {
    const path = writeKeys({
      current: 'k2',
      keys: [
        { id: 'k1', key: key64(), createdAt: '2026-01-01T00:00:00Z' },
        { id: 'k2', key: key64(), createdAt: '2026-06-01T00:00:00Z' },
      ],
    });
    const keyring = load({ keyFile: path });
    expect(keyring.current.id).toBe('k2');
    expect(keyring.ids()).toEqual(['k2', 'k1']);
    expect(warnings).toEqual([]);
  });

  it('says so when the key file does not exist', () => {
    expect(() => load({ keyFile: join(dir, 'nowhere.json') })).toThrow(/nowhere\.json does not exist/);
  });

  it('says the file is not valid JSON without quoting it', () => {
    const secret = key64();
    const path = writeKeys(`{"current": "k1", "keys": [{"id": "k1", "key": "${secret}"`);
    const error = (() => {
      try {
        load({ keyFile: path });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/is not valid JSON/);
    expect(error?.message).not.toContain(secret.slice(0, 10));
  });

  it('says which key is not the base64 of 32 bytes', () => {
    const path = writeKeys({ current: 'k1', keys: [{ id: 'k1', key: randomBytes(16).toString('base64') }] });
    expect(() => load({ keyFile: path })).toThrow(/Key "k1" .* must be the base64 of 32 random bytes/);
  });

  it('says when the current key is not among the keys', () => {
    const path = writeKeys({ current: 'k9', keys: [{ id: 'k1', key: key64(), createdAt: '2026-01-01T00:00:00Z' }] });
    expect(() => load({ keyFile: path })).toThrow(/current key "k9" is not among the keys/);
  });

  it('describes the expected shape when the JSON is not a key file', () => {
    const path = writeKeys({ keys: [] });
    expect(() => load({ keyFile: path })).toThrow(/must be \{"current"/);
  });

  it.runIf(posix)('refuses a key file that group or others can read, and says to chmod 600', () => {
    const path = writeKeys({ current: 'k1', keys: [{ id: 'k1', key: key64(), createdAt: '' }] }, 0o644);
    expect(() => load({ keyFile: path })).toThrow(/mode 644.*chmod 600/);
  });

  it('prefers the key file to the environment key, and warns that both are set', () => {
    const path = writeKeys({ current: 'k1', keys: [{ id: 'k1', key: key64(), createdAt: '' }] });
    expect(load({ keyFile: path, envKey: key64() }).current.id).toBe('k1');
    expect(warnings).toEqual([expect.stringMatching(/using CIVICGRID_KEY_FILE/)]);
  });
});

describe('loadKeyring from the environment', () => {
  it('makes a one-key keyring with the id env', () => {
    const key = randomBytes(32);
    const keyring = load({ envKey: key.toString('base64'), production: true });
    expect(keyring.ids()).toEqual(['env']);
    expect(keyring.current.key).toEqual(key);
  });

  it('refuses a key that is not the base64 of 32 bytes without repeating it', () => {
    const short = randomBytes(31).toString('base64');
    expect(() => load({ envKey: short })).toThrow(/CIVICGRID_KEY must be the base64 of 32 random bytes/);
    expect(() => load({ envKey: short })).not.toThrow(short);
  });
});

describe('loadKeyring without a configured key', () => {
  it('in production refuses to start and names CIVICGRID_KEY_FILE and CIVICGRID_KEY', () => {
    expect(() => load({ production: true })).toThrow(/CIVICGRID_KEY_FILE.*CIVICGRID_KEY /s);
  });

  it('in development generates a key file with mode 600 and warns loudly, in Chinese and English', () => {
    const keyring = load({});
    const path = join(dir, 'data', 'keys.json');
    const file = readKeys(path);
    expect(file.current).toBe(keyring.current.id);
    expect(file.keys).toEqual([
      { id: keyring.current.id, key: keyring.current.key.toString('base64'), createdAt: expect.any(String) },
    ]);
    expect(keyring.current.id).toMatch(/^k\d{8}[0-9a-f]{4}$/);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'data'))).toEqual(['keys.json']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('开发用数据加密密钥');
    expect(warnings[0]).toContain('Production must set CIVICGRID_KEY_FILE');
    expect(warnings[0]?.split('\n').length).toBeGreaterThan(4);
  });

  it('in development uses the key file generated before, with one short warning', () => {
    const first = load({});
    warnings = [];
    const second = load({});
    expect(second.current).toEqual(first.current);
    expect(warnings).toEqual([expect.stringMatching(/Using the development key file/)]);
    expect(warnings[0]?.split('\n')).toHaveLength(1);
  });
});

describe('rotateKeyFile and retireKeys', () => {
  it('rotation appends a new key and makes it current, keeping mode 600 and leaving no temporary file', () => {
    const path = writeKeys({ current: 'k1', keys: [{ id: 'k1', key: key64(), createdAt: '2026-01-01T00:00:00Z' }] });
    const before = readKeys(path);
    const { newKeyId } = rotateKeyFile(path);
    const after = readKeys(path);
    expect(after.current).toBe(newKeyId);
    expect(after.keys.slice(0, 1)).toEqual(before.keys);
    expect(after.keys.map((k) => k.id)).toEqual(['k1', newKeyId]);
    expect(Buffer.from(after.keys[1]?.key ?? '', 'base64')).toHaveLength(32);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it('rotating twice on the same day gives two different ids', () => {
    const path = writeKeys({ current: 'k1', keys: [{ id: 'k1', key: key64(), createdAt: '' }] });
    const ids = [rotateKeyFile(path).newKeyId, rotateKeyFile(path).newKeyId];
    expect(new Set(ids).size).toBe(2);
    expect(load({ keyFile: path }).ids()).toEqual([ids[1], 'k1', ids[0]]);
  });

  it('retiring removes the keys not kept, but never the current one', () => {
    const path = writeKeys({
      current: 'k3',
      keys: ['k1', 'k2', 'k3'].map((id) => ({ id, key: key64(), createdAt: '' })),
    });
    expect(retireKeys(path, ['k2'])).toEqual({ retiredIds: ['k1'] });
    expect(readKeys(path).keys.map((k) => k.id)).toEqual(['k2', 'k3']);
    expect(retireKeys(path, [])).toEqual({ retiredIds: ['k2'] });
    expect(readKeys(path)).toMatchObject({ current: 'k3', keys: [{ id: 'k3' }] });
  });

  it('retiring refuses to guess when asked to keep a key the file does not have', () => {
    const path = writeKeys({
      current: 'k2',
      keys: ['k1', 'k2'].map((id) => ({ id, key: key64(), createdAt: '' })),
    });
    expect(() => retireKeys(path, ['kl'])).toThrow(/no key with id kl/);
    expect(readKeys(path).keys).toHaveLength(2);
  });
});
