import { defineError } from '../lib/app-error.ts';

export const routingRuleNotFound = defineError('ROUTING_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no routing rule ${id}`,
}));

export const mayNotEditRouting = defineError('AUTH_ERR_FORBIDDEN', 403, () => ({
  message: 'Only an administrator or a supervisor may change the routing rules',
}));

export const unknownArea = defineError('GRID_ERR_UNKNOWN_AREA', 400, (code: string) => ({
  message: `There is no grid area with code "${code}"`,
  details: { areaCode: code },
}));

export const badTimeWindow = defineError('ROUTING_ERR_BAD_WINDOW', 400, () => ({
  message: 'A time window needs both a start and an end (HH:MM), and they must differ',
}));
