/**
 * The append-only, hash-chained audit log.
 *
 * Each entry's hash is sha256 over a canonical serialisation of its content and the previous entry's hash,
 * so changing, removing or reordering an entry breaks the chain from that entry on, and `verifyAuditChain`
 * names the first broken entry. The database refuses UPDATE, DELETE and TRUNCATE on the table (see the
 * migration), but the table's owner or a superuser can get past those triggers, and a chain is only
 * hashes: whoever can rewrite the table could recompute it. So each entry's hash is also MACed with a key
 * held apart from the database (the key file's, see AuditKeys), and verification needs that key.
 *
 * A chain cannot show a truncated tail: removing the last entries leaves a shorter, valid chain. That is
 * why the head is anchored outside the database (audit-anchors.ts) and verification checks it still
 * extends every anchored head.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Selectable,
  sql,
  Transaction,
} from 'kysely';
import type { Execute } from '../db/commit-hooks.ts';
import type { Database, Db } from '../db/database.ts';
import type { AuditLogTable } from './audit.tables.ts';

/**
 * The keys audit entries are MACed with: the current one for new entries, any earlier one to verify. The
 * key file's keyring provides them (privacy/keyring.ts); the database never holds them.
 */
export interface AuditKeys {
  readonly current: { readonly id: string };
  /** The MAC (hex) of an entry's hash under the key with this id; throws naming the id if it is unknown. */
  auditMac(keyId: string, hash: string): string;
}

export interface AuditEntry {
  at: Date;
  /** Null for the system (sweeps). */
  actorUserId: string | null;
  actorRole: string | null;
  /** e.g. `case.dispatch`, `personal_data.unmask`, `auth.sign_in_failed`. */
  action: string;
  subjectType?: string;
  subjectId?: string;
  purpose?: string;
  /** Stored as JSON: values go through JSON.stringify (Dates become ISO strings, undefined is left out). */
  details?: Record<string, unknown>;
  ip?: string;
  requestId?: string;
}

export interface AuditRecord {
  seq: number;
  at: Date;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

/** An anchored head: an entry's seq and hash as written outside the database at some time. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditFilter {
  actorUserId?: string;
  /** Entries by any of these users (none: no entry). */
  actorUserIds?: readonly string[];
  subjectType?: string;
  subjectId?: string;
  action?: string;
  /** Entries that occurred at or after this instant. */
  from?: Date;
  /** Entries that occurred before this instant (half-open, so consecutive ranges do not overlap). */
  to?: Date;
  /** Keyset pagination: entries older than this seq (the last seq of the previous page). */
  beforeSeq?: number;
  limit: number;
}

export interface AuditVerification {
  /** Entries found intact, in order, before the first broken one (all of them when ok). */
  checked: number;
  ok: boolean;
  firstBad?: { seq: number; reason: string };
}

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every appender in every app instance takes this transaction-level advisory lock: ASCII "audit". */
const AUDIT_LOCK_KEY = 0x61_75_64_69_74;

const VERIFY_PAGE_SIZE = 5000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row's content, everything but its own hash: what the hash covers. */
export type AuditHashedFields = Omit<Selectable<AuditLogTable>, 'hash' | 'mac' | 'mac_key_id'>;

/**
 * Appends an entry to the log and returns its seq and hash.
 *
 * Given a transaction, the entry is written in it, so it commits or rolls back with the change it records;
 * given the database, it is written in a transaction of its own. The advisory lock serialises appenders
 * across app instances and is held until that transaction ends, so append as the last step of a
 * transaction. The transaction must be READ COMMITTED (the default): under a snapshot taken before the lock,
 * the last entry read would be stale, and the insert fails on the primary key rather than fork the chain.
 */
export async function appendAudit(
  db: Db | Transaction<Database>,
  keys: AuditKeys,
  entry: AuditEntry,
): Promise<{ seq: number; hash: string }> {
  if (db instanceof Transaction) return appendOn((query) => db.executeQuery(query), keys, entry);
  return db.transaction().execute((trx) => appendOn((query) => trx.executeQuery(query), keys, entry));
}

/**
 * Builds the appender's queries without a database, so that they can run on any connection: the one of a
 * transaction Kysely holds, or the one a commit hook is given (db/commit-hooks.ts).
 */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Appends an entry on the connection of a transaction that is open (the entry commits or rolls back with
 * it): what appendAudit does inside a transaction, and what a commit hook does just before COMMIT.
 */
export async function appendOn(
  execute: Execute,
  keys: AuditKeys,
  entry: AuditEntry,
  options: { sealing?: boolean } = {},
): Promise<{ seq: number; hash: string }> {
  if (Number.isNaN(entry.at.getTime())) throw new Error(`audit entry ${entry.action} has an invalid date`);
  // Normalised to what the database gives back, so the hash recomputed from the row is the same: whole
  // milliseconds (a Date has no finer part), the uuid as PostgreSQL prints it, null for a missing field,
  // strings as PostgreSQL can hold them, and details as the JSON value they are stored as.
  const content = {
    occurred_at: entry.at,
    actor_user_id: entry.actorUserId === null ? null : canonicalUuid(entry.actorUserId),
    actor_role: storableOrNull(entry.actorRole),
    action: storable(entry.action),
    subject_type: storableOrNull(entry.subjectType),
    subject_id: storableOrNull(entry.subjectId),
    purpose: storableOrNull(entry.purpose),
    details: storableJson(JSON.parse(JSON.stringify(entry.details ?? {}))) as Record<string, unknown>,
    ip: storableOrNull(entry.ip),
    request_id: storableOrNull(entry.requestId),
  };
  await execute(sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK_KEY)})`.compile(compiler));
  const { rows } = await execute(
    compiler.selectFrom('audit_log').select(['seq', 'hash', 'mac']).orderBy('seq', 'desc').limit(1).compile(),
  );
  const last = rows[0] as { seq: number; hash: string; mac: string | null } | undefined;
  // Appending to a head without a MAC would vouch for whatever stands before it, rewritten or not: the
  // trail is extended only from a MACed head (entries from before MACs are sealed once: sealLegacyAudit).
  if (last && last.mac === null && !options.sealing) throw unsealedHead(last.seq);
  const seq = (last?.seq ?? 0) + 1;
  const prev_hash = last?.hash ?? GENESIS_HASH;
  const hash = auditHash({ seq, prev_hash, ...content });
  const mac_key_id = keys.current.id;
  await execute(
    compiler
      .insertInto('audit_log')
      .values({
        seq,
        prev_hash,
        hash,
        mac: keys.auditMac(mac_key_id, hash),
        mac_key_id,
        ...content,
        details: canonicalJson(content.details),
      })
      .compile(),
  );
  return { seq, hash };
}

const unsealedHead = (seq: number) =>
  new Error(
    `The audit trail's latest entry (${seq}) has no MAC. If this database was written before entries were ` +
      'MACed, seal them once with `civicgrid audit seal-legacy`; if not, the trail has been tampered with.',
  );

/**
 * Seals the entries written before entries were MACed (a database upgraded in place): appends one MACed
 * entry, `audit.sealed`, whose hash chains to all of them, so its MAC vouches for them as they are now.
 * Done once, by an operator holding the key (or at start in development, where the key lies beside the
 * data anyway); refused once any entry carries a MAC, since an unsealed head then means tampering.
 * Returns the entries sealed (0: nothing to seal).
 */
export async function sealLegacyAudit(db: Db, keys: AuditKeys, at: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const state = await trx
      .selectFrom('audit_log')
      .select((eb) => [eb.fn.max('seq').as('head'), eb.fn.count('mac').as('maced')])
      .executeTakeFirstOrThrow();
    const head = Number(state.head ?? 0);
    if (head === 0) return 0;
    if (Number(state.maced) > 0) {
      const last = await trx.selectFrom('audit_log').select('mac').where('seq', '=', head).executeTakeFirstOrThrow();
      if (last.mac) return 0;
      throw new Error(
        `The audit trail has MACed entries, but its latest (${head}) has none: it has been tampered with. Nothing was sealed.`,
      );
    }
    await appendOn(
      (query) => trx.executeQuery(query),
      keys,
      { at, actorUserId: null, actorRole: 'operator', action: 'audit.sealed', details: { sealedUpTo: head } },
      { sealing: true },
    );
    return head;
  });
}

/**
 * PostgreSQL text holds no NUL, and a lone UTF-16 surrogate (text cut in the middle of an emoji) reaches
 * it as U+FFFD; jsonb refuses both. So both become U+FFFD before hashing: an entry is recorded, not
 * refused, and its hash still matches the row.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character being replaced
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

function storableOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : storable(value);
}

/** A plain JSON value with every string and key made storable. */
function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [storable(key), storableJson(member)]));
  }
  return value;
}

function canonicalUuid(value: string): string {
  if (!UUID.test(value)) throw new Error(`audit actor "${value}" is not a uuid`);
  return value.toLowerCase();
}

/**
 * The bytes an entry's hash is taken over (UTF-8): a JSON array, in this order, of seq, prev_hash,
 * occurred_at as an ISO-8601 UTC string with milliseconds, actor_user_id, actor_role, action, subject_type,
 * subject_id, purpose, details, ip, request_id; a missing value is null, and details are canonical JSON
 * (object keys sorted at every depth, since jsonb keeps its own key order). Changing this format breaks
 * every chain already written.
 */
export function canonicalEntry(row: AuditHashedFields): string {
  return canonicalJson([
    row.seq,
    row.prev_hash,
    row.occurred_at.toISOString(),
    row.actor_user_id,
    row.actor_role,
    row.action,
    row.subject_type,
    row.subject_id,
    row.purpose,
    row.details,
    row.ip,
    row.request_id,
  ]);
}

export function auditHash(row: AuditHashedFields): string {
  return createHash('sha256').update(canonicalEntry(row), 'utf8').digest('hex');
}

/** JSON with object keys sorted at every depth; for values that are already plain JSON. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const members = Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface VerifyOptions {
  /** Heads anchored outside the database: each must still be in the chain, and the chain must reach them. */
  anchors?: readonly AuditAnchor[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * Checks the whole chain, oldest first, in pages: seq 1, 2, 3… with none missing, each prev_hash equal to
 * the hash of the entry before, each hash equal to the hash of the entry's content, and each MAC right
 * under its key. Entries from before MACs existed may lack one, but only before the first MACed entry, and
 * the head must have one: its hash chains to all before it, so a recomputed chain without the key fails
 * there. Then every anchored head must be in the chain. Stops at the first broken entry. Entries appended
 * while it runs are left for the next run (it checks up to the head it found at the start).
 */
export async function verifyAuditChain(
  db: Db,
  keys: AuditKeys,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const total = (await auditHead(db))?.seq ?? 0;
  const anchored = new Map<number, string>();
  for (const anchor of options.anchors ?? []) anchored.set(anchor.seq, anchor.hash);
  const lastAnchored = Math.max(0, ...anchored.keys());
  // Entries 1…checked are intact, so `checked` is also the keyset cursor for the next page.
  let checked = 0;
  let prevHash = GENESIS_HASH;
  let macSeen = false;
  let headMac: string | null = null;
  while (checked < total) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', checked)
      .where('seq', '<=', total)
      .orderBy('seq')
      .limit(VERIFY_PAGE_SIZE)
      .execute();
    // Only a superuser removing entries while this runs can empty the page before the head.
    if (!page.length) return broken(checked, checked + 1, `entry ${checked + 1} is missing`);
    for (const row of page) {
      const expected = checked + 1;
      if (row.seq !== expected) return broken(checked, expected, `entry ${expected} is missing`);
      if (row.prev_hash !== prevHash) {
        const reason =
          row.seq === 1
            ? 'prev_hash of the first entry is not the genesis hash'
            : `prev_hash does not match entry ${row.seq - 1}`;
        return broken(checked, row.seq, reason);
      }
      if (auditHash(row) !== row.hash) return broken(checked, row.seq, 'hash does not match its content');
      const macProblem = checkMac(keys, row, macSeen);
      if (macProblem) return broken(checked, row.seq, macProblem);
      // Entries without a MAC stand only before the one seal that vouches for exactly them.
      if (!macSeen && row.mac !== null && row.seq > 1 && !sealsBefore(row)) {
        return broken(checked, row.seq, 'entries before it have no MAC, and it is not the seal that vouches for them');
      }
      macSeen ||= row.mac !== null;
      const anchor = anchored.get(row.seq);
      if (anchor !== undefined && anchor !== row.hash) {
        return broken(checked, row.seq, 'the entry differs from the head anchored outside the database');
      }
      checked = row.seq;
      prevHash = row.hash;
      headMac = row.mac;
    }
    options.onProgress?.(checked, total);
  }
  if (total > 0 && headMac === null) {
    return broken(checked, total, 'the latest entry has no MAC: the log cannot be vouched for without the audit key');
  }
  if (lastAnchored > total) {
    return broken(
      total,
      total + 1,
      `the log ends at entry ${total}, but entry ${lastAnchored} was anchored: entries were removed`,
    );
  }
  return { checked, ok: true };
}

function sealsBefore(row: Selectable<AuditLogTable>): boolean {
  return row.action === 'audit.sealed' && (row.details as { sealedUpTo?: unknown }).sealedUpTo === row.seq - 1;
}

/** Why an entry's MAC is not right, or null when it is (or when it may lack one, before any MACed entry). */
function checkMac(keys: AuditKeys, row: Selectable<AuditLogTable>, macSeen: boolean): string | null {
  if (row.mac === null || row.mac_key_id === null) {
    return macSeen ? 'the entry has no MAC, though entries before it have one' : null;
  }
  let expected: string;
  try {
    expected = keys.auditMac(row.mac_key_id, row.hash);
  } catch {
    return `the entry is MACed with key "${row.mac_key_id}", which the key file does not hold`;
  }
  const same = expected.length === row.mac.length && timingSafeEqual(Buffer.from(expected), Buffer.from(row.mac));
  return same ? null : 'the MAC does not match: the entry was not written with the audit key';
}

function broken(checked: number, seq: number, reason: string): AuditVerification {
  return { checked, ok: false, firstBad: { seq, reason } };
}

/** The log, newest first, for the auditor's page; page on with `beforeSeq` = the last seq shown. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditRecord[]> {
  if (!Number.isInteger(filter.limit) || filter.limit < 1) throw new Error('the audit page size must be at least 1');
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.actorUserId !== undefined) query = query.where('actor_user_id', '=', canonicalUuid(filter.actorUserId));
  if (filter.actorUserIds !== undefined) {
    const ids = filter.actorUserIds.map(canonicalUuid);
    query = ids.length ? query.where('actor_user_id', 'in', ids) : query.where(sql<boolean>`false`);
  }
  if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({
    seq: row.seq,
    at: row.occurred_at,
    actorUserId: row.actor_user_id,
    actorRole: row.actor_role,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    purpose: row.purpose,
    details: row.details,
    ip: row.ip,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

/** The latest entry: note it outside the database, since a chain alone cannot show a truncated tail. */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  const head = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return head ?? null;
}
