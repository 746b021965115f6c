import { defineError } from '../lib/app-error.ts';

export const emptyAuditRange = defineError('AUDIT_ERR_RANGE', 400, (from: string, to: string) => ({
  message: `The audit period starts (${from}) after it ends (${to}): "from" must come before "to"`,
  details: { from, to },
}));
