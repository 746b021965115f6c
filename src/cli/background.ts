import { type AuditAnchor, anchorHead, auditHead } from '../audit/index.ts';
import { forgetExpiredSignInCodes } from '../auth/index.ts';
import { type CaseDeps, runSupervisionSweep } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { awardPoints } from '../evaluation/index.ts';
import { deleteExpiredIdempotencyKeys } from '../idempotency/index.ts';
import type { Clock } from '../lib/clock.ts';
import { type MediaStore, runMediaRetentionSweep } from '../media/index.ts';
import { deliverDueNotifications, type MessageSender } from '../notifications/index.ts';
import { deleteOldTracks } from '../patrols/index.ts';
import { runSubscriptionSweep } from '../portal/index.ts';
import { type Keyring, runRetentionSweep } from '../privacy/index.ts';
import { ensureReadingPartitions, runSilenceSweep } from '../sensors/index.ts';
import { forgetUnusedSuggestions } from '../text/index.ts';

const NOTIFICATION_BATCH = 50;

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** Batches a round may send before it yields to the next sweep: a backlog drains over a few rounds. */
const MAX_BATCHES_PER_ROUND = 20;

async function deliverBacklog(db: Db, keyring: Keyring, sender: MessageSender, now: Date) {
  const total = { sent: 0, failed: 0 };
  for (let i = 0; i < MAX_BATCHES_PER_ROUND; i++) {
    const batch = await deliverDueNotifications(db, keyring, sender, now, NOTIFICATION_BATCH);
    total.sent += batch.sent;
    total.failed += batch.failed;
    if (batch.sent + batch.failed < NOTIFICATION_BATCH) break;
  }
  return total;
}

/**
 * The background work of one instance: the supervision sweep, telling residents of what they follow,
 * sending the outbox, awarding points and
 * anonymising reporters past the retention period (and removing their cases' photos), forgetting patrol
 * tracks past their days, forgetting intake suggestions no report used, the
 * numbers of expired sign-in codes and Idempotency-Keys past their day, and anchoring the audit log's
 * head outside the database (in the log, and in AUDIT_ANCHOR_FILE when set). Each is an idempotent sweep
 * over data in the database, safe to run on every instance at once, so there is no leader to elect; a
 * failed round is logged and the next round tries again.
 */
export function startBackgroundSweeps(
  deps: {
    db: Db;
    clock: Clock;
    sender: MessageSender;
    keyring: Keyring;
    retentionDays: number;
    /** Where case photos are stored: retention and erasure remove their files too. */
    mediaStore: MediaStore;
    /** Patrol tracks are kept this many days. */
    patrolTrackDays: number;
    auditAnchorFile?: string;
    /** The case services: silent sensor devices raise their cases through them. */
    cases: CaseDeps;
    log: Log;
  },
  intervalSeconds: number,
): () => void {
  let running = false;
  let anchored: AuditAnchor | null = null;
  const round = async () => {
    if (running) return; // a slow round is not overlapped by the next
    running = true;
    try {
      const now = deps.clock.now();
      const notices = await runSupervisionSweep(deps.db, now);
      const followed = await runSubscriptionSweep(deps.db, now);
      const messages = await deliverBacklog(deps.db, deps.keyring, deps.sender, now);
      const awards = await awardPoints(deps.db);
      const retention = await runRetentionSweep(deps.db, deps.keyring, now, deps.retentionDays);
      const media = await runMediaRetentionSweep(
        { db: deps.db, store: deps.mediaStore, keyring: deps.keyring },
        now,
        deps.retentionDays,
      );
      const patrols = await deleteOldTracks(deps.db, now, deps.patrolTrackDays);
      const unusedSuggestions = await forgetUnusedSuggestions(deps.db, now);
      const silentDevices = await runSilenceSweep(deps.cases, (deviceId, error) =>
        deps.log.warn({ err: error, deviceId }, 'could not raise the case of a silent sensor device'),
      );
      const partitions = await ensureReadingPartitions(deps.db, now);
      if (partitions.failed.length)
        deps.log.warn(
          { failed: partitions.failed },
          'sensor readings: monthly partitions not made; run `civicgrid migrate`',
        );
      await forgetExpiredSignInCodes(deps.db, now);
      const expiredIdempotencyKeys = await deleteExpiredIdempotencyKeys(deps.db, now);
      const head = deps.auditAnchorFile
        ? await anchorHead(deps.db, deps.auditAnchorFile, anchored, now)
        : await auditHead(deps.db);
      if (head && (head.seq !== anchored?.seq || head.hash !== anchored.hash)) {
        // The log line is an anchor too, wherever the city ships its logs.
        deps.log.info({ auditHead: head }, 'audit head');
        anchored = head;
      }
      if (
        notices.yellow ||
        notices.red ||
        followed.messages ||
        messages.sent ||
        messages.failed ||
        awards ||
        retention.cases ||
        media.media ||
        media.files ||
        patrols ||
        unusedSuggestions ||
        silentDevices.cases ||
        partitions.created.length ||
        expiredIdempotencyKeys
      ) {
        deps.log.info(
          {
            notices,
            followed,
            messages,
            awards,
            retention,
            media,
            patrols,
            unusedSuggestions,
            expiredIdempotencyKeys,
            silentDevices,
            partitionsMade: partitions.created,
          },
          'background sweep',
        );
      }
    } catch (error) {
      deps.log.warn({ err: error }, 'background sweep failed; it will run again');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), intervalSeconds * 1000);
  timer.unref();
  void round();
  return () => clearInterval(timer);
}
