import type { Db } from '../db/database.ts';
import type { Keyring } from './keyring.ts';
import { currentBlindIndex, normalisePhone, open, seal } from './sealing.ts';

type Progress = (done: number, total: number) => void;

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
): Promise<{ persons: number; caseItems: number; requests: number }> {
  const current = keyring.current.id;
  const stale = await Promise.all([
    db
      .selectFrom('persons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key_id', '!=', current)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('case_personal_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key_id', '!=', current)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('data_rights_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key_id', '!=', current)
      .executeTakeFirstOrThrow(),
  ]);
  const total = stale.reduce((sum, r) => sum + Number(r.n), 0);
  let done = 0;
  onProgress(done, total);
  const counts = { persons: 0, caseItems: 0, requests: 0 };

  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('persons')
        .select(['id', 'sealed'])
        .where('key_id', '!=', current)
        .where('sealed', 'is not', null)
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        const identity = open<{ phone?: string }>(keyring, row.sealed!, row.id);
        await trx
          .updateTable('persons')
          .set({
            sealed: seal(keyring, identity, row.id),
            key_id: current,
            phone_index: identity.phone ? currentBlindIndex(keyring, 'phone', normalisePhone(identity.phone)) : null,
          })
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    });
    counts.persons += n;
    done += n;
    onProgress(done, total);
    if (n < batchSize) break;
  }
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('case_personal_items')
        .select(['case_id', 'sealed'])
        .where('key_id', '!=', current)
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        await trx
          .updateTable('case_personal_items')
          .set({ sealed: seal(keyring, open(keyring, row.sealed, row.case_id), row.case_id), key_id: current })
          .where('case_id', '=', row.case_id)
          .execute();
      }
      return rows.length;
    });
    counts.caseItems += n;
    done += n;
    onProgress(done, total);
    if (n < batchSize) break;
  }
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('data_rights_requests')
        .select(['id', 'sealed_changes'])
        .where('key_id', '!=', current)
        .where('sealed_changes', 'is not', null)
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        await trx
          .updateTable('data_rights_requests')
          .set({ sealed_changes: seal(keyring, open(keyring, row.sealed_changes!, row.id), row.id), key_id: current })
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    });
    counts.requests += n;
    done += n;
    onProgress(done, total);
    if (n < batchSize) break;
  }
  return counts;
}

/** The keys still in use by some sealed value (a key may be retired from the key file once unused). */
export async function keysInUse(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('persons')
    .select('key_id')
    .where('key_id', 'is not', null)
    .union(db.selectFrom('case_personal_items').select('key_id'))
    .union(db.selectFrom('data_rights_requests').select('key_id').where('key_id', 'is not', null))
    .execute();
  return rows.map((r) => r.key_id!).sort();
}
