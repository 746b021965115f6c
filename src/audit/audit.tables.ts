import type { JSONColumnType } from 'kysely';

/**
 * The audit log: who did what to which subject, when and why. Append-only (the database refuses UPDATE,
 * DELETE and TRUNCATE) and hash-chained: each entry's hash covers its content and the previous entry's hash.
 */
export interface AuditLogTable {
  /** 1, 2, 3… with no gaps, assigned by the appender under an advisory lock. */
  seq: number;
  /** Whole milliseconds (a JavaScript Date), so the hash recomputed from the row matches. */
  occurred_at: Date;
  /** Null for the system (sweeps); not a foreign key, so erasing a user leaves the log alone. */
  actor_user_id: string | null;
  actor_role: string | null;
  /** e.g. `case.dispatch`, `personal_data.unmask`, `auth.sign_in_failed`. */
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** Why the actor did it, where the law asks for a reason (unmasking personal data). */
  purpose: string | null;
  /** Written as canonical JSON text; read back as the parsed object. */
  details: JSONColumnType<Record<string, unknown>>;
  ip: string | null;
  request_id: string | null;
  /** The previous entry's hash; 64 zeros for the first entry. */
  prev_hash: string;
  /** sha256 (hex) of the entry's canonical serialisation (see audit-log.ts). */
  hash: string;
  /** HMAC-SHA256 (hex) of `hash` under a key from the key file; null only for entries written before MACs. */
  mac: string | null;
  /** The id of the key-file key the MAC was made with. */
  mac_key_id: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
