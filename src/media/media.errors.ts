import { defineError } from '../lib/app-error.ts';
import type { MediaStage } from './media.tables.ts';

export const mediaNotFound = defineError('MEDIA_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no photo or document ${id}, or you may not see it`,
}));

export const wrongStage = defineError(
  'MEDIA_ERR_WRONG_STAGE',
  409,
  (stage: MediaStage, status: string, allowedStatuses: readonly string[]) => ({
    message: `Photos at the ${stage} stage can be added while the case is ${allowedStatuses.join(' or ')}; it is ${status} now`,
    details: { stage, status, allowedStatuses },
  }),
);

export const stageForbidden = defineError('MEDIA_ERR_FORBIDDEN', 403, (stage: MediaStage, reason: string) => ({
  message: `You may not add photos at the ${stage} stage of this case (${reason.replaceAll('_', ' ')})`,
  details: { stage, reason },
}));

export const tooManyFiles = defineError('MEDIA_ERR_TOO_MANY_FILES', 413, (limit: number) => ({
  message: `At most ${limit} files can be attached at one stage of a case`,
  details: { limit },
}));

export const badForm = defineError('MEDIA_ERR_BAD_FORM', 400, (problem: string) => ({
  message: `The upload is not as expected: ${problem}. Send multipart/form-data with a field "stage" first, then the files`,
}));

/** A step the category's rules say needs a photo, taken without one. */
export const evidenceMissing = defineError('MEDIA_ERR_EVIDENCE_MISSING', 409, (action: string, what: string) => ({
  message: `To ${action} this case, first attach ${what}`,
  details: { action, missing: what },
}));
