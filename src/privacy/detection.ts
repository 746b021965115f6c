/**
 * Finds personal data that citizens write into free text (case titles and descriptions, mostly Chinese):
 * phone numbers, resident ID numbers, vehicle plates, email addresses and people's names (person-names.ts),
 * so it can be masked before the text is shown or published.
 *
 * People write a number every way, and some write it so that a filter misses it: `138—1234—5678`,
 * `138，1234，5678`, `１３８ 1234 5678`, `一三八幺二三四五六七八`, `430102/19900307/1234`. So numbers are not
 * patterns of the raw text: the text is read as groups of digits (Arabic, full-width or Chinese numerals)
 * joined by whatever people put between digits, and a number is a sequence of whole groups whose digits
 * make a mobile, a landline or a valid ID number. A finding is the original span, separators included,
 * and its mask is made from its digits, so no part of it is left in clear.
 *
 * The rules prefer missing an odd spelling to masking order numbers, dates and amounts:
 * - a number is made of whole groups, so digits inside a longer run (an order number) are never one;
 * - a mobile has 11 digits starting 1[3-9]; a landline an area code of the numbering plan (010, 02x, 0xxx)
 *   and a local number of 8 digits (7 after a 4-digit area code); an ID number a real birth date and the
 *   GB 11643 check digit. Dates, years, money, room and case numbers do not have those shapes;
 * - lists (147、226、262) and decimals (0.13812345678, 14.00,22.40) are not split numbers (numbersIn);
 * - Chinese numerals count only as digits of such a number, and prose rarely strings 11 of them together
 *   (三八妇女节, 一五一十 and 一二三期 stay as they are);
 * - a 12-digit run starting with an area code, such as 073188888888, is taken for a landline even without a
 *   separator: order numbers rarely start with 0, and masking one is the cheaper mistake.
 * bench/masking.ts measures the false masks on real citizen messages.
 *
 * Written by hand: no npm library detects Chinese personal data (Chinese numerals, full-width forms, the
 * Chinese numbering plan, ID check digits) well enough.
 */
import { maskEmail, maskIdNumber, maskName, maskPhone, maskPlate } from './masking.ts';
import { findPersonNames } from './person-names.ts';

export type PersonalDataKind = 'mobile' | 'landline' | 'id_number' | 'plate' | 'email' | 'person_name';

/** One piece of personal data in a text; `start`/`end` are string (UTF-16) offsets, `end` exclusive. */
export interface Found {
  kind: PersonalDataKind;
  value: string;
  start: number;
  end: number;
}

/** A finding and the plain form its mask is made from (digits only, for numbers written any way). */
interface Finding extends Found {
  plain: string;
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Plate letters: A–Z without I and O, which plates do not use (they look like 1 and 0). */
const PLATE_LETTER = 'A-HJ-NP-Za-hj-np-z';
/** What people put after the province and after the issuing letter: 湘 A12345, 湘A·12345, 湘A-12345. */
const PLATE_SEPARATOR = String.raw`[\s·・•.\-]`;
const PLATE = new RegExp(
  // 5 characters after the issuing letter, 6 for new-energy plates; at least one digit, so that 新
  // followed by an English word is not a plate.
  `[${PROVINCES}]${PLATE_SEPARATOR}?[${PLATE_LETTER}]${PLATE_SEPARATOR}?(?=[${PLATE_LETTER}]{0,5}\\d)[${PLATE_LETTER}0-9]{5,6}(?![A-Za-z0-9])`,
  'g',
);
const PLATE_SEPARATORS = new RegExp(PLATE_SEPARATOR, 'g');
const EMAIL = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])/g;

/**
 * Chinese numerals as people spell a number digit by digit: 一三八…, 幺 for 1 and 两 for 2 as read aloud,
 * 〇/○/零 for 0, and the formal 壹贰叁… of cheques. Not 十, 百 and the like: they are not digits.
 */
const NUMERALS: Readonly<Record<string, string>> = {
  〇: '0',
  '○': '0',
  零: '0',
  一: '1',
  幺: '1',
  壹: '1',
  二: '2',
  两: '2',
  贰: '2',
  貳: '2',
  三: '3',
  叁: '3',
  參: '3',
  四: '4',
  肆: '4',
  五: '5',
  伍: '5',
  六: '6',
  陆: '6',
  陸: '6',
  七: '7',
  柒: '7',
  八: '8',
  捌: '8',
  九: '9',
  玖: '9',
};
const DIGIT = new RegExp(`[0-9${Object.keys(NUMERALS).join('')}]`, 'g');
/**
 * What people put between the digits of one number (after full-width forms are made half-width): any
 * space (U+3000 and NBSP too), dashes and lines of every width, _ / \ . · ~ , 、 and brackets, and the
 * punctuation that also lists or divides numbers (。 ; : | ' " ! ? #). Not * or x, which masks and amounts
 * use, nor + = of sums.
 */
const SEPARATOR = /[\s\-‐‑‒–—―−ー─━﹘﹣_/\\.·・•~〜,、()。;:|'"!?#]/;
/**
 * Separators that list or divide numbers as well as split them (the scan form's ',' ';' ':' '|' are the
 * full-width '，' '；' '：' '｜' too): between groups of fewer than 3 digits they do not join (12:30, 3:1,
 * 公交19、812).
 */
const LIST_SEPARATOR = /[,、。;:|'"!?#]/;
/** The fewest digits between two list separators, or after one, that a number can have. */
const MIN_LISTED_DIGITS = 3;
/** More separators than this in a row end a number: `138 —— 1234` still joins, a ruled line does not. */
const MAX_JOIN = 6;
/** The shortest number looked for: an 11-digit mobile or landline. */
const MIN_DIGITS = 11;
/** The longest number looked for: an 18-character ID number (a 0086 mobile has 15 digits). */
const MAX_DIGITS = 18;

/** With +86/0086/86, or a trunk 0 (013812345678) as some dial from a landline. */
const MOBILE = /^(?:0086|86|0)?(1[3-9]\d{9})$/;
/**
 * Area code 010 or 02x with an 8-digit local number, or 0xxx with 7 or 8 digits. A local number does not
 * start with 0 (the plan starts them with 2–8, but 010-12345678 is written too). After 0086/86 the 0 of
 * the area code may be left out (+86 731 8888 8888).
 */
const LANDLINE = /^(?:0|(?:00)?860?)((?:10|2\d)[1-9]\d{7}|[3-9]\d\d[1-9]\d{6,7})$/;
const ID_NUMBER = /^[1-9]\d{16}[\dX]$/;
const COUNTRY_CODE = /^(?:00)?86$/;

/** A run of digits in one script, and how it joins the group before it. */
interface Group {
  start: number;
  end: number;
  digits: string;
  /** The separators between it and the group before; '' where the script changes (李四13812345678). */
  join: string;
  /** Whether that join lists numbers (a comma or 、). */
  lists: boolean;
  /** Whether an X follows directly: the check character of an ID number. */
  checkX: boolean;
  /** A lone 一 between Arabic digits (138一1234一5678), which may be a dash typed as the numeral. */
  dash: boolean;
}

const MASKS: Record<PersonalDataKind, (value: string) => string | null> = {
  mobile: maskPhone,
  landline: maskPhone,
  id_number: maskIdNumber,
  plate: maskPlate,
  email: maskEmail,
  person_name: maskName,
};

/** GB 11643 weights of the first 17 digits, and the check character for each remainder mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/**
 * The personal data in a text, sorted by start and non-overlapping: where two findings overlap the longer
 * one wins (a mobile number inside an email address is part of the address).
 */
export function findPersonalData(text: string): Found[] {
  return findings(text).map(asFound);
}

/** Texts masked again for the public, by text: the same titles go out on every page of a public list. */
const publicMasks = new Map<string, string>();
const PUBLIC_MASKS_KEPT = 20_000;
/** Only short texts (titles) are remembered: 20,000 of them stay within a few megabytes. */
const PUBLIC_MASK_KEPT_CHARACTERS = 200;

/**
 * A stored (already masked) text masked again with today's detector before it goes to the public, so what
 * the detector learnt since covers older cases too. Short texts are remembered (the detector is the same
 * for the life of the process), the first remembered forgotten first.
 */
export function maskForPublic(text: string): string {
  if (text.length > PUBLIC_MASK_KEPT_CHARACTERS) return maskPersonalData(text).masked;
  const known = publicMasks.get(text);
  if (known !== undefined) return known;
  const { masked } = maskPersonalData(text);
  if (publicMasks.size >= PUBLIC_MASKS_KEPT) publicMasks.delete(publicMasks.keys().next().value as string);
  publicMasks.set(text, masked);
  return masked;
}

/** The text with each piece of personal data replaced by its display mask, and what was found. */
export function maskPersonalData(text: string): { masked: string; found: Found[] } {
  const first = maskOnce(text);
  // Overlapping findings keep the longer one, which can leave digits of the shorter next to its mask;
  // rarely those join into a new number (an email starting inside a run of digits). Masking what the
  // masked text still shows settles it; each pass only hides characters, so two more are plenty.
  let masked = first.masked;
  for (let pass = 0; pass < 2; pass++) {
    const again = maskOnce(masked);
    if (again.masked === masked) break;
    masked = again.masked;
  }
  return { masked, found: first.found };
}

function findings(text: string): Finding[] {
  // One character for one, so offsets in the scan form are offsets in the text.
  const scan = toHalfWidth(text);
  const candidates = digitRuns(scan).flatMap((run) => numbersIn(text, scan, run));
  for (const match of scan.matchAll(PLATE)) {
    const plain = match[0].replace(PLATE_SEPARATORS, '');
    candidates.push(finding(text, 'plate', match.index, match.index + match[0].length, plain));
  }
  for (const match of scan.matchAll(EMAIL)) {
    const end = match.index + match[0].length;
    candidates.push(finding(text, 'email', match.index, end, text.slice(match.index, end)));
  }
  for (const name of findPersonNames(text))
    candidates.push(finding(text, 'person_name', name.start, name.end, name.value));
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  // Longest first, each kept only where no kept one lies: marking the characters taken keeps this linear
  // in the text, however many candidates a long text has.
  const taken = new Uint8Array(text.length);
  const kept: Finding[] = [];
  for (const candidate of candidates) {
    if (taken.subarray(candidate.start, candidate.end).includes(1)) continue;
    taken.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function asFound({ kind, value, start, end }: Finding): Found {
  return { kind, value, start, end };
}

function finding(text: string, kind: PersonalDataKind, start: number, end: number, plain: string): Finding {
  return { kind, value: text.slice(start, end), start, end, plain };
}

/** The runs of digit groups in the scan form; a run ends at anything that is neither digit nor separator. */
function digitRuns(scan: string): Group[][] {
  const runs: Group[][] = [];
  for (let i = nextDigit(scan, 0); i >= 0; ) {
    const run: Group[] = [];
    for (let script = scriptAt(scan, i); script !== null; script = scriptAt(scan, i)) {
      const start = i;
      let digits = '';
      for (; scriptAt(scan, i) === script; i++) digits += NUMERALS[scan[i]!] ?? scan[i];
      const checkX = /[Xx]/.test(scan[i] ?? '') && !/[A-Za-z0-9]/.test(scan[i + 1] ?? '');
      const join = run.length ? scan.slice(run.at(-1)!.end, start) : '';
      const dash =
        scan[start] === '一' &&
        i - start === 1 &&
        scriptAt(scan, start - 1) === 'arabic' &&
        scriptAt(scan, i) === 'arabic';
      run.push({ start, end: i, digits, join, lists: LIST_SEPARATOR.test(join), checkX, dash });
      if (checkX) break;
      const end = i;
      while (i < scan.length && i - end < MAX_JOIN && SEPARATOR.test(scan[i]!)) i++;
    }
    runs.push(run);
    i = nextDigit(scan, i);
  }
  return runs;
}

/** Where the next digit or numeral is: most of a text is neither, and a regular expression skips it fastest. */
function nextDigit(scan: string, from: number): number {
  DIGIT.lastIndex = from;
  return DIGIT.exec(scan)?.index ?? -1;
}

/** Arabic digits (full-width ones are half-width by now) and Chinese numerals are told apart. */
function scriptAt(scan: string, i: number): 'arabic' | 'han' | null {
  const c = scan[i];
  if (c === undefined) return null;
  if (c >= '0' && c <= '9') return 'arabic';
  return NUMERALS[c] === undefined ? null : 'han';
}

/**
 * Each sequence of whole groups in a run that makes a mobile, a landline or a valid ID number. Lists
 * and decimals look like split numbers, so two more rules keep them out (the bus routes 147、226、262、26,
 * the dates 16，8/20，8/21 and the times 14.00,22.40——7.00 of the TipDM messages):
 * - between list separators (, ，、) a number has at least 3 digits: 138，1234，5678 is one, 19、812 not;
 * - dots split a number only where nothing else does (138.1234.5678); beside other separators they are
 *   decimal points.
 */
function numbersIn(text: string, scan: string, run: Group[]): Finding[] {
  const found: Finding[] = [];
  for (let i = 0; i < run.length; i++) {
    // After a decimal point is the fraction of a number.
    if (i > 0 && run[i]!.join === '.') continue;
    // Every numeral read as a digit, and a lone 一 between Arabic digits read as a dash.
    let digits = '';
    let dashed = '';
    // The digits since the last separator, and whether that one lists numbers.
    let piece = 0;
    let listed = false;
    let dots = false;
    let others = false;
    for (let j = i; j < run.length && digits.length + run[j]!.digits.length <= MAX_DIGITS; j++) {
      const group = run[j]!;
      if (j > i && group.join !== '') {
        if ((listed || group.lists) && piece < MIN_LISTED_DIGITS) break;
        listed = group.lists;
        piece = 0;
        // A country code or bracketed area code is set apart whatever splits the rest (+86 27.8765.4321,
        // (0731)8888.8888).
        const apart = j === i + 1 && (COUNTRY_CODE.test(run[i]!.digits) || group.join.includes(')'));
        if (group.join === '.') dots = true;
        else if (!apart) others = true;
        if (dots && others) break;
      }
      piece += group.digits.length;
      digits += group.digits;
      if (!group.dash) dashed += group.digits;
      // Before a decimal point is the integer part of a number; x.y is one number, not a phone.
      if (run[j + 1]?.join === '.' || (j === i + 1 && group.join === '.')) continue;
      if ((listed && piece < MIN_LISTED_DIGITS) || digits.length < MIN_DIGITS) continue;
      const number =
        numberOf(text, scan, run, i, j, digits) ?? (dashed === digits ? null : numberOf(text, scan, run, i, j, dashed));
      if (number) found.push(number);
    }
  }
  return found;
}

/** What the digits of groups i..j of a run make, if anything. */
function numberOf(text: string, scan: string, run: Group[], i: number, j: number, digits: string): Finding | null {
  const first = run[i]!;
  const last = run[j]!;
  // (0731)8888-8888: the opening bracket belongs to the number.
  const start =
    scan[first.start - 1] === '(' && j > i && run[i + 1]!.join.includes(')') ? first.start - 1 : first.start;
  const plus = scan[start - 1] === '+' && /^(?:00)?86/.test(digits);
  const mobile = MOBILE.exec(digits);
  if (mobile) return finding(text, 'mobile', plus ? start - 1 : start, last.end, mobile[1]!);
  const landline = LANDLINE.exec(digits);
  if (landline && digits.startsWith('0') && !digits.startsWith('00')) {
    return finding(text, 'landline', start, last.end, digits);
  }
  // 86 before an area code only when written as a country code (+86, or 86 on its own): 8673188888888 as
  // one run is more likely an order number.
  if (landline && (plus || COUNTRY_CODE.test(first.digits))) {
    return finding(text, 'landline', plus ? start - 1 : start, last.end, `0${landline[1]}`);
  }
  const id = digits.length === 17 && last.checkX ? `${digits}X` : digits;
  if (id.length === 18 && hasValidCheckDigit(id) && ID_NUMBER.test(id) && isBirthDate(id.slice(6, 14))) {
    return finding(text, 'id_number', start, last.end + id.length - digits.length, id);
  }
  return null;
}

function maskOnce(text: string): { masked: string; found: Found[] } {
  const found = findings(text);
  let masked = '';
  let from = 0;
  for (const finding of found) {
    masked += text.slice(from, finding.start) + maskOf(finding);
    from = finding.end;
  }
  return { masked: masked + text.slice(from), found: found.map(asFound) };
}

function maskOf({ kind, plain }: Finding): string {
  // A finding is never blank, so its mask is never null.
  const mask = MASKS[kind](plain)!;
  // An email's mask keeps its domain, which may be a phone number (a@13812345678.com). Masks are never
  // found again, so this goes one level deep.
  return kind === 'email' ? maskPersonalData(mask).masked : mask;
}

/** Whether the 17 digits of an ID number give its 18th under GB 11643 (ISO 7064 MOD 11-2). */
function hasValidCheckDigit(id: string): boolean {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  return CHECK_CHARACTERS[sum % 11] === id[17];
}

/** Whether YYYYMMDD can be a birth date in an ID number: 1900–2099, and a day the calendar has (not 19900231). */
function isBirthDate(yyyymmdd: string): boolean {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number);
  if (year! < 1900 || year! > 2099) return false;
  const date = new Date(Date.UTC(year!, month! - 1, day));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

/** Full-width digits, letters and signs (１３８…, from Chinese input methods) as ASCII, one for one. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
