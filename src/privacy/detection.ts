/**
 * Finds personal data that citizens write into free text (case titles and descriptions, mostly Chinese):
 * phone numbers, resident ID numbers, vehicle plates and email addresses, so it can be masked before the
 * text is shown or published. The patterns prefer missing an odd format to masking order numbers, dates
 * and amounts: a digit run is only a phone or ID number when it stands on its own.
 */
import { maskEmail, maskIdNumber, maskPhone, maskPlate } from './masking.ts';

export type PersonalDataKind = 'mobile' | 'landline' | 'id_number' | 'plate' | 'email';

/** One piece of personal data in a text; `start`/`end` are string (UTF-16) offsets, `end` exclusive. */
export interface Found {
  kind: PersonalDataKind;
  value: string;
  start: number;
  end: number;
}

/** Not right after or before a digit, nor a decimal point and digit, so no part of a longer number. */
const ALONE_BEFORE = String.raw`(?<!\d)(?<!\d\.)`;
const ALONE_AFTER = String.raw`(?!\d)(?!\.\d)`;
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Plate letters: A–Z without I and O, which plates do not use (they look like 1 and 0). */
const PLATE_LETTER = 'A-HJ-NP-Za-hj-np-z';

const PATTERNS: ReadonlyArray<{ kind: PersonalDataKind; pattern: RegExp; valid?: (value: string) => boolean }> = [
  {
    kind: 'mobile',
    // With or without +86/86/0086, and a space, dot or dash anywhere between digits (138 1234 5678,
    // 1381-234-5678, 138.1234.5678): people write numbers every way.
    pattern: new RegExp(
      String.raw`${ALONE_BEFORE}(?:(?:\+?86|0086)[ .-]?)?1[ .-]?[3-9](?:[ .-]?\d){9}${ALONE_AFTER}`,
      'g',
    ),
  },
  {
    kind: 'landline',
    pattern: new RegExp(
      String.raw`${ALONE_BEFORE}(?:0[1-9]\d{1,2}-|[(（]0[1-9]\d{1,2}[)）] ?)\d{3,4}[ -]?\d{4}${ALONE_AFTER}`,
      'g',
    ),
  },
  {
    kind: 'id_number',
    pattern: new RegExp(String.raw`${ALONE_BEFORE}[1-9](?:[ -]?\d){16}[ -]?[\dXx]${ALONE_AFTER}`, 'g'),
    // Grouped or not (430102 19900307 1234); a real birth date and the GB 11643 check digit decide.
    valid: (value) => {
      const digits = value.replace(/[ -]/g, '');
      return /^(19|20)/.test(digits.slice(6, 8)) && isBirthDate(digits.slice(6, 14)) && hasValidCheckDigit(digits);
    },
  },
  {
    kind: 'plate',
    // 5 characters after the issuing letter, 6 for new-energy plates; at least one digit, so that
    // 新 followed by an English word is not a plate.
    pattern: new RegExp(
      `[${PROVINCES}][${PLATE_LETTER}][·・ ]?(?=[${PLATE_LETTER}]*\\d)[${PLATE_LETTER}0-9]{5,6}(?![A-Za-z0-9])`,
      'g',
    ),
  },
  {
    kind: 'email',
    pattern: /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])/g,
  },
];

const MASKS: Record<PersonalDataKind, (value: string) => string | null> = {
  mobile: maskPhone,
  landline: maskPhone,
  id_number: maskIdNumber,
  plate: maskPlate,
  email: maskEmail,
};

/** GB 11643 weights of the first 17 digits, and the check character for each remainder mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/**
 * The personal data in a text, sorted by start and non-overlapping: where two findings overlap the longer
 * one wins (a mobile number inside an email address is part of the address).
 */
export function findPersonalData(text: string): Found[] {
  // Full-width digits and letters (１３８…) are common from Chinese input methods; mapping them one for one
  // keeps the offsets.
  const scanned = toHalfWidth(text);
  const candidates = PATTERNS.flatMap(({ kind, pattern, valid }) =>
    [...scanned.matchAll(pattern)]
      .filter((match) => valid === undefined || valid(match[0]))
      .map((match) => ({
        kind,
        value: text.slice(match.index, match.index + match[0].length),
        start: match.index,
        end: match.index + match[0].length,
      })),
  );
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Found[] = [];
  for (const candidate of candidates) {
    if (kept.every((k) => candidate.end <= k.start || candidate.start >= k.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
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

function maskOnce(text: string): { masked: string; found: Found[] } {
  const found = findPersonalData(text);
  let masked = '';
  let from = 0;
  for (const finding of found) {
    masked += text.slice(from, finding.start) + maskOf(finding);
    from = finding.end;
  }
  return { masked: masked + text.slice(from), found };
}

function maskOf({ kind, value }: Found): string {
  // A finding is never blank, so its mask is never null.
  const mask = MASKS[kind](value)!;
  // An email's mask keeps its domain, which may be a phone number (a@13812345678.com). Masks are never
  // found again, so this goes one level deep.
  return kind === 'email' ? maskPersonalData(mask).masked : mask;
}

/** Whether the 17 digits of an ID number give its 18th under GB 11643 (ISO 7064 MOD 11-2). */
function hasValidCheckDigit(id: string): boolean {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  return CHECK_CHARACTERS[sum % 11] === id[17]?.toUpperCase();
}

/** Whether YYYYMMDD is a real day: the pattern lets 19900231 through, the calendar does not. */
function isBirthDate(yyyymmdd: string): boolean {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
