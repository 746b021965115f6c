import { defineError } from '../lib/app-error.ts';

export const requestNotFound = defineError('SHARING_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no share request ${id} your body may see`,
  details: { requestId: id },
}));

export const grantNotFound = defineError('SHARING_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no grant ${id} your body may see`,
  details: { grantId: id },
}));

export const unknownDataset = defineError('SHARING_ERR_UNKNOWN_DATASET', 400, (slug: string) => ({
  message: `There is no dataset "${slug}" in the catalogue`,
  details: { dataset: slug },
}));

export const notShareable = defineError('SHARING_ERR_NOT_SHAREABLE', 409, (slug: string, why: string) => ({
  message: `Dataset "${slug}" cannot be shared through a grant: ${why}`,
  details: { dataset: slug },
}));

export const ownDataset = defineError('SHARING_ERR_OWN_DATASET', 409, (slug: string) => ({
  message: `Dataset "${slug}" is your own body's: use it directly, there is nothing to ask`,
  details: { dataset: slug },
}));

export const noBody = defineError('SHARING_ERR_NO_BODY', 403, () => ({
  message: 'Only staff of a handling body may ask for or use shared data, on their body’s behalf',
}));

export const unknownFields = defineError('SHARING_ERR_UNKNOWN_FIELDS', 400, (slug: string, fields: string[]) => ({
  message: `Dataset "${slug}" has no field ${fields.map((f) => `"${f}"`).join(', ')}`,
  details: { dataset: slug, fields },
}));

export const badPeriod = defineError('SHARING_ERR_BAD_PERIOD', 400, (why: string) => ({
  message: `The period is not valid: ${why}`,
}));

export const widerThanAsked = defineError('SHARING_ERR_WIDER_THAN_ASKED', 400, (why: string) => ({
  message: `An approval may only narrow what was asked: ${why}`,
}));

export const notTheOwner = defineError('SHARING_ERR_NOT_OWNER', 403, () => ({
  message: 'Only the body that owns the dataset (or the data steward) decides on a request for it',
}));

export const notTheRequester = defineError('SHARING_ERR_NOT_REQUESTER', 403, () => ({
  message: 'Only the body that asked may withdraw its request or give its grant back',
}));

export const notTheHolder = defineError('SHARING_ERR_NOT_HOLDER', 403, () => ({
  message: 'Only the body the grant was given to may read data through it',
}));

export const alreadyDecided = defineError('SHARING_ERR_DECIDED', 409, (status: string) => ({
  message: `This request is no longer waiting for a decision (it is ${status})`,
  details: { status },
}));

export const grantEnded = defineError('SHARING_ERR_GRANT_ENDED', 410, (kind: string, at: Date) => ({
  message: `This grant was ${kind} on ${at.toISOString()}: ask again for access`,
  details: { ended: kind, endedAt: at.toISOString() },
}));

export const grantExpired = defineError('SHARING_ERR_GRANT_EXPIRED', 410, (until: Date) => ({
  message: `This grant expired on ${until.toISOString()}: ask again for access`,
  details: { validUntil: until.toISOString() },
}));

export const grantNotStarted = defineError('SHARING_ERR_GRANT_NOT_STARTED', 403, (from: Date) => ({
  message: `This grant gives access from ${from.toISOString()} only`,
  details: { validFrom: from.toISOString() },
}));
