import type { Generated } from 'kysely';

/** A console session; the cookie carries a random id, the table only its hash. */
export interface SessionTable {
  id_hash: string;
  user_id: string;
  /** Sent back by the console in `x-csrf-token` with every change (the cookie alone is not enough). */
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  ip: string | null;
}

/** Failed sign-ins per user name (`user:…`) and per address (`ip:…`), shared by every instance. */
export interface SignInThrottleTable {
  key: string;
  failures: number;
  first_failure_at: Date;
  locked_until: Date | null;
}

/**
 * A one-time code sent to a phone; the code is stored hashed and the phone as a blind index, and sealed
 * (for sending the code) until the code is used or an hour after it expired.
 */
export interface SignInCodeTable {
  id: Generated<string>;
  phone_index: string;
  code_hash: string;
  sealed_phone: string | null;
  key_id: string | null;
  /** The address that asked for it (the per-address limit). */
  ip: string | null;
  attempts: Generated<number>;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface AuthTables {
  sessions: SessionTable;
  sign_in_throttle: SignInThrottleTable;
  sign_in_codes: SignInCodeTable;
}
