import { defineError } from '../lib/app-error.ts';

export const badIdempotencyKey = defineError('IDEMPOTENCY_ERR_BAD_KEY', 400, (maxLength: number) => ({
  message: `The Idempotency-Key header must be 1 to ${maxLength} printable ASCII characters (a UUID will do)`,
  details: { maxLength },
}));

export const idempotencyKeyReused = defineError('IDEMPOTENCY_ERR_KEY_REUSED', 422, () => ({
  message:
    'This Idempotency-Key was already used for a different request (another route, case or body): ' +
    'a retry must send exactly the same request, and a new request needs a new key',
}));

export const idempotentRequestInProgress = defineError(
  'IDEMPOTENCY_ERR_IN_PROGRESS',
  409,
  (retryAfterSeconds: number) => ({
    message:
      'The first request with this Idempotency-Key is still being carried out: try again in a few seconds to get its answer',
    details: { retryAfterSeconds },
  }),
);

export const idempotentAnswerLost = defineError('IDEMPOTENCY_ERR_ANSWER_LOST', 409, () => ({
  message:
    'The first request with this Idempotency-Key took effect, but its answer was lost: ' +
    'do not send it again, reload the case (or list) to see the result',
}));
