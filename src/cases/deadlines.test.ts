import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHINA_2026, WorkingCalendar } from '../calendar/index.ts';
import { addTime, clockTimes, lightOf, resumedTimes, timeBetween, timeLimitsFor } from './deadlines.ts';

const calendar = new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: CHINA_2026 });
const cityTime = (local: string) => new Date(`${local}:00+08:00`);
const category = { response_limit_hours: 4, handling_limit_days: 5, verification_limit_hours: null };

describe('time limits', () => {
  it("should take the category's limits in working time, the city's defaults where it sets none", () => {
    expect(timeLimitsFor(category, 'normal', 480)).toEqual({
      measure: 'working',
      minutes: { response: 240, handling: 2400, verification: 480 },
    });
    expect(
      timeLimitsFor(
        { response_limit_hours: null, handling_limit_days: null, verification_limit_hours: null },
        'low',
        480,
      ),
    ).toEqual({ measure: 'working', minutes: { response: 120, handling: 2400, verification: 480 } });
  });

  it('should halve the time for high priority (an hour at least) and use the wall clock for urgent cases', () => {
    expect(timeLimitsFor({ ...category, response_limit_hours: 1 }, 'high', 480).minutes).toEqual({
      response: 60,
      handling: 1200,
      verification: 240,
    });
    expect(timeLimitsFor(category, 'urgent', 480)).toEqual({
      measure: 'wall',
      minutes: { response: 30, handling: 1440, verification: 120 },
    });
  });

  it('should run an urgent deadline through a holiday night, and a working one to the next working day', () => {
    const start = cityTime('2026-10-01T20:00'); // National Day, evening
    expect(addTime(calendar, 'wall', start, 30)).toEqual(cityTime('2026-10-01T20:30'));
    expect(addTime(calendar, 'working', start, 30)).toEqual(cityTime('2026-10-08T09:30'));
  });

  it('should warn at 80 % of the time allowed', () => {
    const { warnAt, dueAt } = clockTimes(calendar, 'working', cityTime('2026-11-16T09:00'), 2400);
    expect(warnAt).toEqual(cityTime('2026-11-19T18:00')); // 1920 working minutes: four full days
    expect(dueAt).toEqual(cityTime('2026-11-20T18:00'));
  });

  it('should show the traffic light of a deadline', () => {
    const clock = { warnAt: cityTime('2026-11-19T18:00'), dueAt: cityTime('2026-11-20T18:00'), pausedAt: null };
    expect(lightOf(clock, cityTime('2026-11-19T17:59'))).toBe('green');
    expect(lightOf(clock, cityTime('2026-11-19T18:00'))).toBe('yellow');
    expect(lightOf(clock, cityTime('2026-11-20T18:00'))).toBe('red');
    expect(lightOf({ ...clock, pausedAt: cityTime('2026-11-18T10:00') }, cityTime('2026-11-21T10:00'))).toBe('paused');
  });
});

describe('pausing a deadline', () => {
  const instant = fc
    .integer({ min: cityTime('2026-01-01T00:00').getTime(), max: cityTime('2026-12-01T00:00').getTime() })
    .map((ms) => new Date(Math.floor(ms / 60_000) * 60_000));

  it('should never shorten it, and give the same deadline for a pause of no time', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 20 * 480 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        fc.constantFrom('working' as const, 'wall' as const),
        (start, minutes, pauseShare, pauseMs, measure) => {
          const times = clockTimes(calendar, measure, start, minutes);
          const pausedAt = new Date(start.getTime() + pauseShare * (times.dueAt.getTime() - start.getTime()));
          const resumedAt = new Date(pausedAt.getTime() + pauseMs);
          const resumed = resumedTimes(calendar, measure, { ...times, pausedAt }, resumedAt);
          expect(resumed.dueAt.getTime()).toBeGreaterThanOrEqual(times.dueAt.getTime());
          expect(resumed.warnAt.getTime()).toBeLessThanOrEqual(resumed.dueAt.getTime());
          const noPause = resumedTimes(calendar, measure, { ...times, pausedAt }, pausedAt);
          expect(noPause.dueAt.getTime()).toBe(times.dueAt.getTime());
          // Paused before its deadline, it has as much time left after the pause as before it.
          if (pausedAt >= times.dueAt) return;
          const leftBefore = timeBetween(calendar, measure, pausedAt, times.dueAt);
          const leftAfter = timeBetween(calendar, measure, resumedAt, resumed.dueAt);
          expect(leftAfter).toBeCloseTo(leftBefore, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should leave an overdue deadline where it was', () => {
    const times = clockTimes(calendar, 'working', cityTime('2026-11-16T09:00'), 60);
    const pausedAt = cityTime('2026-11-16T15:00');
    expect(resumedTimes(calendar, 'working', { ...times, pausedAt }, cityTime('2026-11-20T09:00'))).toEqual(times);
  });
});
