import { instantOfWallTime } from '../lib/local-date.ts';
import type { ColumnType } from './hub.tables.ts';
import type { CellValue } from './readers.ts';

/**
 * Excel writes a character it cannot keep in XML as `_xHHHH_` (a carriage return is `_x000D_`), and
 * `_x005F_` escapes a literal underscore before such a sequence. Files saved from Excel as CSV keep the
 * escapes, so every text read is decoded.
 */
export function decodeExcelEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A cell as trimmed text (null when empty), with Excel's escapes decoded. */
export function textOf(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const decoded = decodeExcelEscapes(text).trim();
  return decoded === '' ? null : decoded;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
// Serials from 1 (1900-01-01) to 2958465 (9999-12-31); below 61 Excel's phantom 29 February 1900 shifts a day.
const EXCEL_SERIALS = [61, 2_958_465] as const;

function wall(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.floor(second), (second % 1) * 1000));
  return at.getUTCDate() === day ? at : undefined; // 31 April and the like
}

/**
 * An instant from the ways files write one: ISO 8601 with an offset or Z; ISO, `YYYY/M/D H:MM[:SS]`,
 * `YYYY年M月D日`, US `MM/DD/YYYY hh:mm:ss AM` and Excel serial numbers in the given time zone (the city's,
 * or the source's); a spreadsheet's date cell (its wall-clock time, in that zone).
 */
export function parseInstant(value: CellValue | undefined, timeZone: string): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : instantOfWallTime(value, timeZone);
  if (typeof value === 'number') {
    if (value < EXCEL_SERIALS[0] || value > EXCEL_SERIALS[1]) return undefined;
    return instantOfWallTime(new Date(Math.round(EXCEL_EPOCH_MS + value * DAY_MS)), timeZone);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(text);
  if (m) {
    const local = wall(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
    if (!local) return undefined;
    const zone = m[7]!.toUpperCase();
    if (zone === 'Z') return local;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    return new Date(local.getTime() - offset * 60_000);
  }
  m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2})[:时](\d{2})(?:[:分](\d{2}(?:\.\d+)?))?秒?)?$/.exec(
    text,
  );
  if (m) {
    const local = wall(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    return local && instantOfWallTime(local, timeZone);
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(text);
  if (m) {
    let hour = +(m[4] ?? 0);
    const half = m[7]?.toUpperCase();
    if (half && (hour < 1 || hour > 12)) return undefined;
    if (half === 'PM' && hour < 12) hour += 12;
    if (half === 'AM' && hour === 12) hour = 0;
    const local = wall(+m[3]!, +m[1]!, +m[2]!, hour, +(m[5] ?? 0), +(m[6] ?? 0));
    return local && instantOfWallTime(local, timeZone);
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) return parseInstant(Number(text), timeZone);
  return undefined;
}

export function parseNumber(value: CellValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/,(?=\d{3}\b)/g, ''); // 1,234,567
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', '是', '有']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', '否', '无']);

export type Typed = { ok: true; value: string | number | boolean | null } | { ok: false; reason: string };

/**
 * A cell as a column's type wants it, or why it cannot be: the reason goes into the rejected-rows file.
 * Dates and timestamps come back as ISO text (a date as YYYY-MM-DD in the zone), ready for PostgreSQL.
 */
export function typedValue(value: CellValue | undefined, type: ColumnType, timeZone: string): Typed {
  const text = textOf(value);
  if (text === null) return { ok: true, value: null };
  switch (type) {
    case 'text':
      return { ok: true, value: text };
    case 'integer': {
      const n = parseNumber(typeof value === 'number' ? value : text);
      return n !== undefined && Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER
        ? { ok: true, value: n }
        : { ok: false, reason: 'not a whole number' };
    }
    case 'number': {
      const n = parseNumber(typeof value === 'number' ? value : text);
      return n === undefined ? { ok: false, reason: 'not a number' } : { ok: true, value: n };
    }
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, reason: 'not yes or no' };
    }
    case 'timestamp':
    case 'date': {
      const at = parseInstant(value instanceof Date || typeof value === 'number' ? value : text, timeZone);
      if (!at) return { ok: false, reason: 'not a date or time in a known format' };
      if (type === 'timestamp') return { ok: true, value: at.toISOString() };
      return { ok: true, value: new Intl.DateTimeFormat('en-CA', { timeZone }).format(at) };
    }
    case 'geometry':
      return typeof value === 'object' && value !== null && 'type' in value
        ? { ok: true, value: JSON.stringify(value) }
        : { ok: false, reason: 'not a GeoJSON geometry' };
  }
}
