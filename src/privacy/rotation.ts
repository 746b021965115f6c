import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Keyring } from './keyring.ts';
import { type Identity, sealedIdentityColumns } from './persons.ts';
import { open, seal } from './sealing.ts';

type Progress = (done: number, total: number) => void;

/**
 * Everything sealed, table by table: where the value is, which column binds it to its row, and what
 * re-sealing it under the current key writes back (an identity also gets its phone index anew).
 */
const SEALED = [
  {
    count: 'persons',
    table: 'persons',
    id: 'id',
    column: 'sealed',
    reseal: (keyring: Keyring, id: string, value: unknown) => sealedIdentityColumns(keyring, id, value as Identity),
  },
  {
    count: 'caseItems',
    table: 'case_personal_items',
    id: 'case_id',
    column: 'sealed',
    reseal: (keyring: Keyring, id: string, value: unknown) => ({
      sealed: seal(keyring, value, id),
      key_id: keyring.current.id,
    }),
  },
  {
    count: 'requests',
    table: 'data_rights_requests',
    id: 'id',
    column: 'sealed_changes',
    reseal: (keyring: Keyring, id: string, value: unknown) => ({
      sealed_changes: seal(keyring, value, id),
      key_id: keyring.current.id,
    }),
  },
  {
    count: 'signInCodes',
    table: 'sign_in_codes',
    id: 'id',
    column: 'sealed_phone',
    reseal: (keyring: Keyring, id: string, value: unknown) => ({
      sealed_phone: seal(keyring, value, id),
      key_id: keyring.current.id,
    }),
  },
  {
    // Where and when a photo was taken (media/evidence.ts).
    count: 'photoEvidence',
    table: 'case_media',
    id: 'id',
    column: 'sealed_evidence',
    reseal: (keyring: Keyring, id: string, value: unknown) => ({
      sealed_evidence: seal(keyring, value, id),
      key_id: keyring.current.id,
    }),
  },
  {
    // Sensor devices' keys (sensors/devices.ts): sealed, not hashed, since checking an HMAC needs the key.
    count: 'deviceKeys',
    table: 'sensor_devices',
    id: 'id',
    column: 'sealed_key',
    reseal: (keyring: Keyring, id: string, value: unknown) => ({
      sealed_key: seal(keyring, value, id),
      key_id: keyring.current.id,
    }),
  },
] as const;

type Counts = Record<(typeof SEALED)[number]['count'], number>;

const noneSealed = () => Object.fromEntries(SEALED.map((kind) => [kind.count, 0])) as Counts;

/**
 * Re-seals every sealed value that is not under the current key: identities (and their phone index),
 * personal data found in case texts, and correction requests. Batches commit one by one, so an
 * interrupted run loses nothing and the next run carries on where it stopped.
 */
export async function resealPersonalData(
  db: Db,
  keyring: Keyring,
  onProgress: Progress = () => {},
  batchSize = 500,
): Promise<Counts> {
  const current = keyring.current.id;
  // The tables are named here, not by a caller: the one place raw identifiers are built.
  const stale = (kind: (typeof SEALED)[number]) => sql`${sql.ref(kind.column)} is not null and key_id <> ${current}`;
  let total = 0;
  for (const kind of SEALED) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(kind.table)}
      where ${stale(kind)}`.execute(db);
    total += Number(rows[0]!.n);
  }
  let done = 0;
  onProgress(done, total);
  const counts = noneSealed();
  for (const kind of SEALED) {
    for (;;) {
      const n = await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: string; sealed: string }>`
          select ${sql.ref(kind.id)} as id, ${sql.ref(kind.column)} as sealed from ${sql.table(kind.table)}
          where ${stale(kind)} limit ${batchSize} for update skip locked`.execute(trx);
        for (const row of rows) {
          const columns = kind.reseal(keyring, row.id, open(keyring, row.sealed, row.id));
          const assignments = Object.entries(columns).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
          await sql`update ${sql.table(kind.table)} set ${sql.join(assignments)}
            where ${sql.ref(kind.id)} = ${row.id}`.execute(trx);
        }
        return rows.length;
      });
      counts[kind.count] += n;
      done += n;
      onProgress(done, total);
      if (n < batchSize) break;
    }
  }
  return counts;
}

/** How many values each key still seals, per table, and how many audit entries it MACed. */
export type KeyUse = Counts & { auditEntries: number };

/** What each key is still used for (what `keys status` shows and `keys rotate --retire` goes by). */
export async function keyUses(db: Db): Promise<Map<string, KeyUse>> {
  const uses = new Map<string, KeyUse>();
  const add = (rows: { key_id: string; n: number }[], field: keyof KeyUse) => {
    for (const row of rows) {
      const use = uses.get(row.key_id) ?? { ...noneSealed(), auditEntries: 0 };
      use[field] = Number(row.n);
      uses.set(row.key_id, use);
    }
  };
  for (const kind of SEALED) {
    const { rows } = await sql<{ key_id: string; n: number }>`select key_id, count(*)::int as n
      from ${sql.table(kind.table)} where ${sql.ref(kind.column)} is not null group by key_id`.execute(db);
    add(rows, kind.count);
  }
  // Audit entries cannot be re-MACed (the log is append-only), so a key that MACed some is never retired.
  const { rows } = await sql<{ key_id: string; n: number }>`select mac_key_id as key_id, count(*)::int as n
    from audit_log where mac_key_id is not null group by mac_key_id`.execute(db);
  add(rows, 'auditEntries');
  return uses;
}

/** The keys still in use (a key may be retired from the key file once unused). */
export async function keysInUse(db: Db): Promise<string[]> {
  return [...(await keyUses(db)).keys()].sort();
}
