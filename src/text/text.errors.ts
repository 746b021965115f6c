import { defineError } from '../lib/app-error.ts';

export const notEnoughHistory = defineError('TEXT_ERR_NOT_ENOUGH_HISTORY', 409, (reason: string) => ({
  message: `Cannot train yet: ${reason}`,
}));
