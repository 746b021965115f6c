import { sql } from 'kysely';
import { appendAudit } from '../audit/index.ts';
import type { Db } from '../db/database.ts';
import type { Keyring } from '../privacy/index.ts';
import { removeIfUnused } from './media.ts';
import type { MediaStore } from './media-store.ts';

interface RetentionDeps {
  db: Db;
  store: MediaStore;
  keyring: Keyring;
}

/**
 * Data rights and retention reach photos too: the photos of cases closed longer ago than the retention
 * period (photos show people, number plates, doorways), and every photo uploaded by a person whose data
 * was erased at their request. Rows go in batches (SKIP LOCKED: safe on several instances) and their files
 * are queued as orphans in the same transaction, then removed from the store (removeOrphanFiles), so a
 * crash in between leaves a file to remove, never a row without its file.
 */
export async function runMediaRetentionSweep(
  deps: RetentionDeps,
  now: Date,
  retentionDays: number,
  batchSize = 200,
): Promise<{ media: number; files: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let media = 0;
  for (;;) {
    const removed = await deps.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('case_media as m')
        .select(['m.id', 'm.content_hash', 'm.thumbnail_hash'])
        .where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('cases')
                .select(sql.lit(1).as('one'))
                .whereRef('cases.id', '=', 'm.case_id')
                .where('cases.status', 'in', ['closed', 'cancelled', 'merged'])
                .where(sql<Date>`coalesce(cases.closed_at, cases.updated_at)`, '<', cutoff),
            ),
            eb.exists(
              eb
                .selectFrom('users')
                .innerJoin('persons', 'persons.id', 'users.person_id')
                .select(sql.lit(1).as('one'))
                .whereRef('users.id', '=', 'm.uploaded_by_user_id')
                .where('persons.anonymised_at', 'is not', null),
            ),
          ]),
        )
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!rows.length) return 0;
      await trx
        .deleteFrom('case_media')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const hashes = [
        ...new Set(rows.flatMap((r) => [r.content_hash, ...(r.thumbnail_hash ? [r.thumbnail_hash] : [])])),
      ];
      await trx
        .insertInto('media_orphans')
        .values(hashes.map((content_hash) => ({ content_hash, queued_at: now })))
        .onConflict((oc) => oc.column('content_hash').doNothing())
        .execute();
      await appendAudit(trx, deps.keyring, {
        at: now,
        actorUserId: null,
        actorRole: null,
        action: 'retention.media',
        subjectType: 'case_media',
        details: { media: rows.length, cutoff: cutoff.toISOString() },
      });
      return rows.length;
    });
    media += removed;
    if (removed < batchSize) break;
  }
  return { media, files: await removeOrphanFiles(deps) };
}

/** Removes queued files no row names any more (a file shared by two rows stays while one remains). */
export async function removeOrphanFiles(deps: Pick<RetentionDeps, 'db' | 'store'>, batchSize = 100): Promise<number> {
  let files = 0;
  for (;;) {
    const done = await deps.db.transaction().execute(async (trx) => {
      const orphans = await trx
        .selectFrom('media_orphans')
        .select('content_hash')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const { content_hash: hash } of orphans) {
        if (await removeIfUnused(trx, deps.store, hash)) files++;
        await trx.deleteFrom('media_orphans').where('content_hash', '=', hash).execute();
      }
      return orphans.length;
    });
    if (done < batchSize) return files;
  }
}
