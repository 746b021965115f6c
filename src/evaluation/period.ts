import { defineError } from '../lib/app-error.ts';
import { startOfLocalDate } from '../lib/local-date.ts';

export const badPeriod = defineError('EVALUATION_ERR_BAD_PERIOD', 400, (why: string) => ({
  message: `The period is not valid: ${why}`,
}));

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
