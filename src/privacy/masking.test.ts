import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAddress, maskEmail, maskIdNumber, maskName, maskPhone, maskPlate } from './masking.ts';

const masks = { maskPhone, maskIdNumber, maskName, maskAddress, maskEmail, maskPlate };

describe.each(Object.entries(masks))('%s', (_, mask) => {
  it('returns null for null, undefined, empty and blank input', () => {
    expect(mask(null)).toBeNull();
    expect(mask(undefined)).toBeNull();
    expect(mask('')).toBeNull();
    expect(mask('  ')).toBeNull();
  });

  it('does not throw on short or odd input', () => {
    for (const odd of ['1', '12', '123', '1234', '*', '@', '·', '+86', 'a b', '张'])
      expect(() => mask(odd)).not.toThrow();
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (value) => void mask(value)));
  });
});

// Names keep the surname and addresses their area by design; these masks never keep a whole value.
describe.each(Object.entries({ maskPhone, maskIdNumber, maskEmail, maskPlate }))('%s', (_, mask) => {
  it('never shows a value of more than 3 characters whole', () => {
    fc.assert(
      // Without '*' in the input: a value already starred where the mask goes would come back the same.
      fc.property(
        fc.string({ minLength: 4, maxLength: 30 }).filter((v) => !v.includes('*')),
        (value) => {
          if (value.trim().length > 3) expect(mask(value)).not.toBe(value.trim());
        },
      ),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
    ['0731-88888888', '0731-****8888'],
    ['0731-8888 8888', '0731-****8888'],
    ['(0731) 8888888', '0731-***8888'],
    ['010-12345678', '010-****5678'],
    ['021-87654321', '021-****4321'],
    ['95588', '***88'],
    ['123', '***'],
    ['1', '*'],
  ])('masks %j as %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['430102199003071234', '4301**********1234'],
    ['43010219900307123X', '4301**********123X'],
    ['430102900307123', '4301*******7123'],
    ['12345678', '********'],
    ['12', '**'],
  ])('masks %j as %j', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });
});

describe('maskName', () => {
  it.each([
    ['张三丰', '张**'],
    ['李四', '李*'],
    ['张', '张'],
    ['欧阳娜娜', '欧阳**'],
    ['司马光', '司马*'],
    ['诸葛亮', '诸葛*'],
    ['欧阳', '欧*'],
    ['张 三', '张*'],
    ['𠮷永', '𠮷*'],
    ['阿依古丽·买买提', '阿*******'],
    ['John Smith', 'J. Smith'],
    ['John Ronald Reuel Tolkien', 'J. R. R. Tolkien'],
    ['  Jean-Luc   Picard ', 'J. Picard'],
    ['Madonna', 'Madonna'],
  ])('masks %j as %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('maskAddress', () => {
  it.each([
    ['芙蓉区五一大道100号2栋301', '芙蓉区***'],
    ['湖南省长沙市芙蓉区五一大道100号', '湖南省长沙市***'],
    ['长沙县星沙街道开元东路1号', '长沙县***'],
    ['火星街道花园小区3栋', '火星街道***'],
    ['五一大道100号', '五一大***'],
    ['解放西路188号', '解放西路***'],
    ['某某花园某某某某某某某某区7栋', '某某花***'],
    ['芙蓉小区7栋301', '芙蓉小区***'],
    ['芙蓉区', '芙蓉区***'],
    ['3栋', '3***'],
    ['x', '***'],
  ])('masks %j as %j', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });
});

describe('maskEmail', () => {
  it.each([
    ['zhang.san@example.com', 'z***@example.com'],
    ['a@qq.com', 'a***@qq.com'],
    ['@example.com', '***@example.com'],
    ['"a@b"@example.com', '"***@example.com'],
    ['not-an-email', 'n***'],
  ])('masks %j as %j', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe('maskPlate', () => {
  it.each([
    ['湘A12345', '湘A***45'],
    ['湘A·12345', '湘A***45'],
    ['京A 12345', '京A***45'],
    ['湘A-12345', '湘A***45'],
    ['湘 A.12345', '湘A***45'],
    ['粤BD12345', '粤B****45'],
    ['湘A1', '湘**'],
    ['湘', '湘'],
  ])('masks %j as %j', (plate, masked) => {
    expect(maskPlate(plate)).toBe(masked);
  });
});
