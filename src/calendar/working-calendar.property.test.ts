/**
 * Properties of working-time arithmetic over random instants from December 2025 to January 2027 (so
 * across the 2026 data and the years without it), with the 2026 China holidays in Asia/Shanghai, and a
 * check against the plainest possible reference: walking minute by minute.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHINA_2026 } from './cn-2026.ts';
import { WorkingCalendar } from './working-calendar.ts';

const calendar = new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: CHINA_2026 });
const add = (t: number, minutes: number) => calendar.addWorkingMinutes(new Date(t), minutes).getTime();
const between = (from: number, to: number) => calendar.workingMinutesBetween(new Date(from), new Date(to));

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const FIRST = Date.parse('2025-12-01T00:00+08:00');
const LAST = Date.parse('2027-01-31T23:59+08:00');
const runs = { numRuns: 300 };

const wholeMinute = fc.integer({ min: FIRST / MINUTE, max: LAST / MINUTE }).map((m) => m * MINUTE);
/** Whole minutes, the usual case, and any millisecond. */
const instant = fc.oneof(wholeMinute, fc.integer({ min: FIRST, max: LAST }));
const limit = fc.integer({ min: 0, max: 30 * calendar.minutesPerWorkingDay });
/** The arguments in ascending order, as a tuple of the same length. */
const ascending = <T extends number[]>(...xs: T): T => xs.sort((a, b) => a - b);

/** The reference: is the minute starting at `t` (Shanghai is UTC+8 all year) working time? */
const kinds = new Map(CHINA_2026.map((d) => [d.date, d.kind]));
function isWorkingMinute(t: number): boolean {
  const local = new Date(t + 8 * 60 * MINUTE);
  const kind = kinds.get(local.toISOString().slice(0, 10));
  const workingDay = kind === undefined ? local.getUTCDay() % 6 !== 0 : kind === 'workday';
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return workingDay && ((minute >= 540 && minute < 720) || (minute >= 780 && minute < 1080));
}

describe('working-time arithmetic (properties)', () => {
  it('adding more time never gives an earlier deadline', () => {
    fc.assert(
      fc.property(instant, limit, limit, (t, a, b) => {
        const [m1, m2] = ascending(a, b);
        expect(add(t, m1)).toBeLessThanOrEqual(add(t, m2));
      }),
      runs,
    );
  });

  it('starting later never gives an earlier deadline', () => {
    fc.assert(
      fc.property(instant, instant, limit, (a, b, m) => {
        const [t1, t2] = ascending(a, b);
        expect(add(t1, m)).toBeLessThanOrEqual(add(t2, m));
      }),
      runs,
    );
  });

  it('counts back exactly the working time added', () => {
    fc.assert(
      fc.property(instant, limit, (t, m) => {
        expect(between(t, add(t, m))).toBe(m);
      }),
      runs,
    );
  });

  it('pausing never shortens a deadline, and resuming at once keeps it', () => {
    const pause = fc.record({
      t: instant,
      m: limit,
      pauseAt: fc.double({ min: 0, max: 1, noNaN: true }),
      pausedFor: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 * DAY })),
    });
    fc.assert(
      fc.property(pause, ({ t, m, pauseAt, pausedFor }) => {
        const due = add(t, m);
        const p = t + Math.floor(pauseAt * (due - t));
        const left = between(p, due);
        expect(add(p, left)).toBe(due);
        expect(add(p + pausedFor, left)).toBeGreaterThanOrEqual(due);
      }),
      runs,
    );
  });

  it('counts a stretch as the sum of its parts, to the millisecond', () => {
    // Compared in milliseconds: with seconds in the instants the minutes are fractional, and adding
    // fractions in floating point may round differently than the sum counted at once.
    const betweenMs = (from: number, to: number) => Math.round(between(from, to) * MINUTE);
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = ascending(x, y, z);
        expect(betweenMs(a, c)).toBe(betweenMs(a, b) + betweenMs(b, c));
      }),
      runs,
    );
  });

  it('agrees with walking minute by minute', () => {
    const span = fc.record({
      t: wholeMinute,
      m: fc.integer({ min: 1, max: 3 * 480 }),
      length: fc.integer({ min: -60, max: 12 * 24 * 60 }),
    });
    fc.assert(
      fc.property(span, ({ t, m, length }) => {
        let counted = 0;
        for (let i = 0; i < Math.max(0, length); i++) if (isWorkingMinute(t + i * MINUTE)) counted++;
        expect(between(t, t + length * MINUTE)).toBe(counted);

        let due = t;
        for (let left = m; left > 0; due += MINUTE) if (isWorkingMinute(due)) left--;
        expect(add(t, m)).toBe(due);
      }),
      { numRuns: 200 },
    );
  });
});
