/**
 * The deadlines that run for a case, kept in step with its status by the transition service (always inside
 * the transition's transaction, so a clock can never disagree with the case it belongs to):
 *
 *   dispatch            → response (签收) and handling (办结) clocks start for the body; a re-dispatch
 *                         supersedes the previous body's clocks
 *   accept              → response clock stops
 *   return              → response clock stops (returning is a response), handling clock ends "returned"
 *   handle              → handling clock pauses (waiting for verification is not the body's time);
 *                         verification (核查) clock starts
 *   verify_fail (返工)  → verification clock stops; handling clock resumes with the time it had left
 *   verify_pass         → verification clock stops; handling clock stops as of the handling
 *   suspend / resume    → every running clock pauses / resumes
 *   cancel              → every running clock ends "cancelled"
 */
import type { WorkingCalendar } from '../calendar/index.ts';
import type { Db } from '../db/database.ts';
import type { ClockKind, ClockOutcome } from './cases.tables.ts';
import {
  addTime,
  clockTimes,
  elapsedMinutes,
  type Measure,
  resumedTimes,
  type TimeLimits,
  WARNING_SHARE,
} from './deadlines.ts';

export interface ClockContext {
  trx: Db;
  calendar: WorkingCalendar;
  caseId: string;
  now: Date;
  userId: string;
}

export async function startClock(
  ctx: ClockContext,
  kind: ClockKind,
  limits: TimeLimits,
  owner: { dispatchId: string | null; bodyId: string | null },
): Promise<void> {
  const minutes = limits.minutes[kind];
  const { warnAt, dueAt } = clockTimes(ctx.calendar, limits.measure, ctx.now, minutes);
  await ctx.trx
    .insertInto('case_clocks')
    .values({
      case_id: ctx.caseId,
      dispatch_id: owner.dispatchId,
      kind,
      measure: limits.measure,
      body_id: owner.bodyId,
      limit_minutes: minutes,
      started_at: ctx.now,
      warn_at: warnAt,
      due_at: dueAt,
      paused_at: null,
      stopped_at: null,
      stopped_by_user_id: null,
      outcome: null,
      elapsed_minutes: null,
      warned_at: null,
      overdue_at: null,
    })
    .execute();
}

function runningClocks(ctx: ClockContext, kinds: readonly ClockKind[]) {
  return ctx.trx
    .selectFrom('case_clocks')
    .selectAll()
    .where('case_id', '=', ctx.caseId)
    .where('kind', 'in', kinds)
    .where('stopped_at', 'is', null)
    .execute();
}

/**
 * Stops the running clocks of these kinds. Without a forced outcome, a clock is "met" if it stopped by its
 * deadline and "late" otherwise. `asOfPause` stops a paused clock as of the moment it paused (the handling
 * clock, paused at the handling, stops at the verification as of the handling).
 */
export async function stopClocks(
  ctx: ClockContext,
  kinds: readonly ClockKind[],
  options: { outcome?: ClockOutcome; asOfPause?: boolean } = {},
): Promise<void> {
  for (const clock of await runningClocks(ctx, kinds)) {
    const stoppedAt = options.asOfPause && clock.paused_at ? clock.paused_at : ctx.now;
    // A clock paused by a suspension has its time left frozen: measure it as of the pause.
    const measuredAt = clock.paused_at ?? stoppedAt;
    const outcome = options.outcome ?? (measuredAt <= clock.due_at ? 'met' : 'late');
    const allowed = clock.limit_minutes + clock.extended_minutes;
    await ctx.trx
      .updateTable('case_clocks')
      .set({
        stopped_at: stoppedAt,
        stopped_by_user_id: ctx.userId,
        outcome,
        elapsed_minutes: elapsedMinutes(ctx.calendar, clock.measure, allowed, clock.due_at, measuredAt),
      })
      .where('id', '=', clock.id)
      .execute();
  }
}

export async function pauseClocks(ctx: ClockContext, kinds: readonly ClockKind[]): Promise<void> {
  await ctx.trx
    .updateTable('case_clocks')
    .set({ paused_at: ctx.now })
    .where('case_id', '=', ctx.caseId)
    .where('kind', 'in', kinds)
    .where('stopped_at', 'is', null)
    .where('paused_at', 'is', null)
    .execute();
}

export async function resumeClocks(ctx: ClockContext, kinds: readonly ClockKind[]): Promise<void> {
  for (const clock of await runningClocks(ctx, kinds)) {
    if (!clock.paused_at) continue;
    const { warnAt, dueAt } = resumedTimes(
      ctx.calendar,
      clock.measure,
      { warnAt: clock.warn_at, dueAt: clock.due_at, pausedAt: clock.paused_at },
      ctx.now,
    );
    await ctx.trx
      .updateTable('case_clocks')
      .set({ paused_at: null, warn_at: warnAt, due_at: dueAt })
      .where('id', '=', clock.id)
      .execute();
  }
}

/** The running handling clock of a case (what an extension extends), if any. */
export function runningHandlingClock(ctx: ClockContext) {
  return ctx.trx
    .selectFrom('case_clocks')
    .select(['id', 'measure'])
    .where('case_id', '=', ctx.caseId)
    .where('kind', '=', 'handling')
    .where('stopped_at', 'is', null)
    .executeTakeFirst();
}

/** Minutes of a clock's measure in a number of working days (a wall-clock day has 24 hours). */
export function daysInMinutes(calendar: WorkingCalendar, measure: Measure, days: number): number {
  return days * (measure === 'wall' ? 1440 : calendar.minutesPerWorkingDay);
}

/** Moves a clock's deadline by an approved extension; a warning not given yet moves by 80 % of it. */
export async function extendClock(ctx: ClockContext, clockId: string, extraMinutes: number): Promise<void> {
  const clock = await ctx.trx.selectFrom('case_clocks').selectAll().where('id', '=', clockId).executeTakeFirstOrThrow();
  await ctx.trx
    .updateTable('case_clocks')
    .set({
      due_at: addTime(ctx.calendar, clock.measure, clock.due_at, extraMinutes),
      warn_at: clock.warned_at
        ? clock.warn_at
        : addTime(ctx.calendar, clock.measure, clock.warn_at, Math.round(extraMinutes * WARNING_SHARE)),
      extended_minutes: clock.extended_minutes + extraMinutes,
    })
    .where('id', '=', clockId)
    .execute();
}
