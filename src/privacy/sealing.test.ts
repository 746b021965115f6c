import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Keyring } from './keyring.ts';
import { blindIndex, currentBlindIndex, keyIdOf, normalisePhone, open, seal } from './sealing.ts';

const oldKey = { id: 'k20260101aaaa', key: randomBytes(32) };
const newKey = { id: 'k20261124bbbb', key: randomBytes(32) };
const before = new Keyring(oldKey.id, [oldKey]);
/** The same keys after a rotation: the new key is current, the old one still opens. */
const after = new Keyring(newKey.id, [oldKey, newKey]);
const elsewhere = new Keyring('other', [{ id: 'other', key: randomBytes(32) }]);

/** `sealed` with one byte of its `part`-th dot-separated part (2 = iv, 3 = ciphertext, 4 = tag) flipped. */
function flipByte(sealed: string, part: number, byte: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[byte % bytes.length] = (bytes[byte % bytes.length] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('seal and open', () => {
  it('open gives back any JSON value sealed with the same aad', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, aad) => {
        // JSON has no -0: it comes back as 0, as it would from the database.
        expect(open(after, seal(after, value, aad), aad)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('writes v1, the key id and base64url iv, ciphertext and tag', () => {
    const sealed = seal(after, { name: '张三', phone: '13812345678' }, 'person-1');
    expect(sealed).toMatch(/^v1\.k20261124bbbb\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain('13812345678');
    expect(keyIdOf(sealed)).toBe(newKey.id);
  });

  it('seals the same value differently each time (random iv)', () => {
    expect(seal(after, 'same', 'row')).not.toBe(seal(after, 'same', 'row'));
  });

  it('refuses to open a value moved to another row', () => {
    const sealed = seal(after, { phone: '13812345678' }, 'person-1');
    expect(() => open(after, sealed, 'person-2')).toThrow(/another row \(aad\) or has been altered/);
  });

  it('refuses any value with one byte of its iv, ciphertext or tag flipped', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 3, 4), fc.nat(), (part, byte) => {
        const sealed = seal(after, { phone: '13812345678' }, 'person-1');
        expect(() => open(after, flipByte(sealed, part, byte), 'person-1')).toThrow(/has been altered/);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a part padded with characters base64url decoding would skip', () => {
    const [v, id, iv, ciphertext, tag] = seal(after, 'x', 'row').split('.');
    expect(() => open(after, [v, id, iv, `${ciphertext}!`, tag].join('.'), 'row')).toThrow(/canonical base64url/);
  });

  it('names the key, and shows no key material, when the keyring lacks it', () => {
    const sealed = seal(after, 'x', 'row');
    const attempt = () => open(elsewhere, sealed, 'row');
    expect(attempt).toThrow(/sealed under key "k20261124bbbb", which the keyring does not hold/);
    expect(attempt).not.toThrow(elsewhere.current.key.toString('base64'));
  });

  it('says what a sealed value looks like when given something else', () => {
    expect(() => open(after, '13812345678', 'row')).toThrow(/Not a sealed value/);
    expect(() => open(after, 'v2.k.a.b.c', 'row')).toThrow(/Not a sealed value/);
    expect(() => keyIdOf('v1..a.b.c')).toThrow(/Not a sealed value/);
  });

  it('refuses to seal what has no JSON form', () => {
    expect(() => seal(after, undefined, 'row')).toThrow(/no JSON form/);
  });

  it('still opens values sealed under the old key after a rotation, and seals new ones under the new key', () => {
    const old = seal(before, { phone: '13812345678' }, 'person-1');
    expect(keyIdOf(old)).toBe(oldKey.id);
    expect(open(after, old, 'person-1')).toEqual({ phone: '13812345678' });
    expect(keyIdOf(seal(after, 'x', 'row'))).toBe(newKey.id);
  });
});

describe('blind indexes', () => {
  it('are equal for the same phone under the same key, and differ between phones', () => {
    expect(currentBlindIndex(after, 'phone', '13812345678')).toBe(currentBlindIndex(after, 'phone', '13812345678'));
    expect(currentBlindIndex(after, 'phone', '13812345678')).not.toBe(currentBlindIndex(after, 'phone', '13812345679'));
  });

  it('differ between keys and between kinds, and are neither the value nor its plain hash', () => {
    const phone = '13812345678';
    const index = currentBlindIndex(after, 'phone', phone);
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(index).not.toBe(currentBlindIndex(before, 'phone', phone));
    expect(index).not.toBe(currentBlindIndex(after, 'email', phone));
    expect(index).not.toBe(createHash('sha256').update(phone).digest('hex'));
  });

  it('give the current key first, then the old one, so rows indexed before a rotation are still found', () => {
    const phone = '13812345678';
    const storedBefore = currentBlindIndex(before, 'phone', phone);
    const lookups = blindIndex(after, 'phone', phone);
    expect(lookups).toEqual([currentBlindIndex(after, 'phone', phone), storedBefore]);
  });
});

describe('normalisePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['(138) 1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+86-13812345678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['（0731）8888－8888', '073188888888'],
    ['0731-8888 8888', '073188888888'],
    ['86123', '86123'],
    ['+8612345678901', '+8612345678901'],
    ['', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it('gives the same blind index for the same mobile written in different ways', () => {
    const index = (phone: string) => currentBlindIndex(after, 'phone', normalisePhone(phone));
    expect(index('+86 138-1234-5678')).toBe(index('13812345678'));
  });
});
