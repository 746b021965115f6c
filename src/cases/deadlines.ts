/**
 * Time limits and deadline arithmetic. A deadline is counted in working time on the city's calendar
 * (working hours of working days, holidays and 调休 included), except for urgent cases, which run on the
 * wall clock: an emergency does not wait for Monday.
 *
 * Pure: no I/O; the clock service (case-clocks.ts) stores what these compute.
 */
import type { WorkingCalendar } from '../calendar/index.ts';
import type { ClockKind, Priority } from './cases.tables.ts';

export type Measure = 'working' | 'wall';

export interface TimeLimits {
  measure: Measure;
  /** Minutes of the measure for each clock. */
  minutes: Record<ClockKind, number>;
}

/** What a leaf category says (null: the city's defaults below). */
export interface CategoryLimits {
  response_limit_hours: number | null;
  handling_limit_days: number | null;
  verification_limit_hours: number | null;
}

/** The city's defaults when a category sets no limit: accept within 2 working hours, handle within 5 working days, verify within 1 working day. */
export const DEFAULT_LIMITS = { responseHours: 2, handlingDays: 5, verificationHours: 8 };

/** Urgent cases (wall clock): accept within 30 minutes, handle within 24 hours, verify within 2 hours. */
export const URGENT_WALL_MINUTES: Record<ClockKind, number> = { response: 30, handling: 24 * 60, verification: 120 };

/** How the priority scales the category's working-time limits (high: half the time, at least an hour). */
const PRIORITY_FACTOR: Record<Exclude<Priority, 'urgent'>, number> = { low: 1, normal: 1, high: 0.5 };

export function timeLimitsFor(category: CategoryLimits, priority: Priority, minutesPerWorkingDay: number): TimeLimits {
  if (priority === 'urgent') return { measure: 'wall', minutes: { ...URGENT_WALL_MINUTES } };
  const factor = PRIORITY_FACTOR[priority];
  const scaled = (minutes: number) => Math.max(60, Math.round(minutes * factor));
  return {
    measure: 'working',
    minutes: {
      response: scaled((category.response_limit_hours ?? DEFAULT_LIMITS.responseHours) * 60),
      handling: scaled((category.handling_limit_days ?? DEFAULT_LIMITS.handlingDays) * minutesPerWorkingDay),
      verification: scaled((category.verification_limit_hours ?? DEFAULT_LIMITS.verificationHours) * 60),
    },
  };
}

/** The yellow warning comes when this share of the time allowed has run. */
export const WARNING_SHARE = 0.8;

/** The instant `minutes` of the measure after `start`. */
export function addTime(calendar: WorkingCalendar, measure: Measure, start: Date, minutes: number): Date {
  return measure === 'wall' ? new Date(start.getTime() + minutes * 60_000) : calendar.addWorkingMinutes(start, minutes);
}

/** Minutes of the measure from `from` to `to`; negative when `to` is earlier. */
export function timeBetween(calendar: WorkingCalendar, measure: Measure, from: Date, to: Date): number {
  if (to < from) return -timeBetween(calendar, measure, to, from);
  return measure === 'wall' ? (to.getTime() - from.getTime()) / 60_000 : calendar.workingMinutesBetween(from, to);
}

export interface ClockTimes {
  warnAt: Date;
  dueAt: Date;
}

export function clockTimes(calendar: WorkingCalendar, measure: Measure, start: Date, minutes: number): ClockTimes {
  return {
    warnAt: addTime(calendar, measure, start, Math.round(minutes * WARNING_SHARE)),
    dueAt: addTime(calendar, measure, start, minutes),
  };
}

/**
 * Where a paused clock's warning and deadline move to when it resumes: the time that was left at the pause
 * is left again from the resumption, so a pause never shortens a deadline. A clock paused after its
 * deadline stays overdue (its deadline does not move).
 */
export function resumedTimes(
  calendar: WorkingCalendar,
  measure: Measure,
  clock: { warnAt: Date; dueAt: Date; pausedAt: Date },
  resumedAt: Date,
): ClockTimes {
  if (clock.pausedAt >= clock.dueAt) return { warnAt: clock.warnAt, dueAt: clock.dueAt };
  const dueAt = addTime(calendar, measure, resumedAt, timeBetween(calendar, measure, clock.pausedAt, clock.dueAt));
  const warnAt =
    clock.pausedAt < clock.warnAt
      ? addTime(calendar, measure, resumedAt, timeBetween(calendar, measure, clock.pausedAt, clock.warnAt))
      : resumedAt;
  return { warnAt, dueAt };
}

/** Time of the measure a clock used, from the time it was allowed and what is left at the stop. */
export function elapsedMinutes(
  calendar: WorkingCalendar,
  measure: Measure,
  allowedMinutes: number,
  dueAt: Date,
  stoppedAt: Date,
): number {
  return allowedMinutes - timeBetween(calendar, measure, stoppedAt, dueAt);
}

export const LIGHTS = ['green', 'yellow', 'red', 'paused'] as const;
export type Light = (typeof LIGHTS)[number];

/** The traffic light of a running deadline, as queues show it. */
export function lightOf(clock: { warnAt: Date; dueAt: Date; pausedAt: Date | null }, now: Date): Light {
  if (clock.pausedAt) return 'paused';
  if (now >= clock.dueAt) return 'red';
  if (now >= clock.warnAt) return 'yellow';
  return 'green';
}
