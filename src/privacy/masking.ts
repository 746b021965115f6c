/**
 * Display masks for personal data: what a user who may see that a value exists, but not the value itself,
 * is shown. Each keeps just enough to tell values apart on a screen or a call (the last digits of a phone,
 * a surname, a district) and never the whole value. Every mask returns null for null or blank input.
 */
import { normalisePhone } from './sealing.ts';

/** The two-character surnames common enough that keeping one character would split a surname. */
export const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '夏侯',
  '长孙',
  '宇文',
  '司徒',
  '端木',
]);
const HAN_NAME = /^[\p{Script=Han}·・•]+$/u;
const MOBILE = /^1[3-9]\d{9}$/;
/** Area code (3 digits for 010 and 02x, else 4) and a 7–8 digit local number. */
const LANDLINE = /^0[1-9]\d{8,10}$/;
const THREE_DIGIT_AREA = /^0(?:10|2\d)/;
/** The first administrative or street marker: what comes before it names an area, not a home. */
const ADDRESS_AREA = /区|县|市|街道|镇|路|街/;
const PLATE_SEPARATORS = /[\s·・•.．\-－]/g;

/** `13812345678` → `138****5678`; a landline keeps its area code and last 4 digits: `0731-****8888`. */
export function maskPhone(value: string | null | undefined): string | null {
  const text = present(value);
  if (text === null) return null;
  // Dots too: 138.1234.5678 is written as often as with dashes.
  const digits = normalisePhone(text.replace(/\./g, ''));
  if (MOBILE.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (LANDLINE.test(digits)) {
    const area = THREE_DIGIT_AREA.test(digits) ? 3 : 4;
    return `${digits.slice(0, area)}-${keepLast(digits.slice(area), 4)}`;
  }
  return keepLast(digits, digits.length >= 7 ? 4 : digits.length >= 5 ? 2 : 0);
}

/** `430102199003071234` → `4301**********1234`; 8 characters or fewer are masked entirely. */
export function maskIdNumber(value: string | null | undefined): string | null {
  const text = present(value);
  if (text === null) return null;
  const chars = Array.from(text);
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${'*'.repeat(chars.length - 8)}${chars.slice(-4).join('')}`;
}

/**
 * Surname only: `张三丰` → `张**`, `欧阳娜娜` → `欧阳**`; a Latin name keeps its last word (the family
 * name) and the initials of the others: `John Ronald Smith` → `J. R. Smith`.
 */
export function maskName(value: string | null | undefined): string | null {
  const text = present(value);
  if (text === null) return null;
  const compact = text.replace(/\s+/g, '');
  if (HAN_NAME.test(compact)) {
    const chars = Array.from(compact);
    const surname = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
    return `${chars.slice(0, surname).join('')}${'*'.repeat(chars.length - surname)}`;
  }
  const words = text.split(/\s+/);
  const family = words.pop();
  return [...words.map((word) => `${Array.from(word)[0]}.`), family].join(' ');
}

/**
 * Keeps the address up to its first 区/县/市/街道/镇/路/街 within 12 characters (`芙蓉区五一大道1号` →
 * `芙蓉区***`), else its first 3 characters (never all of a shorter address).
 */
export function maskAddress(value: string | null | undefined): string | null {
  const text = present(value);
  if (text === null) return null;
  const chars = Array.from(text);
  const head = chars.slice(0, 12).join('');
  const area = ADDRESS_AREA.exec(head);
  if (area) return `${head.slice(0, area.index + area[0].length)}***`;
  return `${chars.slice(0, Math.min(3, chars.length - 1)).join('')}***`;
}

/** `zhang.san@example.com` → `z***@example.com`: the domain stays, it rarely identifies anyone. */
export function maskEmail(value: string | null | undefined): string | null {
  const text = present(value);
  if (text === null) return null;
  const at = text.lastIndexOf('@');
  const local = at < 0 ? text : text.slice(0, at);
  const domain = at < 0 ? '' : text.slice(at);
  return `${Array.from(local)[0] ?? ''}***${domain}`;
}

/**
 * `湘A12345` → `湘A***45` (province and issuing letter, last 2 characters); the separators people write
 * (湘A·12345, 湘 A-12345) are dropped.
 */
export function maskPlate(value: string | null | undefined): string | null {
  const text = present(value?.replace(PLATE_SEPARATORS, ''));
  if (text === null) return null;
  const chars = Array.from(text);
  if (chars.length < 5) return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}

function present(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}

function keepLast(text: string, visible: number): string {
  return `${'*'.repeat(text.length - visible)}${text.slice(text.length - visible)}`;
}
