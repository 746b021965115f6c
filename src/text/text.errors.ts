import { defineError } from '../lib/app-error.ts';

export const notEnoughHistory = defineError('TEXT_ERR_NOT_ENOUGH_HISTORY', 409, (reason: string) => ({
  message: `Cannot train yet: ${reason}`,
}));

export const badPeriod = defineError('TEXT_ERR_BAD_PERIOD', 400, (from: string, to: string) => ({
  message: `The period must end after it starts (from ${from}, to ${to})`,
  details: { from, to },
}));
