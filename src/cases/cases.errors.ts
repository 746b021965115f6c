import { defineError } from '../lib/app-error.ts';
import type { Jurisdiction } from '../organizations/index.ts';
import type { CaseAction, CaseStatus, TransitionAction } from './lifecycle.ts';

export const caseNotFound = defineError('CASE_ERR_NOT_FOUND', 404, (caseNumber: string) => ({
  message: `There is no case ${caseNumber}, or you may not see it`,
}));

export const illegalTransition = defineError(
  'CASE_ERR_ILLEGAL_TRANSITION',
  409,
  (action: TransitionAction, currentStatus: CaseStatus, allowedActions: TransitionAction[]) => ({
    message: `Cannot ${action} a case that is ${currentStatus}; allowed now: ${allowedActions.join(', ') || 'none'}`,
    details: { action, currentStatus, allowedActions },
  }),
);

export const reopenWindowPassed = defineError('CASE_ERR_REOPEN_WINDOW_PASSED', 409, (days: number) => ({
  message: `A case can be reopened only within ${days} days of its closure`,
  details: { reopenWindowDays: days },
}));

export const actionForbidden = defineError(
  'CASE_ERR_FORBIDDEN',
  403,
  (action: CaseAction, reason: string, allowedActions: TransitionAction[]) => ({
    message: `You may not ${action} this case (${reason.replaceAll('_', ' ')})`,
    details: { action, reason, allowedActions },
  }),
);

export const missingInput = defineError('CASE_ERR_MISSING_INPUT', 400, (action: CaseAction, field: string) => ({
  message: `To ${action} a case, give ${field}`,
  details: { action, field },
}));

export const channelForbidden = defineError('CASE_ERR_CHANNEL_FORBIDDEN', 403, (role: string, channel: string) => ({
  message: `A ${role} cannot report through the ${channel} channel`,
  details: { role, channel },
}));

export const outsideYourAreas = defineError('CASE_ERR_OUTSIDE_YOUR_AREAS', 403, (reach: Jurisdiction) => {
  const areas = reach === 'city' ? [] : [...reach];
  return {
    message: areas.length
      ? `The location must lie in your areas (${areas.join(', ')}); report elsewhere to the 12345 dispatcher`
      : 'You have no areas yet: an administrator must assign you some before you can report or move cases',
    details: { areas },
  };
});

export const badCursor = defineError('REQUEST_ERR_BAD_CURSOR', 400, () => ({
  message: 'The cursor is not one this API gave out; start again without it',
}));

export const noDefaultBody = defineError('CASE_ERR_NO_HANDLING_BODY', 400, (categoryCode: string) => ({
  message: `Category ${categoryCode} has no default handling body; give bodyId to dispatch`,
  details: { category: categoryCode },
}));

export const badParentCase = defineError('CASE_ERR_BAD_PARENT', 400, (caseNumber: string) => ({
  message: `Case ${caseNumber} cannot take duplicates: it does not exist, is this case, was itself merged or was cancelled`,
  details: { parentCaseNumber: caseNumber },
}));

export const extensionState = defineError('CASE_ERR_EXTENSION_STATE', 409, (action: string, pending: boolean) => ({
  message: pending
    ? `An extension request is already waiting for a supervisor (cannot ${action})`
    : `There is no extension request waiting to be decided (cannot ${action})`,
  details: { action, pendingExtension: pending },
}));

export const mayNotSupervise = defineError('AUTH_ERR_FORBIDDEN', 403, () => ({
  message: 'Only supervisors, dispatchers and administrators see the supervision board',
}));

export const mayNotAnswerSurvey = defineError('CASE_ERR_FORBIDDEN', 403, () => ({
  message: 'Only the reporter, or a dispatcher calling back a caller on record, answers the survey',
}));

export const notClosed = defineError('CASE_ERR_NOT_CLOSED', 409, (caseNumber: string, status: string) => ({
  message: `Case ${caseNumber} is ${status}; the survey is answered after its closure`,
  details: { currentStatus: status },
}));

export const alreadySurveyed = defineError('CASE_ERR_ALREADY_SURVEYED', 409, (caseNumber: string) => ({
  message: `The survey for this closure of case ${caseNumber} has already been answered`,
}));

export const staleVersion = defineError(
  'CASE_ERR_STALE',
  409,
  (caseNumber: string, seen: number, current: number, currentStatus: string) => ({
    message: `Case ${caseNumber} changed since you looked at it (version ${seen}, now ${current}, ${currentStatus}); look again before acting`,
    details: { seenVersion: seen, currentVersion: current, currentStatus },
  }),
);

export const intakeQuota = defineError('CASE_ERR_QUOTA', 429, (limit: number, retryAfterSeconds: number) => ({
  message: `You have reported ${limit} cases in the last 24 hours, as many as one account may: call 12345 for more`,
  details: { limit, retryAfterSeconds },
}));

export const badPhoneNumber = defineError('CASE_ERR_BAD_PHONE', 400, () => ({
  message:
    'Give the phone number the caller is calling from: 7 to 12 digits (a mobile or a landline with its area code)',
}));

export const supportClosed = defineError('CASE_ERR_SUPPORT_CLOSED', 409, (caseNumber: string) => ({
  message: `Case ${caseNumber} is closed: report the problem again if it has come back`,
}));
