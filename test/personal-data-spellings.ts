/**
 * How people spell the personal data they write into a report: phone numbers, landlines, ID numbers and
 * plates with any separators between any groups of digits, full-width digits, Chinese numerals and
 * mixtures, inside Chinese prose. Shared by the property test of the detector
 * (src/privacy/detection.property.test.ts) and the response scan (test/security/response-scan.test.ts).
 * Written out here rather than taken from detection.ts, so the tests do not trust what they check.
 */
import fc from 'fast-check';

const NUMERALS = ['〇零○', '一幺壹', '二两贰', '三叁', '四肆', '五伍', '六陆', '七柒', '八捌', '九玖'];
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Between the groups of one number: spaces, dashes, slashes and the rest, alone or with spaces around. */
const SEPARATORS = [
  ' ',
  '\u3000',
  '\u00a0',
  '-',
  '–',
  '—',
  '―',
  '－',
  '_',
  '/',
  '\\',
  '·',
  '~',
  '～',
  '(',
  ')',
  '（',
  '）',
  ' - ',
  ' — ',
  '——',
  ' / ',
  ' ~ ',
  '  ',
];
/**
 * List separators join only groups of 3 digits or more (138，1234，5678): between shorter ones they list
 * numbers (公交19、812、501), which detection.ts leaves alone by design.
 */
const LIST_SEPARATORS = ['，', ',', '、', '， ', '。', '；', ';', '：', ':', '｜', '|', '"', "'", '！', '？', '#'];
/** Dots are decimal points unless every separator of the number is one (138.1234.5678). */
const DOTS = ['.', '．'];

/** Chinese text without digits or numerals, ending and starting every way, punctuation and spaces too. */
const PROSE = [
  '楼上住户王某电话',
  '深夜噪音',
  '请联系',
  '车牌',
  '身份证号',
  '座机：',
  '我的手机是',
  '，',
  '。',
  '：',
  '、',
  '（',
  '）',
  ' ',
  '\u3000',
  '“',
  '”',
  '！',
  '谢谢',
  '占道停车',
  '.',
  '物业不管',
  '小区门口',
];
/** Numbers in ordinary prose, wrapped in characters that are no part of a number. */
const PROSE_WITH_NUMBERS = [
  '住3号楼2单元的',
  '于2019年12月3日',
  '共100元的',
  '在三八妇女节那天',
  '他一五一十地说',
  '第1/2/3期的',
];

export interface Spelled {
  kind: string;
  /** The value as written into the text. */
  spelled: string;
  /** The characters its mask is meant to keep visible, in order. */
  kept: string;
  /** A country code written before it (0086, +86): no personal data, so it may stay or go with the mask. */
  country?: string;
  /** All its characters, as the test's normal form reads them. */
  whole: string;
}

/** The most digits a value has: an ID number. */
const LONGEST = 18;
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
const style = fc.constantFrom('arabic', 'full-width', 'numerals', 'mixed');

/** Each digit in the style: ASCII, full-width, a Chinese numeral, or any of those digit by digit. */
function spellDigits(text: string, how: string, picks: number[]): string {
  return [...text]
    .map((d, i) => {
      const pick = picks[i % picks.length]!;
      const chosen = how === 'mixed' ? ['arabic', 'full-width', 'numerals'][pick % 3]! : how;
      if (d === 'X' || chosen === 'arabic') return d;
      if (chosen === 'full-width') return String.fromCharCode(d.charCodeAt(0) + 0xfee0);
      const options = NUMERALS[Number(d)]!;
      return options[pick % options.length]!;
    })
    .join('');
}

/** Cuts a digit string into 1–5 digit groups and joins them with separators the way a person might. */
const grouped = (value: string) =>
  fc
    .record({
      // As many as the longest value has digits, whatever this one has, so shrinking keeps them in step.
      cuts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: LONGEST, maxLength: LONGEST }),
      joins: fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: LONGEST, maxLength: LONGEST }),
      dotted: fc.boolean(),
      how: style,
      picks: fc.array(fc.integer({ min: 0, max: 11 }), { minLength: LONGEST, maxLength: LONGEST }),
    })
    .map(({ cuts, joins, dotted, how, picks }) => {
      const groups: string[] = [];
      for (let at = 0, i = 0; at < value.length; i++) {
        groups.push(value.slice(at, at + cuts[i]!));
        at += cuts[i]!;
      }
      const everyDot = dotted && groups.length >= 3;
      return groups
        .map((group, i) => {
          const spelled = spellDigits(group, how, [...picks.slice(i), ...picks.slice(0, i)]);
          if (i === 0) return spelled;
          const pick = joins[i]!;
          const long = group.length >= 3 && groups[i - 1]!.length >= 3;
          const join = everyDot
            ? DOTS[pick % DOTS.length]!
            : long && pick % 4 === 0
              ? LIST_SEPARATORS[pick % LIST_SEPARATORS.length]!
              : pick % 5 === 0
                ? ''
                : SEPARATORS[pick % SEPARATORS.length]!;
          return join + spelled;
        })
        .join('');
    });

export const mobile: fc.Arbitrary<Spelled> = fc
  .tuple(fc.integer({ min: 3, max: 9 }), digits(9), fc.constantFrom('', '+86 ', '+86', '86-', '0086 ', '+86-'))
  .chain(([second, rest, country]) => {
    const number = `1${second}${rest}`;
    return grouped(number).map((spelled) => ({
      kind: 'mobile',
      spelled: country + spelled,
      kept: number.slice(0, 3) + number.slice(7),
      country: readable(country),
      whole: number,
    }));
  });

const areaCode = fc.oneof(
  fc.constant('010'),
  digit.map((d) => `02${d}`),
  fc.tuple(fc.integer({ min: 3, max: 9 }), digits(2)).map(([a, b]) => `0${a}${b}`),
);
export const landline: fc.Arbitrary<Spelled> = fc
  .tuple(areaCode, fc.integer({ min: 1, max: 9 }), digits(7), fc.boolean(), fc.constantFrom('plain', '()', '+86'))
  .chain(([area, first, rest, seven, how]) => {
    // 7-digit local numbers only after a 4-digit area code, as the numbering plan has it.
    const local = `${first}${seven && area.length === 4 ? rest.slice(1) : rest}`;
    const kept = area + local.slice(-4);
    const whole = area + local;
    if (how === '()') {
      return fc
        .tuple(grouped(local), fc.constantFrom('', ' '), fc.constantFrom(['(', ')'], ['（', '）']))
        .map(([spelled, space, [open, close]]) => ({
          kind: 'landline',
          spelled: `${open}${area}${close}${space}${spelled}`,
          kept,
          whole,
        }));
    }
    if (how === '+86') {
      return grouped(whole.slice(1)).map((spelled) => ({
        kind: 'landline',
        spelled: `+86 ${spelled}`,
        kept,
        country: '86',
        whole,
      }));
    }
    return grouped(whole).map((spelled) => ({ kind: 'landline', spelled, kept, whole }));
  });

export const idNumber: fc.Arbitrary<Spelled> = fc
  .tuple(
    fc.integer({ min: 110000, max: 659999 }),
    fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
    digits(3),
    fc.boolean(),
  )
  .chain(([region, born, sequence, lowerX]) => {
    const id = withCheckDigit(`${region}${born.toISOString().slice(0, 10).replaceAll('-', '')}${sequence}`);
    // The check character X is written right after the last digit, as on the card.
    const x = id.endsWith('X') ? (lowerX ? 'x' : 'X') : '';
    return grouped(x ? id.slice(0, 17) : id).map((spelled) => ({
      kind: 'id_number',
      spelled: spelled + x,
      kept: id.slice(0, 4) + id.slice(-4),
      whole: id,
    }));
  });

const plateSeparator = fc.constantFrom('', '', ' ', '\u3000', '·', '-', '.');
const plateCharacter = fc.constantFrom(...`${PLATE_LETTERS}0123456789`);
export const plate: fc.Arbitrary<Spelled> = fc
  .tuple(
    fc.constantFrom(...PROVINCES),
    plateSeparator,
    fc.constantFrom(...PLATE_LETTERS),
    plateSeparator,
    fc.array(plateCharacter, { minLength: 4, maxLength: 5 }),
    digit,
    fc.boolean(),
    fc.boolean(),
  )
  .map(([province, afterProvince, letter, afterLetter, characters, oneDigit, fullWidth, lower]) => {
    // At least one digit, as every plate has.
    const rest = [...characters, oneDigit].join('');
    const issued = lower ? letter.toLowerCase() : letter;
    const wide = (text: string) =>
      fullWidth ? [...text].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('') : text;
    return {
      kind: 'plate',
      spelled: `${province}${afterProvince}${wide(issued)}${afterLetter}${wide(rest)}`,
      kept: issued + rest.slice(-2),
      whole: issued + rest,
    };
  });

/** Chinese text before and after, possibly with numbers of its own that must stay as they are. */
export const prose = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PROSE) }, fc.constantFrom(...PROSE_WITH_NUMBERS)), {
    maxLength: 4,
  })
  .map((pieces) => pieces.join(''));

/** The test's normal form: full-width as ASCII, Chinese numerals as digits, only letters and digits kept. */
export function readable(text: string): string {
  const numeral = new Map(NUMERALS.flatMap((options, d) => [...options].map((c) => [c, String(d)] as const)));
  return [...text.normalize('NFKC')]
    .map((c) => numeral.get(c) ?? c)
    .join('')
    .replace(/[^0-9A-Za-z]/g, '');
}

/** An 18-character ID number: the 17 digits given and their GB 11643 check character. */
export function withCheckDigit(digits17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits17].reduce((total, d, i) => total + Number(d) * weights[i]!, 0);
  return digits17 + '10X98765432'[sum % 11];
}

/**
 * Spellings that got past the detector before the security review, each with the mask it must get: pinned
 * in src/privacy/detection.test.ts and counted by bench/masking.ts.
 */
export const REVIEW_SPELLINGS: Array<[string, string]> = [
  ['138 - 1234 - 5678', '138****5678'],
  ['138/1234/5678', '138****5678'],
  ['138_1234_5678', '138****5678'],
  ['138—1234—5678', '138****5678'],
  ['138——1234——5678', '138****5678'],
  ['138~1234~5678', '138****5678'],
  ['138，1234，5678', '138****5678'],
  ['138。1234。5678', '138****5678'],
  ['138|1234|5678', '138****5678'],
  ['138：1234：5678', '138****5678'],
  ['138；1234；5678', '138****5678'],
  ['138、1234、5678', '138****5678'],
  ['138\\1234\\5678', '138****5678'],
  ['138·1234·5678', '138****5678'],
  ['138\u30001234\u00a05678', '138****5678'],
  ['138(1234)5678', '138****5678'],
  ['138一1234一5678', '138****5678'],
  ['一三八一二三四五六七八', '138****5678'],
  ['幺三八幺二三四五六七八', '138****5678'],
  ['一三八〇〇〇〇零零零零', '138****0000'],
  ['壹叁捌壹贰叁肆伍陆柒捌', '138****5678'],
  ['１３８～1234　５６７８', '138****5678'],
  ['１３８／1234 — ５６７８', '138****5678'],
  ['138一二三四5678', '138****5678'],
  ['073188888888', '0731-****8888'],
  ['0731 8888 8888', '0731-****8888'],
  ['(0731)8888-8888', '0731-****8888'],
  ['（0731）8888－8888', '0731-****8888'],
  ['86-731-88888888', '0731-****8888'],
  ['+86 731 8888 8888', '0731-****8888'],
  ['零七三一八八八八八八八八', '0731-****8888'],
  ['430102/19900307/1234', '4301**********1234'],
  ['430102 1990 0307 1234', '4301**********1234'],
  ['四三〇一〇二一九九〇〇三〇七一二三四', '4301**********1234'],
  ['湘 A12345', '湘A***45'],
  ['湘A·12345', '湘A***45'],
  ['湘A-12345', '湘A***45'],
  ['湘A.12345', '湘A***45'],
  ['楼上住户王某电话138—1234—5678深夜噪音', '楼上住户王某电话138****5678深夜噪音'],
];

/** Ordinary text with numbers in it, from the TipDM messages and everyday writing: nothing may be masked. */
export const ORDINARY_TEXTS: string[] = [
  '2019年12月3日',
  '2020/1/4 11:17:46',
  '100-200元',
  '第1/2/3期',
  '3号楼2单元1101室',
  'G4京港澳高速',
  '5G基站',
  '罚款¥1,380.50元',
  '2026年的1101室',
  '案件2026-000123',
  '订单号201912031234',
  '一三五',
  '三八妇女节',
  '十一',
  '一二三期',
  '一五一十',
  '合计0.13812345678万元',
  // Lists, dates and times from the TipDM messages that the first version of the digit groups masked.
  '公交线路有124、159、167、55、63、68、802、147、226、262、26、38、138、2、146等',
  '途径此路段的公交有19、812、501、213、139、602、701等',
  '不要在休息时间（13.00——14.00,22.40——7.00）施工',
  '7/24，7/28，7/297/30，8/2，8/16，8/20，8/21，8/22，8/31，9/1，9/2均出现停水状况',
  '第13、14、15、16、17、8栋',
  '投诉到总部400-889-3333',
  '2026年',
  '1101室',
  '公交有19、812、501、213、139、602、701等',
  '休息时间（13.00——14.00,22.40——7.00）',
];
