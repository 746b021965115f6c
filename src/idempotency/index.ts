export {
  badIdempotencyKey,
  idempotencyKeyReused,
  idempotentAnswerLost,
  idempotentRequestInProgress,
} from './idempotency.errors.ts';
export type { IdempotencyKeyTable, IdempotencyState, IdempotencyTables } from './idempotency.tables.ts';
export {
  type Claim,
  type ClaimOptions,
  canonicalJson,
  claimIdempotencyKey,
  deleteExpiredIdempotencyKeys,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_TTL_HOURS,
  type IdempotencyKeyRef,
  isIdempotencyKey,
  markAppliedQuery,
  releaseIdempotencyKey,
  requestFingerprint,
  type StoredAnswer,
  storeIdempotentAnswer,
} from './idempotency.ts';
