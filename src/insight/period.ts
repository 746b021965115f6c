import { defineError } from '../lib/app-error.ts';
import { startOfLocalDate } from '../lib/local-date.ts';
import type { Period } from './insight.ts';

export const badInsightPeriod = defineError(
  'INSIGHT_ERR_BAD_PERIOD',
  400,
  (from: string, to: string, maxDays: number) => ({
    message: `The period must not end before it starts and may be at most ${maxDays} days (from ${from}, to ${to})`,
    details: { from, to, maxDays },
  }),
);

// Mining and judging read every case of the period on each request: a year is what a page is for (and
// takes seconds on a big city); longer studies run `civicgrid hot-issues`, which has no limit.
const MAX_DAYS = 366;

const DEFAULT_DAYS = 90;
const DAY_MS = 86_400_000;

/** The days from `from` to `to`, both included, in the city's time; by default the last 90 days. */
export function periodOfDays(
  input: { from?: string; to?: string },
  now: Date,
  timeZone: string,
  maxDays = MAX_DAYS,
): Period & { fromDay: string; toDay: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
  const toDay = input.to ?? today;
  const fromDay =
    input.from ??
    new Date(startOfLocalDate(toDay, 'UTC').getTime() - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const dayAfter = new Date(startOfLocalDate(toDay, 'UTC').getTime() + DAY_MS).toISOString().slice(0, 10);
  const days = (startOfLocalDate(dayAfter, 'UTC').getTime() - startOfLocalDate(fromDay, 'UTC').getTime()) / DAY_MS;
  if (days < 1 || days > maxDays) throw badInsightPeriod(fromDay, toDay, maxDays);
  return { from: startOfLocalDate(fromDay, timeZone), to: startOfLocalDate(dayAfter, timeZone), fromDay, toDay };
}
