import { describe, expect, it } from 'vitest';
import { localDateTime, startOfLocalDate } from './local-date.ts';

describe('local date-times', () => {
  it('should write an instant in the city’s zone with its offset', () => {
    expect(localDateTime(new Date('2026-11-20T02:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-20T10:00:00+08:00');
    expect(startOfLocalDate('2026-11-20', 'Asia/Shanghai').toISOString()).toBe('2026-11-19T16:00:00.000Z');
  });

  it('should follow a zone’s clock change to the second, the remembered offsets notwithstanding', () => {
    // New York springs forward at 07:00 UTC on 8 March 2026; the offset before it was read first.
    expect(localDateTime(new Date('2026-03-08T06:59:59Z'), 'America/New_York')).toBe('2026-03-08T01:59:59-05:00');
    expect(localDateTime(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
    expect(localDateTime(new Date('2026-03-08T06:59:59Z'), 'America/New_York')).toBe('2026-03-08T01:59:59-05:00');
    expect(localDateTime(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T17:30:00+05:30');
  });
});
