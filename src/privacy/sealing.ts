/**
 * Authenticated encryption of personal data (AES-256-GCM) and blind indexes to find it again without
 * storing it in clear. A sealed value names the key it was sealed under, so data sealed before a key
 * rotation still opens, and is bound to its row (the aad), so it cannot be copied onto another row.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals a JSON-serialisable value as `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url), bound to `aad`. */
export function seal(keyring: Keyring, value: unknown, aad: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`Cannot seal a value of type ${typeof value}: it has no JSON form`);
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return [VERSION, id, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Opens a sealed value; throws if its key is not in the keyring, the aad differs or it was altered. */
export function open<T>(keyring: Keyring, sealed: string, aad: string): T {
  const { keyId, iv, ciphertext, tag } = parse(sealed);
  let key: Buffer;
  try {
    key = keyring.byId(keyId).key;
  } catch {
    throw new Error(`Cannot open a sealed value: it was sealed under key "${keyId}", which the keyring does not hold`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  let json: string;
  try {
    json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`Cannot open a sealed value (key "${keyId}"): it belongs to another row (aad) or has been altered`);
  }
  return JSON.parse(json) as T;
}

/** The id of the key a value was sealed under (to find the data a key rotation still has to re-seal). */
export function keyIdOf(sealed: string): string {
  return parse(sealed).keyId;
}

/**
 * Blind indexes of `value` under every key, the current key's first: store the first, look up with all of
 * them, so rows indexed before a key rotation are still found. `kind` (e.g. `phone`) separates the index
 * spaces, so equal strings of different kinds do not give equal indexes.
 */
export function blindIndex(keyring: Keyring, kind: string, value: string): string[] {
  return keyring.ids().map((id) => indexUnder(keyring.byId(id).key, kind, value));
}

/** The blind index under the current key: the one to store with a new or re-sealed row. */
export function currentBlindIndex(keyring: Keyring, kind: string, value: string): string {
  return indexUnder(keyring.current.key, kind, value);
}

/**
 * A phone number in the one form it is indexed and stored in: full-width characters made ASCII, spaces,
 * dashes and parentheses removed, and the country code (+86, 0086, 86) dropped before an 11-digit mobile.
 */
export function normalisePhone(value: string): string {
  const compact = value.normalize('NFKC').replace(/[\s\-‐‑‒–—()]/g, '');
  return compact.replace(/^(?:\+86|0086|86)(1[3-9]\d{9})$/, '$1');
}

/** HMAC-SHA256 under a key derived from the data key: the data key itself is only ever used for sealing. */
function indexUnder(dataKey: Buffer, kind: string, value: string): string {
  const indexKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `civicgrid blind index ${kind}`, 32));
  return createHmac('sha256', indexKey).update(value, 'utf8').digest('hex');
}

function parse(sealed: string): { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = sealed.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !iv || !ciphertext || !tag) {
    throw new Error(`Not a sealed value: expected "${VERSION}.<keyId>.<iv>.<ciphertext>.<tag>"`);
  }
  const decoded = { keyId, iv: decode(iv), ciphertext: decode(ciphertext), tag: decode(tag) };
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
    throw new Error(`Not a sealed value: the iv must be ${IV_BYTES} bytes and the tag ${TAG_BYTES}`);
  }
  return decoded;
}

/** Strict base64url: Node's decoder skips stray characters, which would let two strings open as one. */
function decode(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new Error('Not a sealed value: a part is not canonical base64url');
  }
  return bytes;
}
