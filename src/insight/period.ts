import { defineError } from '../lib/app-error.ts';
import { startOfLocalDate } from '../lib/local-date.ts';
import type { Period } from './insight.ts';

export const badInsightPeriod = defineError('INSIGHT_ERR_BAD_PERIOD', 400, (from: string, to: string) => ({
  message: `The period must not end before it starts (from ${from}, to ${to})`,
  details: { from, to },
}));

const DEFAULT_DAYS = 90;
const DAY_MS = 86_400_000;

/** The days from `from` to `to`, both included, in the city's time; by default the last 90 days. */
export function periodOfDays(
  input: { from?: string; to?: string },
  now: Date,
  timeZone: string,
): Period & { fromDay: string; toDay: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
  const toDay = input.to ?? today;
  const fromDay =
    input.from ??
    new Date(startOfLocalDate(toDay, 'UTC').getTime() - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (fromDay > toDay) throw badInsightPeriod(fromDay, toDay);
  const dayAfter = new Date(startOfLocalDate(toDay, 'UTC').getTime() + DAY_MS).toISOString().slice(0, 10);
  return { from: startOfLocalDate(fromDay, timeZone), to: startOfLocalDate(dayAfter, timeZone), fromDay, toDay };
}
