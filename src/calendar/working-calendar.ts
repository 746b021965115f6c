/**
 * Working time for case deadlines (办理时限): working periods of the day on working days, in one time zone.
 *
 * - Working days are Monday to Friday, minus public holidays, plus adjusted working days (调休: a Saturday or
 *   Sunday declared a working day). A year without calendar data simply follows the Monday–Friday rule;
 *   `years` tells callers which years have data, so they can warn.
 * - A time limit of "N working days" is N × `minutesPerWorkingDay` working minutes: callers do that
 *   multiplication, so a case started at 10:00 with one working day is due at 10:00 the next working day.
 * - Deadlines are instants (Dates). Counting from outside working hours starts at the next working moment;
 *   a count that runs out exactly at the end of a period ends there (18:00), not the next morning.
 * - Arithmetic is in whole milliseconds, so any Date works, seconds included: minutes go in (rounded to
 *   the millisecond) and come out fractional only when the Dates are not on whole minutes. Integer
 *   milliseconds make `workingMinutesBetween(t, addWorkingMinutes(t, m)) === m` exact.
 * - Time zones: a working period lasts from the first moment the local clock reads its start to the first
 *   moment it reads its end, so a daylight-saving change inside a period shortens or lengthens it by the
 *   elapsed time, and both functions stay monotonic. Local times are resolved with Intl once per working
 *   day and cached, so the hot path is plain arithmetic over a few periods per day.
 */

export type CalendarDayKind = 'holiday' | 'workday';

/** A day that differs from the Monday–Friday rule: a public holiday, or an adjusted working day (调休). */
export interface CalendarDay {
  /** YYYY-MM-DD, a date in the calendar's time zone. */
  date: string;
  kind: CalendarDayKind;
  nameZh: string;
  nameEn: string;
}

/** A working period of the day, local time "HH:MM" ("24:00" allowed as an end); start < end, sorted, not overlapping. */
export interface WorkingPeriod {
  start: string;
  end: string;
}

/** 8 working hours a day, with a lunch break. */
export const DEFAULT_WORKING_PERIODS: WorkingPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A stretch of time, end excluded: instants in epoch milliseconds, or minutes after local midnight. */
interface Span {
  start: number;
  end: number;
}
const NO_SPANS: readonly Span[] = [];

export class WorkingCalendar {
  /** Nominal length of a working day (480 with the default periods); a daylight-saving day may differ. */
  readonly minutesPerWorkingDay: number;
  /** The calendar years the day list covers, ascending. */
  readonly years: number[];
  /** Local calendar days (days since 1970-01-01) that differ from the Monday–Friday rule. */
  private readonly exceptions = new Map<number, CalendarDayKind>();
  /** The working periods in minutes after local midnight. */
  private readonly periods: Span[];
  private readonly localClock: Intl.DateTimeFormat;
  /** Each local day's working periods as instants, filled in as days are first used. */
  private readonly spansByDay = new Map<number, readonly Span[]>();

  constructor(options: { timeZone: string; days: readonly CalendarDay[]; periods?: readonly WorkingPeriod[] }) {
    // Throws a RangeError for an unknown time zone.
    this.localClock = new Intl.DateTimeFormat('en-US', {
      timeZone: options.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const { problems } = checkCalendarDays(options.days);
    if (problems.length > 0) throw new RangeError(`Invalid calendar days: ${problems.join('; ')}`);
    for (const day of options.days) this.exceptions.set(dayNumber(day.date)!, day.kind);
    this.years = [...new Set(options.days.map((day) => Number(day.date.slice(0, 4))))].sort((a, b) => a - b);
    this.periods = parsePeriods(options.periods ?? DEFAULT_WORKING_PERIODS);
    this.minutesPerWorkingDay = this.periods.reduce((sum, p) => sum + p.end - p.start, 0);
  }

  /** Whether a local date (YYYY-MM-DD) is a working day. */
  isWorkingDay(localDate: string): boolean {
    const day = dayNumber(localDate);
    if (day === undefined) throw new RangeError(`Not a date in YYYY-MM-DD form: ${JSON.stringify(localDate)}`);
    return this.isWorkingDayNumber(day);
  }

  /**
   * The instant `minutes` working minutes after `start` (minutes >= 0, may be fractional; 0 returns start
   * unchanged, even outside working hours). Non-decreasing in both arguments.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    const from = instant(start);
    if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`Working minutes must be >= 0: ${minutes}`);
    let remaining = Math.round(minutes * MINUTE);
    if (remaining === 0) return new Date(from);
    // The periods are in time order day after day, so the first one ending after `from` is where counting starts.
    for (let day = firstDayAround(from); ; day++) {
      for (const span of this.spans(day)) {
        const begin = Math.max(span.start, from);
        const available = span.end - begin;
        if (available <= 0) continue;
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
      }
    }
  }

  /** Working minutes in [from, to); 0 if to <= from. Non-decreasing in `to`, non-increasing in `from`. */
  workingMinutesBetween(from: Date, to: Date): number {
    const start = instant(from);
    const end = instant(to);
    if (end <= start) return 0;
    let total = 0;
    for (let day = firstDayAround(start); ; day++) {
      for (const span of this.spans(day)) {
        if (span.start >= end) return total / MINUTE;
        total += Math.max(0, Math.min(span.end, end) - Math.max(span.start, start));
      }
    }
  }

  private isWorkingDayNumber(day: number): boolean {
    const kind = this.exceptions.get(day);
    if (kind !== undefined) return kind === 'workday';
    const weekday = weekdayOf(day);
    return weekday !== 0 && weekday !== 6;
  }

  private spans(day: number): readonly Span[] {
    let spans = this.spansByDay.get(day);
    if (spans === undefined) {
      spans = this.isWorkingDayNumber(day)
        ? this.periods.map((p) => ({
            start: this.whenClockReaches(day * DAY + p.start * MINUTE),
            end: this.whenClockReaches(day * DAY + p.end * MINUTE),
          }))
        : NO_SPANS;
      this.spansByDay.set(day, spans);
    }
    return spans;
  }

  /**
   * The first instant at which the local clock reads `wall` (a local date and time written as if it were
   * UTC, in epoch milliseconds) or later. That is the earlier of a repeated time when clocks go back,
   * and the moment of the jump for a time skipped when clocks go forward. Assumes at most one offset
   * change within a day either side, which holds for every IANA zone.
   */
  private whenClockReaches(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    if (before === after || this.offsetAt(wall - before) === before) return wall - before;
    if (this.offsetAt(wall - after) === after) return wall - after;
    // Skipped by a jump forward: find the jump, which lies in (wall - after, wall - before], to the second.
    let low = wall - after;
    let high = wall - before;
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / (2 * SECOND)) * SECOND;
      if (this.offsetAt(middle) === after) high = middle;
      else low = middle;
    }
    return high;
  }

  /** The time zone's offset from UTC at an instant, in milliseconds (Intl resolves to the second). */
  private offsetAt(time: number): number {
    const field: Record<string, number> = {};
    for (const part of this.localClock.formatToParts(time)) field[part.type] = Number(part.value);
    const wall = Date.UTC(field.year!, field.month! - 1, field.day!, field.hour!, field.minute!, field.second!);
    return wall - Math.floor(time / SECOND) * SECOND;
  }
}

/**
 * Validates untrusted calendar data (e.g. a JSON file an administrator loads): an array of objects with a
 * real YYYY-MM-DD date, a known kind, non-empty Chinese and English names, no date twice, and a 'workday'
 * only on a Saturday or Sunday (a 'holiday' may fall on any day). Returns the entries that passed, with
 * only the known fields, and the problems as readable English sentences (none means the data is valid).
 */
export function checkCalendarDays(days: unknown): { days: CalendarDay[]; problems: string[] } {
  if (!Array.isArray(days)) {
    return { days: [], problems: ['Calendar days must be an array of { date, kind, nameZh, nameEn } objects.'] };
  }
  const valid: CalendarDay[] = [];
  const problems: string[] = [];
  const firstIndexOfDate = new Map<string, number>();
  days.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`Entry ${index} is not an object.`);
      return;
    }
    const { date, kind, nameZh, nameEn } = entry as Record<string, unknown>;
    const where = `Entry ${index}${typeof date === 'string' ? ` (${date})` : ''}`;
    const own: string[] = [];
    const day = typeof date === 'string' ? dayNumber(date) : undefined;
    if (typeof date !== 'string' || day === undefined) {
      own.push(`date ${JSON.stringify(date)} is not a real date in YYYY-MM-DD form`);
    } else {
      const first = firstIndexOfDate.get(date);
      if (first !== undefined) own.push(`the date is already listed in entry ${first}`);
      else firstIndexOfDate.set(date, index);
    }
    if (kind !== 'holiday' && kind !== 'workday') {
      own.push(`kind ${JSON.stringify(kind)} is neither 'holiday' nor 'workday'`);
    } else if (kind === 'workday' && day !== undefined) {
      const weekday = weekdayOf(day);
      if (weekday !== 0 && weekday !== 6) {
        own.push(
          `it is a ${WEEKDAYS[weekday]}, already a working day; an adjusted 'workday' must be a Saturday or Sunday`,
        );
      }
    }
    if (typeof nameZh !== 'string' || nameZh.trim() === '') own.push('nameZh must be a non-empty string');
    if (typeof nameEn !== 'string' || nameEn.trim() === '') own.push('nameEn must be a non-empty string');
    if (own.length > 0) problems.push(`${where}: ${own.join('; ')}.`);
    else valid.push({ date, kind, nameZh, nameEn } as CalendarDay);
  });
  return { days: valid, problems };
}

/** Days since 1970-01-01 of a real YYYY-MM-DD date, else undefined. */
function dayNumber(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const parsed = new Date(time);
  // Date.UTC rolls 2026-02-30 over to March 2; a real date survives the round trip.
  if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    return undefined;
  }
  return time / DAY;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The local day of an instant is its UTC day or one either side (offsets stay within ±14 h); start a day early. */
function firstDayAround(time: number): number {
  return Math.floor(time / DAY) - 1;
}

function instant(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid Date');
  return time;
}

function parsePeriods(periods: readonly WorkingPeriod[]): Span[] {
  if (periods.length === 0) throw new RangeError('At least one working period is needed.');
  let previousEnd = 0;
  return periods.map(({ start, end }) => {
    const from = minuteOfDay(start);
    const to = minuteOfDay(end);
    if (from >= to) throw new RangeError(`Working period ${start}–${end} must start before it ends.`);
    if (from < previousEnd) throw new RangeError(`Working period ${start}–${end} overlaps or precedes the one before.`);
    previousEnd = to;
    return { start: from, end: to };
  });
}

function minuteOfDay(time: string): number {
  const match = /^(\d{2}):([0-5]\d)$/.exec(time);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
  if (minutes === undefined || minutes > 24 * 60) {
    throw new RangeError(`Not a time of day in HH:MM form (00:00–24:00): ${JSON.stringify(time)}`);
  }
  return minutes;
}
