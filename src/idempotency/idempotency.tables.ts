import type { Generated } from 'kysely';

export type IdempotencyState = 'running' | 'applied' | 'done';

/** The first answer to an Idempotency-Key, per user. */
export interface IdempotencyKeyTable {
  owner_user_id: string;
  key: string;
  fingerprint: string;
  state: IdempotencyState;
  response_status: number | null;
  response_body: string | null;
  response_location: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeyTable;
}
