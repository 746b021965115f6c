import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHINA_2026 } from './cn-2026.ts';
import { type CalendarDay, checkCalendarDays, WorkingCalendar } from './working-calendar.ts';

// Expectations worked out by hand: Asia/Shanghai, default periods 09:00–12:00 and 13:00–18:00.
const calendar = new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: CHINA_2026 });
const day = calendar.minutesPerWorkingDay;
const at = (iso: string) => new Date(iso);
const add = (start: string, minutes: number) => calendar.addWorkingMinutes(at(start), minutes);
const between = (from: string, to: string) => calendar.workingMinutesBetween(at(from), at(to));

describe('WorkingCalendar with the 2026 China holidays', () => {
  it('has 8 working hours a day and data for 2026 only', () => {
    expect(day).toBe(480);
    expect(calendar.years).toEqual([2026]);
  });

  it('5 working days from Fri 13 Feb 10:00 counts the Saturday 调休 and skips the Spring Festival', () => {
    // Feb 13: 7 h; Sat Feb 14: 8 (15); Feb 15–23 off; Feb 24, 25, 26: 8 each (39); Fri Feb 27: 1 h.
    expect(add('2026-02-13T10:00+08:00', 5 * day)).toEqual(at('2026-02-27T10:00+08:00'));
  });

  it('counts hours on an adjusted working Sunday', () => {
    expect(add('2026-09-20T15:00+08:00', 120)).toEqual(at('2026-09-20T17:00+08:00'));
  });

  it('5 working days from Wed 30 Sep 16:00 skip National Day and count Sat 10 Oct', () => {
    // Sep 30: 2 h; Oct 1–7 off; Oct 8, 9, Sat 10: 8 each (26); Sun 11 off; Mon 12: 8 (34); Tue 13: 6 h.
    expect(add('2026-09-30T16:00+08:00', 5 * day)).toEqual(at('2026-10-13T16:00+08:00'));
  });

  it('starts counting at the next working moment when started on a holiday', () => {
    expect(add('2026-10-03T11:00+08:00', 120)).toEqual(at('2026-10-08T11:00+08:00'));
  });

  it('ends at the end of a period, not the next morning, when the time runs out there', () => {
    expect(add('2026-02-13T17:00+08:00', 60)).toEqual(at('2026-02-13T18:00+08:00'));
    expect(add('2026-02-13T17:00+08:00', 61)).toEqual(at('2026-02-14T09:01+08:00'));
  });

  it('skips the lunch break', () => {
    expect(add('2026-03-10T12:30+08:00', 30)).toEqual(at('2026-03-10T13:30+08:00'));
    expect(add('2026-03-10T11:30+08:00', 60)).toEqual(at('2026-03-10T13:30+08:00'));
  });

  it('returns the start unchanged for 0 minutes, even outside working hours', () => {
    expect(add('2026-10-03T11:00+08:00', 0)).toEqual(at('2026-10-03T11:00+08:00'));
  });

  it('counts only Sat 14 Feb between the evening of Feb 13 and the morning after the Spring Festival', () => {
    expect(between('2026-02-13T18:00+08:00', '2026-02-24T09:00+08:00')).toBe(480);
    expect(between('2026-02-24T09:00+08:00', '2026-02-13T18:00+08:00')).toBe(0);
  });

  it('follows the Monday–Friday rule in 2025, which has no data, and the 2026 New Year arrangement', () => {
    expect(calendar.isWorkingDay('2025-12-31')).toBe(true);
    expect(calendar.isWorkingDay('2025-12-27')).toBe(false); // a Saturday
    for (const date of ['2026-01-01', '2026-01-02', '2026-01-03']) expect(calendar.isWorkingDay(date)).toBe(false);
    expect(calendar.isWorkingDay('2026-01-04')).toBe(true); // Sunday, 调休
    expect(calendar.isWorkingDay('2026-01-05')).toBe(true);
    // Wed Dec 31 17:00: 1 h that day; Jan 1–3 off; Sun Jan 4 from 09:00.
    expect(add('2025-12-31T17:00+08:00', 120)).toEqual(at('2026-01-04T10:00+08:00'));
    expect(add('2025-12-31T09:00+08:00', day)).toEqual(at('2025-12-31T18:00+08:00'));
    expect(between('2025-12-31T09:00+08:00', '2026-01-05T09:00+08:00')).toBe(2 * day);
  });

  it('accepts instants with seconds, counting fractional minutes', () => {
    expect(between('2026-03-10T11:59:30+08:00', '2026-03-10T13:00:15+08:00')).toBe(0.75);
    expect(add('2026-03-10T11:59:30+08:00', 1)).toEqual(at('2026-03-10T13:00:30+08:00'));
  });

  it('rejects bad arguments', () => {
    expect(() => calendar.addWorkingMinutes(at('2026-03-10T09:00+08:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingMinutes(new Date(Number.NaN), 1)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
  });
});

describe('WorkingCalendar options', () => {
  it('uses custom periods', () => {
    const short = new WorkingCalendar({
      timeZone: 'Asia/Shanghai',
      days: [],
      periods: [{ start: '08:30', end: '17:00' }],
    });
    expect(short.minutesPerWorkingDay).toBe(510);
    expect(short.years).toEqual([]);
    expect(short.addWorkingMinutes(at('2026-03-10T16:00+08:00'), 90)).toEqual(at('2026-03-11T09:00+08:00'));
  });

  it('rejects bad periods, time zones and days', () => {
    const make =
      (periods: { start: string; end: string }[], timeZone = 'Asia/Shanghai', days: CalendarDay[] = []) =>
      () =>
        new WorkingCalendar({ timeZone, days, periods });
    expect(make([])).toThrow('At least one working period');
    expect(make([{ start: '9:00', end: '12:00' }])).toThrow('HH:MM');
    expect(make([{ start: '09:00', end: '24:01' }])).toThrow('HH:MM');
    expect(make([{ start: '12:00', end: '09:00' }])).toThrow('must start before it ends');
    expect(
      make([
        { start: '13:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
      ]),
    ).toThrow('overlaps');
    expect(make([{ start: '09:00', end: '12:00' }], 'Mars/Olympus')).toThrow(RangeError);
    const weekdayWork: CalendarDay = { date: '2026-03-10', kind: 'workday', nameZh: '上班', nameEn: 'Work' };
    expect(make([{ start: '09:00', end: '12:00' }], 'Asia/Shanghai', [weekdayWork])).toThrow('Saturday or Sunday');
  });

  it('finds local days and periods in other time zones, across daylight-saving changes', () => {
    const berlin = new WorkingCalendar({ timeZone: 'Europe/Berlin', days: [] });
    // Clocks go forward on Sun 29 March 2026.
    expect(berlin.addWorkingMinutes(at('2026-03-27T17:00+01:00'), 120)).toEqual(at('2026-03-30T10:00+02:00'));
    const newYork = new WorkingCalendar({ timeZone: 'America/New_York', days: [] });
    // Clocks go forward on Sun 8 March 2026; 19:00 on Friday there is already Saturday in UTC.
    expect(newYork.addWorkingMinutes(at('2026-03-06T17:00-05:00'), 120)).toEqual(at('2026-03-09T10:00-04:00'));
    expect(newYork.addWorkingMinutes(at('2026-03-06T19:00-05:00'), 120)).toEqual(at('2026-03-09T11:00-04:00'));
    expect(newYork.workingMinutesBetween(at('2026-03-06T00:00-05:00'), at('2026-03-10T00:00-04:00'))).toBe(960);
  });

  it('counts elapsed time in a period that a daylight-saving change falls in', () => {
    // Working Sundays in Berlin, 01:00–05:00 local, on the days the clocks change at 02:00 / 03:00.
    const night = new WorkingCalendar({
      timeZone: 'Europe/Berlin',
      periods: [{ start: '01:00', end: '05:00' }],
      days: ['2026-03-29', '2026-10-25'].map((date) => ({ date, kind: 'workday', nameZh: '上班', nameEn: 'Work' })),
    });
    // Spring: 02:00 becomes 03:00, so the period is 3 h.
    expect(night.workingMinutesBetween(at('2026-03-29T00:00+01:00'), at('2026-03-29T12:00+02:00'))).toBe(180);
    expect(night.addWorkingMinutes(at('2026-03-29T00:00+01:00'), 180)).toEqual(at('2026-03-29T05:00+02:00'));
    // Autumn: 03:00 becomes 02:00 again, so the period is 5 h.
    expect(night.workingMinutesBetween(at('2026-10-25T00:00+02:00'), at('2026-10-25T12:00+01:00'))).toBe(300);
    expect(night.addWorkingMinutes(at('2026-10-25T00:00+02:00'), 300)).toEqual(at('2026-10-25T05:00+01:00'));
    // A period starting in the skipped hour starts when the clock jumps past it.
    const skipped = new WorkingCalendar({
      timeZone: 'Europe/Berlin',
      periods: [{ start: '02:30', end: '04:00' }],
      days: [{ date: '2026-03-29', kind: 'workday', nameZh: '上班', nameEn: 'Work' }],
    });
    expect(skipped.addWorkingMinutes(at('2026-03-29T00:00+01:00'), 1)).toEqual(at('2026-03-29T03:01+02:00'));
  });
});

describe('checkCalendarDays', () => {
  const good = {
    date: '2026-02-14',
    kind: 'workday',
    nameZh: '春节调休上班',
    nameEn: 'Spring Festival adjusted working day',
  };

  it('accepts the 2026 China data, and cn-2026.json holds the same', () => {
    expect(checkCalendarDays(CHINA_2026)).toEqual({ days: CHINA_2026, problems: [] });
    const json: unknown = JSON.parse(readFileSync(new URL('./cn-2026.json', import.meta.url), 'utf8'));
    expect(json).toEqual(CHINA_2026);
    expect(checkCalendarDays(json).problems).toEqual([]);
  });

  it('lists the six adjusted working days and all 33 days off', () => {
    const dates = (kind: string) => CHINA_2026.filter((d) => d.kind === kind).map((d) => d.date);
    expect(dates('workday')).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(dates('holiday')).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
  });

  it('rejects what is not an array', () => {
    expect(checkCalendarDays({ days: [] })).toEqual({
      days: [],
      problems: ['Calendar days must be an array of { date, kind, nameZh, nameEn } objects.'],
    });
  });

  it('names each bad entry and keeps the good ones', () => {
    const result = checkCalendarDays([
      good,
      { ...good, date: '2026-02-30' },
      { ...good, date: '2026-02-28', kind: 'vacation' },
      { ...good, date: '2026-02-14' },
      { ...good, date: '2026-03-11' },
      { ...good, date: '2026-02-21', kind: 'holiday', nameEn: '' },
      'not an object',
      { ...good, date: '2026-02-28', extra: 'ignored' },
    ]);
    expect(result.problems).toEqual([
      'Entry 1 (2026-02-30): date "2026-02-30" is not a real date in YYYY-MM-DD form.',
      `Entry 2 (2026-02-28): kind "vacation" is neither 'holiday' nor 'workday'.`,
      'Entry 3 (2026-02-14): the date is already listed in entry 0.',
      `Entry 4 (2026-03-11): it is a Wednesday, already a working day; an adjusted 'workday' must be a Saturday or Sunday.`,
      'Entry 5 (2026-02-21): nameEn must be a non-empty string.',
      'Entry 6 is not an object.',
      'Entry 7 (2026-02-28): the date is already listed in entry 2.',
    ]);
    expect(result.days).toEqual([good]);
  });
});
