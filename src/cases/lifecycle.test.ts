import { describe, expect, it } from 'vitest';
import {
  type ActingUser,
  actionsFrom,
  allowedActions,
  answersSurvey,
  applyEvent,
  CASE_STATUSES,
  type CaseFacts,
  RULES,
  refusal,
  replay,
  TRANSITION_ACTIONS,
} from './lifecycle.ts';

const policy = { reopenWindowDays: 15 };
const now = new Date('2026-11-20T00:00:00Z');
const dispatcher: ActingUser = { userId: 'd', role: 'dispatcher', handlingBodyId: null };
const handler: ActingUser = { userId: 'h', role: 'handler', handlingBodyId: 'body-1' };
const otherHandler: ActingUser = { userId: 'h2', role: 'handler', handlingBodyId: 'body-2' };
const reporter: ActingUser = { userId: 'c', role: 'citizen', handlingBodyId: null };
const facts = (over: Partial<CaseFacts>): CaseFacts => ({
  status: 'reported',
  assignedBodyId: null,
  reportedByUserId: 'c',
  hasReporterOnRecord: true,
  reportedByCitizen: true,
  closedAt: null,
  pendingExtension: false,
  ...over,
});

describe('the closed loop', () => {
  it('should let every non-final status be left by some action, and only cancelled and merged be final', () => {
    const final = CASE_STATUSES.filter((s) => actionsFrom(s).length === 0);
    expect(final).toEqual(['cancelled', 'merged']);
  });

  it('should walk the seven steps from report to closure', () => {
    const state = replay([
      { action: 'report', actorRole: 'citizen' },
      { action: 'register', actorRole: 'dispatcher' },
      { action: 'dispatch', actorRole: 'dispatcher' },
      { action: 'accept', actorRole: 'handler' },
      { action: 'handle', actorRole: 'handler' },
      { action: 'verify_pass', actorRole: 'grid_worker' },
      { action: 'close', actorRole: 'supervisor' },
    ]);
    expect(state.status).toBe('closed');
  });

  it('should send a failed verification back to the handling body', () => {
    const handled = replay([
      { action: 'report', actorRole: 'dispatcher' },
      { action: 'register', actorRole: 'dispatcher' },
      { action: 'dispatch', actorRole: 'dispatcher' },
      { action: 'accept', actorRole: 'handler' },
      { action: 'handle', actorRole: 'handler' },
    ]);
    expect(applyEvent(handled, { action: 'verify_fail', actorRole: 'grid_worker' }).status).toBe('in_progress');
  });

  it('should resume a suspended case where it was', () => {
    const state = replay([
      { action: 'report', actorRole: 'dispatcher' },
      { action: 'register', actorRole: 'dispatcher' },
      { action: 'dispatch', actorRole: 'dispatcher' },
      { action: 'suspend', actorRole: 'supervisor' },
      { action: 'resume', actorRole: 'dispatcher' },
    ]);
    expect(state.status).toBe('dispatched');
  });

  it('should refuse a replay that skips a step or uses the wrong role', () => {
    expect(() => replay([{ action: 'register', actorRole: 'dispatcher' }])).toThrow(/begin with a report/);
    expect(() =>
      replay([
        { action: 'report', actorRole: 'citizen' },
        { action: 'close', actorRole: 'dispatcher' },
      ]),
    ).toThrow(/not allowed from reported/);
    expect(() =>
      replay([
        { action: 'report', actorRole: 'citizen' },
        { action: 'register', actorRole: 'citizen' },
      ]),
    ).toThrow(/may not register/);
  });

  it('should let only the assigned body accept, return or handle', () => {
    const dispatched = facts({ status: 'dispatched', assignedBodyId: 'body-1' });
    expect(refusal('accept', dispatched, handler, now, policy)).toBeNull();
    expect(refusal('accept', dispatched, otherHandler, now, policy)).toEqual({
      kind: 'forbidden',
      reason: 'not_assigned_body',
    });
    expect(refusal('accept', dispatched, dispatcher, now, policy)).toEqual({ kind: 'forbidden', reason: 'role' });
    expect(allowedActions(dispatched, handler, now, policy)).toEqual(['accept', 'return', 'request_extension']);
  });

  it('should let the reporter reopen a closed case only within the window', () => {
    const closedAt = new Date(now.getTime() - 10 * 86_400_000);
    expect(refusal('reopen', facts({ status: 'closed', closedAt }), reporter, now, policy)).toBeNull();
    const stranger: ActingUser = { ...reporter, userId: 'someone-else' };
    expect(refusal('reopen', facts({ status: 'closed', closedAt }), stranger, now, policy)).toEqual({
      kind: 'forbidden',
      reason: 'not_reporter',
    });
    const longAgo = new Date(now.getTime() - 16 * 86_400_000);
    expect(refusal('reopen', facts({ status: 'closed', closedAt: longAgo }), reporter, now, policy)).toEqual({
      kind: 'window_passed',
    });
  });

  it('should let the desk act for a caller on record, never for a citizen who reported from their account', () => {
    const closedAt = new Date(now.getTime() - 2 * 86_400_000);
    const ownReport = facts({ status: 'closed', closedAt, reportedByUserId: 'c', reportedByCitizen: true });
    const callerOnRecord = facts({ status: 'closed', closedAt, reportedByUserId: 'd', reportedByCitizen: false });
    const anonymousCall = { ...callerOnRecord, hasReporterOnRecord: false };
    expect(refusal('reopen', ownReport, dispatcher, now, policy)).toEqual({
      kind: 'forbidden',
      reason: 'not_reporter',
    });
    expect(answersSurvey(ownReport, dispatcher)).toBe(false);
    expect(answersSurvey(ownReport, reporter)).toBe(true);
    expect(refusal('reopen', callerOnRecord, dispatcher, now, policy)).toBeNull();
    expect(answersSurvey(callerOnRecord, dispatcher)).toBe(true);
    expect(answersSurvey(anonymousCall, dispatcher)).toBe(false);
  });

  it('should name an illegal transition before a missing permission', () => {
    expect(refusal('close', facts({ status: 'reported' }), reporter, now, policy)).toEqual({
      kind: 'illegal_transition',
    });
  });

  it('should replay a note in any status without moving the case, and offer it to no one as a step', () => {
    const state = replay([
      { action: 'report', actorRole: 'dispatcher' },
      { action: 'note', actorRole: 'dispatcher' },
      { action: 'register', actorRole: 'dispatcher' },
      { action: 'note', actorRole: 'dispatcher' },
    ]);
    expect(state.status).toBe('registered');
    expect(applyEvent({ status: 'merged', resumeTo: null }, { action: 'note', actorRole: 'dispatcher' }).status).toBe(
      'merged',
    );
    expect(TRANSITION_ACTIONS).not.toContain('note');
    expect(allowedActions(facts({ status: 'registered' }), dispatcher, now, policy)).not.toContain('note');
  });

  it('should require a note wherever a reason is owed', () => {
    for (const action of ['cancel', 'return', 'handle', 'verify_fail', 'reopen', 'suspend'] as const) {
      expect(RULES[action].requires.note).toBe(true);
    }
  });
});
