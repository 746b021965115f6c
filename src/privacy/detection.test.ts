import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDINARY_TEXTS, REVIEW_SPELLINGS } from '../../test/personal-data-spellings.ts';
import { findPersonalData, maskPersonalData } from './detection.ts';

/** An 18-digit ID number: the 17 digits given and their GB 11643 check character, worked out here. */
function withCheckDigit(digits17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits17].reduce((total, digit, i) => total + Number(digit) * (weights[i] ?? 0), 0);
  return digits17 + '10X98765432'[sum % 11];
}

/** The same number with its check character wrong. */
function withWrongCheckDigit(digits17: string): string {
  const right = withCheckDigit(digits17).slice(-1);
  return digits17 + (right === '0' ? '1' : '0');
}

const id = withCheckDigit('43010219900307123');
const kinds = (text: string) => findPersonalData(text).map((f) => [f.kind, f.value]);

describe('findPersonalData', () => {
  it('finds the mobile number and the plate in a complaint about parking', () => {
    const text = '我的电话13812345678，车牌湘A12345的车一直占道';
    expect(findPersonalData(text)).toEqual([
      { kind: 'mobile', value: '13812345678', start: 4, end: 15 },
      { kind: 'plate', value: '湘A12345', start: 18, end: 25 },
    ]);
  });

  it('finds mobiles written with dashes, spaces, +86 and full-width digits', () => {
    expect(kinds('手机 138-1234-5678 或 +86 139 8765 4321，也可以打１３７１２３４５６７８')).toEqual([
      ['mobile', '138-1234-5678'],
      ['mobile', '+86 139 8765 4321'],
      ['mobile', '１３７１２３４５６７８'],
    ]);
  });

  it('finds landlines with an area code and a dash or parentheses', () => {
    expect(kinds('座机0731-8888 8888，北京办事处010-12345678，总机(0731)84567890')).toEqual([
      ['landline', '0731-8888 8888'],
      ['landline', '010-12345678'],
      ['landline', '(0731)84567890'],
    ]);
  });

  it('finds an ID number whose check digit is right, including an X', () => {
    const withX = ['11010519491231002', '44030019800101001', '32010619751015002']
      .map(withCheckDigit)
      .find((n) => n.endsWith('X'));
    expect(withX).toBeDefined();
    expect(kinds(`身份证号${id}，家属身份证${withX?.toLowerCase()}。`)).toEqual([
      ['id_number', id],
      ['id_number', withX?.toLowerCase()],
    ]);
  });

  it('does not find an 18-digit number whose check digit is wrong, nor a mobile inside it', () => {
    expect(findPersonalData(`身份证号${withWrongCheckDigit('43010219900307123')}`)).toEqual([]);
  });

  it('does not find an ID number with an impossible birth date, even with a right check digit', () => {
    expect(findPersonalData(`证件${withCheckDigit('43010219900231123')}`)).toEqual([]);
    expect(findPersonalData(`证件${withCheckDigit('43010218900307123')}`)).toEqual([]);
  });

  it('does not find phone or ID numbers inside order numbers and other long digit runs', () => {
    expect(findPersonalData('订单号202611240000138123456789已退款')).toEqual([]);
    expect(findPersonalData(`流水号9${id}`)).toEqual([]);
    expect(findPersonalData('工单1381234567890')).toEqual([]);
  });

  it('does not find anything in dates, times, amounts and case numbers', () => {
    const text =
      '2026-11-24 13:45在芙蓉区，罚款200元，金额13812.50元，合计0.13812345678万元，案件2026-000138，2026年11月24日处理';
    expect(findPersonalData(text)).toEqual([]);
  });

  it('finds normal and new-energy plates, with a dot or a space, but not 新 before an English word', () => {
    expect(kinds('京A·12345撞了粤BD12345，沪C 8K9Q2停在最新ABCDEF款车旁，湘a12345')).toEqual([
      ['plate', '京A·12345'],
      ['plate', '粤BD12345'],
      ['plate', '沪C 8K9Q2'],
      ['plate', '湘a12345'],
    ]);
    expect(findPersonalData('湘I12345')).toEqual([]);
  });

  it('finds email addresses, and a mobile used as one is part of the address', () => {
    expect(kinds('邮箱zhang.san@example.com。或13812345678@163.com，谢谢')).toEqual([
      ['email', 'zhang.san@example.com'],
      ['email', '13812345678@163.com'],
    ]);
  });

  it('finds nothing in a text without personal data', () => {
    expect(findPersonalData('')).toEqual([]);
    expect(findPersonalData('五一大道与解放西路交叉口路灯不亮已三天，影响夜间出行。')).toEqual([]);
  });
});

describe('findPersonalData: numbers written the way people write them', () => {
  it.each([
    ['电话8613812345678', '138****5678'],
    ['1381 234 5678 找我', '138****5678'],
    ['138.1234.5678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
  ])('masks the mobile in %j', (text, masked) => {
    expect(maskPersonalData(text).masked).toContain(masked);
    expect(findPersonalData(maskPersonalData(text).masked)).toEqual([]);
  });

  it('leaves no number behind when an email begins inside a run of digits (found by the property test)', () => {
    const masked = maskPersonalData('１３８130 0000 0000a@13000000000.com').masked;
    expect(findPersonalData(masked).filter((f) => f.kind === 'mobile' || f.kind === 'id_number')).toEqual([]);
  });

  it('finds an ID number written in groups, and only with a real birth date and check digit', () => {
    const grouped = '430102 19900307 1234';
    const digits = grouped.replace(/ /g, '');
    const found = findPersonalData(`身份证 ${grouped}`);
    const valid = found.some((f) => f.kind === 'id_number');
    // Whether this made-up number is valid depends on its check digit: the finder agrees with the check.
    expect(valid).toBe(findPersonalData(digits).some((f) => f.kind === 'id_number'));
  });
});

describe('findPersonalData: spellings that got past the old patterns (security review)', () => {
  it.each(REVIEW_SPELLINGS)('masks %j as %j, and the mask is not found again', (text, masked) => {
    expect(maskPersonalData(text).masked).toBe(masked);
    expect(findPersonalData(masked)).toEqual([]);
  });

  it('keeps numbers apart where the text does: a name ending in a numeral, a list, a number before', () => {
    expect(maskPersonalData('李四13812345678').masked).toBe('李四138****5678');
    expect(maskPersonalData('13812345678、13912345678').masked).toBe('138****5678、139****5678');
    expect(maskPersonalData('房号1101，13812345678').masked).toBe('房号1101，138****5678');
    expect(maskPersonalData('分机0731-88888888-8001').masked).toBe('分机0731-****8888-8001');
  });

  it.each(ORDINARY_TEXTS)('finds nothing in the ordinary text %j', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });
});

describe('maskPersonalData', () => {
  it('replaces each finding with its display mask and reports what it found', () => {
    const text = `我的电话13812345678，车牌湘A12345的车一直占道，身份证${id}，邮箱zhang.san@example.com，座机0731-8888 8888`;
    const { masked, found } = maskPersonalData(text);
    expect(masked).toBe(
      '我的电话138****5678，车牌湘A***45的车一直占道，身份证4301**********1234，邮箱z***@example.com，座机0731-****8888',
    );
    expect(found.map((f) => f.kind)).toEqual(['mobile', 'plate', 'id_number', 'email', 'landline']);
  });

  it('masks a phone number that is the domain of an email address, which the email mask would keep', () => {
    expect(maskPersonalData('回复到a@138-1234-5678.com').masked).toBe('回复到a***@138****5678.com');
  });

  it('leaves a text without personal data as it was', () => {
    expect(maskPersonalData('订单号202611240000138123456789已退款')).toEqual({
      masked: '订单号202611240000138123456789已退款',
      found: [],
    });
  });
});

describe('detection (properties)', () => {
  const digits = (n: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const mobile = fc
    .tuple(
      fc.integer({ min: 3, max: 9 }),
      digits(9),
      fc.constantFrom('', ' ', '-'),
      fc.constantFrom('', '+86 ', '0086'),
    )
    .map(
      ([second, rest, sep, prefix]) =>
        `${prefix}1${second}${rest.slice(0, 1)}${sep}${rest.slice(1, 5)}${sep}${rest.slice(5)}`,
    );
  const idNumber = fc
    .tuple(
      fc.integer({ min: 110000, max: 659999 }),
      fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
      digits(3),
    )
    .map(([region, born, sequence]) =>
      withCheckDigit(`${region}${born.toISOString().slice(0, 10).replaceAll('-', '')}${sequence}`),
    );
  const piece = fc.oneof(
    mobile,
    idNumber,
    idNumber.map((n) => withWrongCheckDigit(n.slice(0, 17))),
    digits(1),
    fc.integer({ min: 1, max: 30 }).chain(digits),
    fc.emailAddress(),
    // An address whose domain is a phone number: the email's mask keeps its domain.
    mobile.map((m) => `a@${m}.com`),
    fc.constantFrom('湘A12345', '粤BD12345', '0731-8888 8888', '(010)12345678', '2026-11-24', '13:45', '¥1,380.50'),
    fc.constantFrom('我的电话', '，', '。', ' ', '-', '.', '+', 'x', '@', '身份证号', '车牌', '订单号', '１３８'),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

  it('findings are sorted, do not overlap and are the text at their offsets', () => {
    fc.assert(
      fc.property(text, (t) => {
        const found = findPersonalData(t);
        for (const [i, f] of found.entries()) {
          expect(t.slice(f.start, f.end)).toBe(f.value);
          if (i > 0) expect(f.start).toBeGreaterThanOrEqual(found[i - 1]?.end ?? 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('after masking, no mobile and no ID number can be found', () => {
    fc.assert(
      fc.property(text, (t) => {
        const left = findPersonalData(maskPersonalData(t).masked).filter(
          (f) => f.kind === 'mobile' || f.kind === 'id_number',
        );
        expect(left).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('every generated mobile and valid ID number standing alone is found', () => {
    fc.assert(
      fc.property(fc.oneof(mobile, idNumber), (value) => {
        expect(findPersonalData(`联系：${value}。`)).toEqual([expect.objectContaining({ value, start: 3 })]);
      }),
      { numRuns: 300 },
    );
  });
});
