import { defineError } from '../lib/app-error.ts';

export const badPeriod = defineError('EVALUATION_ERR_BAD_PERIOD', 400, (why: string) => ({
  message: `The period is not valid: ${why}`,
}));

/** The UTC offset of a time zone at an instant, in minutes (+480 for Asia/Shanghai). */
function offsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant a local date begins in a time zone. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  const guess = new Date(utcMidnight.getTime() - offsetMinutes(timeZone, utcMidnight) * 60_000);
  // Once more from the guess, in case the offset differs there (a clock change near midnight).
  return new Date(utcMidnight.getTime() - offsetMinutes(timeZone, guess) * 60_000);
}

export interface Period {
  from: Date;
  to: Date;
  label: string;
}

/** A calendar month "YYYY-MM", or local dates from (inclusive) to (exclusive), in the city's time zone. */
export function periodOf(input: { month?: string; from?: string; to?: string }, timeZone: string): Period {
  if (input.month) {
    const [year, month] = input.month.split('-').map(Number) as [number, number];
    const yyyy = (y: number) => String(y).padStart(4, '0');
    const next = month === 12 ? `${yyyy(year + 1)}-01` : `${yyyy(year)}-${String(month + 1).padStart(2, '0')}`;
    return {
      from: startOfLocalDate(`${input.month}-01`, timeZone),
      to: startOfLocalDate(`${next}-01`, timeZone),
      label: input.month,
    };
  }
  if (!input.from || !input.to) throw badPeriod('give month=YYYY-MM, or both from and to (YYYY-MM-DD)');
  if (input.from >= input.to) throw badPeriod('from must be before to');
  return {
    from: startOfLocalDate(input.from, timeZone),
    to: startOfLocalDate(input.to, timeZone),
    label: `${input.from}..${input.to}`,
  };
}
