import { defineError } from '../lib/app-error.ts';

export const unknownCategory = defineError('CATEGORY_ERR_UNKNOWN', 400, (code: string) => ({
  message: `There is no category with code "${code}"`,
  details: { category: code },
}));

export const unknownHandlingBody = defineError('BODY_ERR_UNKNOWN', 400, (id: string) => ({
  message: `There is no handling body with id "${id}"`,
  details: { bodyId: id },
}));

export const categoryNotFound = defineError('CATEGORY_ERR_NOT_FOUND', 404, (code: string) => ({
  message: `There is no category with code "${code}"`,
}));

export const adminOnly = defineError('AUTH_ERR_FORBIDDEN', 403, (what: string) => ({
  message: `Only an administrator may ${what}`,
}));

export const categoryNotLeaf = defineError('CATEGORY_ERR_NOT_LEAF', 400, (code: string) => ({
  message: `Category "${code}" has subcategories; file the case under one of them`,
  details: { category: code },
}));

export const handlingBodyNotFound = defineError('BODY_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no handling body with id "${id}"`,
}));

export const bodyCodeTaken = defineError('BODY_ERR_CODE_TAKEN', 409, (code: string) => ({
  message: `A handling body with code "${code}" exists already`,
  details: { code },
}));

export const bodyCycle = defineError('BODY_ERR_CYCLE', 400, (id: string) => ({
  message: 'A body cannot be placed under itself or under a body below it',
  details: { bodyId: id },
}));

export const badAttribute = defineError('CATEGORY_ERR_ATTRIBUTE', 400, (code: string, problem: string) => ({
  message: `Attribute "${code}" ${problem}`,
  details: { attribute: code },
}));
