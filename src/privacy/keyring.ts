/**
 * Data-encryption keys for the personal-data store. Keys live outside the database (a key file or the
 * environment), so a stolen database dump alone does not reveal personal data. A keyring holds every key
 * that may still have sealed data under it, and one current key that new data is sealed with; rotation
 * adds a key and makes it current, retirement drops keys no data needs any more.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** One data-encryption key: its id (written into every value sealed with it) and its 32 bytes. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** The JSON of a key file, as stored. */
export interface KeyFile {
  current: string;
  keys: KeyFileEntry[];
}

export interface KeyFileEntry {
  id: string;
  /** Base64 of 32 random bytes. */
  key: string;
  createdAt: string;
}

const KEY_BYTES = 32;
/** Ids go into the sealed format `v1.<keyId>.…`, so they must not contain a dot. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Standard base64 of exactly 32 bytes, padding optional (what `openssl rand -base64 32` prints). */
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const POSIX = process.platform !== 'win32';
const ENV_KEY_ID = 'env';
/** HKDF's info for the audit trail's MAC key: keys derived for other uses never equal it. */
const AUDIT_MAC_LABEL = 'civicgrid audit-log mac v1';

/**
 * The keys personal data may be sealed under. Key material is held in private fields and behind a getter,
 * so logging or serialising a keyring (e.g. by accident in a pino object) shows no key bytes.
 */
export class Keyring {
  readonly #current: DataKey;
  readonly #keys: ReadonlyMap<string, DataKey>;
  readonly #auditKeys = new Map<string, Buffer>();

  constructor(currentId: string, keys: readonly DataKey[]) {
    const byId = new Map<string, DataKey>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`Key id "${id}" is not valid: use letters, digits, "_" or "-"`);
      if (byId.has(id)) throw new Error(`Key id "${id}" appears twice`);
      if (key.length !== KEY_BYTES) throw new Error(`Key "${id}" has ${key.length} bytes, not ${KEY_BYTES}`);
      byId.set(id, { id, key });
    }
    const current = byId.get(currentId);
    if (!current)
      throw new Error(`The current key "${currentId}" is not among the keys (${[...byId.keys()].join(', ')})`);
    this.#current = current;
    this.#keys = byId;
  }

  /** The key new data is sealed with. */
  get current(): DataKey {
    return this.#current;
  }

  /** The key with this id; throws naming the id when the keyring does not hold it. */
  byId(id: string): DataKey {
    const key = this.#keys.get(id);
    if (!key)
      throw new Error(`No data-encryption key with id "${id}" in the keyring (it holds ${this.ids().join(', ')})`);
    return key;
  }

  /**
   * The MAC (HMAC-SHA256, hex) of an audit entry's hash under the key with this id. The MAC key is derived
   * from the data key (HKDF, its own label), so the key file also holds what proves the audit trail, and
   * rotating the data key rotates it; whoever can write the database but not read the key file cannot
   * forge it. Such a key stays in the key file while entries MACed with it exist (keysInUse).
   */
  auditMac(keyId: string, hash: string): string {
    let macKey = this.#auditKeys.get(keyId);
    if (!macKey) {
      macKey = Buffer.from(hkdfSync('sha256', this.byId(keyId).key, Buffer.alloc(0), AUDIT_MAC_LABEL, KEY_BYTES));
      this.#auditKeys.set(keyId, macKey);
    }
    return createHmac('sha256', macKey).update(hash, 'utf8').digest('hex');
  }

  /** Every key id, the current one first, then the others in key-file order. */
  ids(): string[] {
    return [this.#current.id, ...[...this.#keys.keys()].filter((id) => id !== this.#current.id)];
  }
}

export interface LoadKeyringOptions {
  /** CIVICGRID_KEY_FILE: path to a key file. */
  keyFile?: string;
  /** CIVICGRID_KEY: base64 of 32 bytes, a one-key keyring. */
  envKey?: string;
  /** Where a development key file is kept when neither is set outside production. */
  dataDir: string;
  production: boolean;
  warn(message: string): void;
}

/** Loads the keyring from the key file, else the environment key, else (not in production) a development key file. */
export function loadKeyring(options: LoadKeyringOptions): Keyring {
  if (options.keyFile) {
    if (options.envKey) options.warn('Both CIVICGRID_KEY_FILE and CIVICGRID_KEY are set: using CIVICGRID_KEY_FILE.');
    return readKeyFile(options.keyFile).keyring;
  }
  if (options.envKey) {
    return new Keyring(ENV_KEY_ID, [{ id: ENV_KEY_ID, key: decodeKey(options.envKey, 'CIVICGRID_KEY') }]);
  }
  if (options.production) {
    throw new Error(
      'No data-encryption key is configured. In production set CIVICGRID_KEY_FILE to a key file ' +
        '(JSON, mode 600) or CIVICGRID_KEY to the base64 of 32 random bytes ' +
        '(e.g. `openssl rand -base64 32`).',
    );
  }
  return loadDevelopmentKeyring(join(options.dataDir, 'keys.json'), options.dataDir, options.warn);
}

/** Appends a freshly generated key to a key file and makes it current; data sealed before still opens. */
export function rotateKeyFile(path: string): { newKeyId: string } {
  const { file } = readKeyFile(path);
  const entry = newKeyEntry(new Set(file.keys.map((k) => k.id)));
  writeKeyFile(path, { current: entry.id, keys: [...file.keys, entry] }, true);
  return { newKeyId: entry.id };
}

/**
 * Removes from a key file every key not in `keepIds`, except the current one. Run it only once no data is
 * sealed under the removed keys any more: data sealed under a removed key can never be opened again.
 */
export function retireKeys(path: string, keepIds: readonly string[]): { retiredIds: string[] } {
  const { file } = readKeyFile(path);
  const known = new Set(file.keys.map((k) => k.id));
  // A typo in keepIds would silently retire the key it meant to keep, so unknown ids are refused.
  const unknown = keepIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`Key file ${path} has no key with id ${unknown.join(', ')}: nothing retired`);
  const keep = new Set([...keepIds, file.current]);
  const retiredIds = file.keys.filter((k) => !keep.has(k.id)).map((k) => k.id);
  if (retiredIds.length > 0) writeKeyFile(path, { ...file, keys: file.keys.filter((k) => keep.has(k.id)) }, true);
  return { retiredIds };
}

function loadDevelopmentKeyring(path: string, dataDir: string, warn: (message: string) => void): Keyring {
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const entry = newKeyEntry(new Set());
    created = writeKeyFile(path, { current: entry.id, keys: [entry] }, false);
  }
  warn(created ? generatedWarning(path) : `正在使用开发用密钥文件 / Using the development key file: ${path}`);
  return readKeyFile(path).keyring;
}

function generatedWarning(path: string): string {
  const bar = '!'.repeat(100);
  return [
    bar,
    '!! 已生成开发用数据加密密钥 (DEVELOPMENT KEY GENERATED)',
    `!! ${path}`,
    '!! 个人信息用此密钥加密，丢失此文件即无法再解密这些数据。生产环境必须设置 CIVICGRID_KEY_FILE。',
    '!! Personal data is encrypted with this key: lose the file and that data cannot be decrypted again.',
    '!! Production must set CIVICGRID_KEY_FILE (a key file kept apart from the data).',
    bar,
  ].join('\n');
}

/** Reads and checks a key file, with errors that say what to fix and never show key material. */
function readKeyFile(path: string): { file: KeyFile; keyring: Keyring } {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`Key file ${path} does not exist`);
    throw error;
  }
  if (POSIX && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8);
    throw new Error(`Key file ${path} is accessible by group or others (mode ${octal}): run \`chmod 600 ${path}\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Not the parser's message: it quotes part of the file, which may be key material.
    throw new Error(`Key file ${path} is not valid JSON`);
  }
  return checkKeyFile(json, path);
}

function checkKeyFile(json: unknown, path: string): { file: KeyFile; keyring: Keyring } {
  const shape = `Key file ${path} must be {"current": "<keyId>", "keys": [{"id", "key", "createdAt"}, …]}`;
  if (typeof json !== 'object' || json === null) throw new Error(shape);
  const { current, keys } = json as Record<string, unknown>;
  if (typeof current !== 'string' || !Array.isArray(keys) || keys.length === 0) throw new Error(shape);
  for (const [i, entry] of keys.entries()) {
    if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') {
      throw new Error(`${shape}: entry ${i} has no "id"`);
    }
    decodeKey(entry.key, `Key "${entry.id}" in key file ${path}`);
  }
  const file = json as KeyFile;
  try {
    return {
      file,
      keyring: new Keyring(
        current,
        file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
      ),
    };
  } catch (error) {
    throw new Error(`Key file ${path}: ${(error as Error).message}`);
  }
}

function decodeKey(text: unknown, what: string): Buffer {
  if (typeof text !== 'string' || !BASE64_KEY.test(text.trim())) {
    throw new Error(`${what} must be the base64 of ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return Buffer.from(text.trim(), 'base64');
}

/** A new key with an id like `k20261124a1b2` (the day it was made, so an operator can tell keys apart). */
function newKeyEntry(taken: ReadonlySet<string>): KeyFileEntry {
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  let id: string;
  do id = `k${day}${randomBytes(2).toString('hex')}`;
  while (taken.has(id));
  return { id, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: now.toISOString() };
}

/**
 * Writes a key file so that no reader ever sees half of it: a synced temporary file (mode 600) is renamed
 * over the old one. Without `replace` it is hard-linked instead, which fails if the file appeared
 * meanwhile (another process starting at the same moment), so one process never replaces a key another
 * has begun sealing with; returns false then.
 */
function writeKeyFile(path: string, file: KeyFile, replace: boolean): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (replace) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    if (!replace && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  if (!replace) unlinkSync(temp);
  syncDirectory(dirname(path));
  return true;
}

/** Makes the new directory entry durable, so a crash right after generating a key cannot lose it. */
function syncDirectory(dir: string): void {
  if (!POSIX) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
