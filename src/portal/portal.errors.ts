import { defineError } from '../lib/app-error.ts';

export const noPerson = defineError('PORTAL_ERR_NO_PERSON', 409, () => ({
  message: 'Only a resident signed in with a phone number can follow cases and areas',
}));

export const subscriptionNotFound = defineError('PORTAL_ERR_SUBSCRIPTION_NOT_FOUND', 404, (id: string) => ({
  message: `There is no subscription ${id} of yours`,
}));

export const emptyTarget = defineError('PORTAL_ERR_EMPTY_TARGET', 400, () => ({
  message: 'Follow a case (caseNumber), or an area and/or a category (areaCode, categoryCode)',
}));
