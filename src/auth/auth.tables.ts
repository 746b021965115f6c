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

/** A one-time code sent to a citizen's phone; the code is stored hashed and the phone as a blind index. */
export interface SignInCodeTable {
  id: Generated<string>;
  phone_index: string;
  code_hash: string;
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
