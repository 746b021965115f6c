import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { caseNotFound, factsOf, type LoopPolicy, visibleTo } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import type { Actor } from '../organizations/index.ts';
import { clearedFor } from '../policy/index.ts';
import { type Keyring, open, seal } from '../privacy/index.ts';
import { sniffMediaType } from './inspect.ts';
import { stageForbidden, tooManyFiles, wrongStage } from './media.errors.ts';
import type { MediaFlag, MediaStage, MediaType } from './media.tables.ts';
import { PHOTO_TYPES } from './media.tables.ts';
import type { MediaStore } from './media-store.ts';
import { distanceMetres, hammingDistance, processPhoto, REUSE_MAX_DISTANCE, toSignedBigint64 } from './photos.ts';
import { removeQuietly, spoolUpload } from './spool.ts';
import { stageRefusal } from './stage-rules.ts';

/** The limits on uploads (configurable: MEDIA_* settings). */
export interface MediaLimits {
  maxFileBytes: number;
  maxFilesPerStage: number;
  /** Decoded pixels a photo may have: a 20 KB PNG can declare 30,000 × 30,000 (a decompression bomb). */
  maxPixels: number;
  /** A photo taken further than this from the case's point is flagged. */
  maxDistanceMetres: number;
  /** A photo taken more than this long before the case was reported is flagged. */
  maxAgeHours: number;
  /** How many photos one process decodes at a time (memory: about 150 MB each for a 12 MP JPEG). */
  photosAtOnce: number;
}

export interface MediaDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  store: MediaStore;
  limits: MediaLimits;
  /** Where uploads are spooled while they are checked (on the same disk as the file store, ideally). */
  tempDir: string;
  policy: LoopPolicy;
}

/** A re-used photo is looked for among the photos of other cases this recent (patrol fraud is recent). */
const REUSE_WINDOW_DAYS = 90;

/** Where and when a photo was taken, as its metadata said before it was removed. */
export interface Evidence {
  takenAt: string | null;
  longitude: number | null;
  latitude: number | null;
}

/** One uploaded file, checked and ready to store: its temp files are the caller's to discard. */
export interface ReceivedFile {
  mediaType: MediaType;
  uploadHash: string;
  /** The file to store: the re-encoded photo, or the document as uploaded. */
  stored: { path: string; byteSize: number; sha256: string };
  thumbnail: { path: string; sha256: string } | null;
  width: number | null;
  height: number | null;
  evidence: Evidence | null;
  perceptualHash: bigint | null;
  /** Every temp file this upload made. */
  tempPaths: string[];
}

/**
 * Decoding a photo takes memory in proportion to its pixels (a 50 MP JPEG about 230 MB): `photosAtOnce` at
 * a time per process (MEDIA_PHOTOS_AT_ONCE), the others wait their turn, so twenty uploads at once cannot
 * take the server's memory (bench/media.ts). A counting semaphore, written here because it is a dozen
 * lines and no dependency's worth.
 */
class Turns {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await work();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

/** One queue per process (per limit: tests build apps with their own). */
const turnsByLimit = new Map<number, Turns>();
function photoTurns(limit: number): Turns {
  let turns = turnsByLimit.get(limit);
  if (!turns) {
    turns = new Turns(limit);
    turnsByLimit.set(limit, turns);
  }
  return turns;
}

/** The case a stage's photos go to, checked before any upload is read: a refusal costs the client no bytes. */
export async function checkUploadTarget(deps: MediaDeps, actor: Actor, caseNumber: string, stage: MediaStage) {
  const row = await caseForUpload(deps.db, actor, caseNumber);
  const remaining = await refuseOrCount(deps, deps.db, actor, row, stage);
  return { remaining };
}

/**
 * Streams one uploaded file to a temp file, finds its type from its bytes and, for a photo, re-encodes it
 * without metadata and makes its thumbnail and perceptual hash. Throws a 4xx for a bad file, leaving no
 * temp file behind.
 */
export async function receiveFile(deps: MediaDeps, stream: Readable): Promise<ReceivedFile> {
  const upload = await spoolUpload(stream, { tempDir: deps.tempDir, maxBytes: deps.limits.maxFileBytes });
  try {
    const mediaType = await sniffMediaType(upload.path);
    if (!(PHOTO_TYPES as readonly string[]).includes(mediaType)) {
      return {
        mediaType,
        uploadHash: upload.sha256,
        stored: upload,
        thumbnail: null,
        width: null,
        height: null,
        evidence: null,
        perceptualHash: null,
        tempPaths: [upload.path],
      };
    }
    const photo = await photoTurns(deps.limits.photosAtOnce).run(() =>
      processPhoto(upload.path, { maxPixels: deps.limits.maxPixels }),
    );
    const hasEvidence = Object.values(photo.evidence).some((value) => value !== null);
    return {
      mediaType,
      uploadHash: upload.sha256,
      stored: photo.image,
      thumbnail: photo.thumbnail,
      width: photo.image.width,
      height: photo.image.height,
      evidence: hasEvidence ? photo.evidence : null,
      perceptualHash: photo.perceptualHash,
      tempPaths: [upload.path, photo.image.path, photo.thumbnail.path],
    };
  } catch (error) {
    await removeQuietly(upload.path);
    throw error;
  }
}

export async function discardFiles(files: ReceivedFile[]) {
  await Promise.all(files.flatMap((file) => file.tempPaths.map(removeQuietly)));
}

/**
 * Stores checked files and attaches them to the case at the stage, with their evidence sealed and their
 * flags: far from the case, taken long before the report, or a photo already sent for another case.
 * Each file is made sure of in the store inside the transaction, under its lock (files are shared by
 * content), so a row never commits naming a missing file; should the rows not commit, files no row names
 * are removed again.
 */
export async function attachMedia(
  deps: MediaDeps,
  actor: Actor,
  caseNumber: string,
  stage: MediaStage,
  files: ReceivedFile[],
): Promise<string[]> {
  // Flags first, outside the transaction: the re-use scan reads 90 days of hashes, and must not hold the
  // case's lock (nor, on the embedded database, its one session) meanwhile.
  const target = await caseForUpload(deps.db, actor, caseNumber);
  const flags: MediaFlag[][] = [];
  for (const file of files) flags.push(await flagsFor(deps, deps.db, target, file));
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row = await caseForUpload(trx, actor, caseNumber, { lock: true });
      const remaining = await refuseOrCount(deps, trx, actor, row, stage);
      if (files.length > remaining) throw tooManyFiles(deps.limits.maxFilesPerStage);
      for (const file of files) {
        await storeUnderLock(trx, deps.store, file.stored.sha256, file.stored.path, file.mediaType);
        if (file.thumbnail)
          await storeUnderLock(trx, deps.store, file.thumbnail.sha256, file.thumbnail.path, 'image/webp');
      }
      // Report photos belong to the report itself; the others wait for the step they document.
      const reportEvent =
        stage === 'report'
          ? await trx
              .selectFrom('case_events')
              .select('id')
              .where('case_id', '=', row.id)
              .where('action', '=', 'report')
              .executeTakeFirst()
          : undefined;
      const now = deps.clock.now();
      const ids: string[] = [];
      for (const [i, file] of files.entries()) {
        const id = randomUUID();
        await trx
          .insertInto('case_media')
          .values({
            id,
            case_id: row.id,
            stage,
            event_id: reportEvent?.id ?? null,
            uploaded_by_user_id: actor.userId,
            media_type: file.mediaType,
            byte_size: file.stored.byteSize,
            content_hash: file.stored.sha256,
            upload_hash: file.uploadHash,
            thumbnail_hash: file.thumbnail?.sha256 ?? null,
            width: file.width,
            height: file.height,
            perceptual_hash: file.perceptualHash === null ? null : toSignedBigint64(file.perceptualHash),
            sealed_evidence: file.evidence ? seal(deps.keyring, file.evidence, id) : null,
            key_id: file.evidence ? deps.keyring.current.id : null,
            flags: JSON.stringify(flags[i]),
            created_at: now,
          })
          .execute();
        ids.push(id);
      }
      return ids;
    });
  } catch (error) {
    await forgetUnusedFiles(
      deps,
      files.flatMap((f) => [f.stored.sha256, ...(f.thumbnail ? [f.thumbnail.sha256] : [])]),
    );
    throw error;
  }
}

/**
 * Files are stored by content, so one file may serve several rows, and a file may be on its way out
 * (its last row deleted) just as a new row wants it. Both sides take the file's transaction lock: the
 * remover checks that no row names the file and removes it; the attacher puts the file back if it is
 * gone, and its row commits before the lock is let go.
 */
async function lockFile(trx: Db, hash: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${hash}, 0))`.execute(trx);
}

async function storeUnderLock(trx: Db, store: MediaStore, hash: string, path: string, mediaType: string) {
  await lockFile(trx, hash);
  await store.put(hash, path, mediaType);
}

/** Inside a transaction: removes the file from the store unless a row names it. Whether it was removed. */
export async function removeIfUnused(trx: Db, store: MediaStore, hash: string): Promise<boolean> {
  await lockFile(trx, hash);
  const used = await trx
    .selectFrom('case_media')
    .select('id')
    .where((eb) => eb.or([eb('content_hash', '=', hash), eb('thumbnail_hash', '=', hash)]))
    .executeTakeFirst();
  if (used) return false;
  await store.delete(hash);
  return true;
}

type UploadCase = Awaited<ReturnType<typeof caseForUpload>>;

/** A 404 unless the actor may see the case. */
export async function requireVisibleCase(db: Db, actor: Actor, caseNumber: string) {
  const row = await db
    .selectFrom('cases')
    .select('id')
    .where('case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
}

async function caseForUpload(db: Db, actor: Actor, caseNumber: string, options: { lock?: boolean } = {}) {
  let query = db
    .selectFrom('cases')
    .select([
      'id',
      'status',
      'assigned_body_id',
      'reported_by_user_id',
      'reporter_person_id',
      'reported_by_citizen',
      'closed_at',
      'pending_extension',
      'longitude',
      'latitude',
      'created_at',
    ])
    .where('case_number', '=', caseNumber)
    .where(visibleTo(actor));
  // Locked like a step on the case: an upload racing a step sees the step's result.
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return row;
}

/** Refuses an upload the stage does not take now, or says how many more files the stage takes. */
async function refuseOrCount(deps: MediaDeps, db: Db, actor: Actor, row: UploadCase, stage: MediaStage) {
  const refused = stageRefusal(stage, factsOf(row), actor, deps.clock.now(), deps.policy);
  if (refused?.kind === 'wrong_stage') throw wrongStage(stage, row.status, refused.allowedStatuses);
  if (refused) throw stageForbidden(stage, refused.reason);
  // The limit is per stage of one round: photos already filed under an earlier step (a handling before a
  // rework) do not count against the next one. Report photos are filed at once and always count.
  const { n } = await db
    .selectFrom('case_media')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('case_id', '=', row.id)
    .where('stage', '=', stage)
    .where((eb) => (stage === 'report' ? eb.lit(true) : eb('event_id', 'is', null)))
    .executeTakeFirstOrThrow();
  const remaining = deps.limits.maxFilesPerStage - Number(n);
  if (remaining <= 0) throw tooManyFiles(deps.limits.maxFilesPerStage);
  return remaining;
}

/** Why the dispatcher should look twice at this photo. */
async function flagsFor(deps: MediaDeps, db: Db, row: UploadCase, file: ReceivedFile): Promise<MediaFlag[]> {
  const flags: MediaFlag[] = [];
  const { evidence } = file;
  if (evidence?.longitude != null && evidence.latitude != null && row.longitude != null && row.latitude != null) {
    const metres = distanceMetres(
      { longitude: evidence.longitude, latitude: evidence.latitude },
      { longitude: row.longitude, latitude: row.latitude },
    );
    if (metres > deps.limits.maxDistanceMetres)
      flags.push({ kind: 'far_from_case', distanceMetres: Math.round(metres) });
  }
  if (evidence?.takenAt) {
    const hoursBefore = (row.created_at.getTime() - new Date(evidence.takenAt).getTime()) / 3_600_000;
    if (hoursBefore > deps.limits.maxAgeHours)
      flags.push({ kind: 'taken_before_report', hoursBefore: Math.round(hoursBefore) });
  }
  if (file.perceptualHash !== null && tellsPhotosApart(file.perceptualHash)) {
    const reused = await nearestPhotoOnAnotherCase(deps, db, row.id, file.perceptualHash);
    if (reused) flags.push({ kind: 'reused', caseNumber: reused.case_number, distance: Number(reused.distance) });
  }
  return flags;
}

/**
 * A featureless picture (a covered lens, a blank wall, the sky) has almost no gradients: its hash is nearly
 * all zeros, like every other featureless picture's. Comparing those would flag them all as one photo.
 */
function tellsPhotosApart(hash: bigint): boolean {
  const bits = hammingDistance(hash, 0n);
  return bits >= MIN_HASH_BITS && bits <= 64 - MIN_HASH_BITS;
}
const MIN_HASH_BITS = 6;

/**
 * The most similar photo on another case of the last 90 days, if it is near-identical. A scan of the
 * window's hashes with PostgreSQL's bit_count: thousands of photos a day make a few hundred thousand
 * 64-bit comparisons, milliseconds; an index (multi-index hashing) is for when that stops being true.
 */
async function nearestPhotoOnAnotherCase(deps: MediaDeps, db: Db, caseId: string, hash: bigint) {
  const since = new Date(deps.clock.now().getTime() - REUSE_WINDOW_DAYS * 86_400_000);
  const distance = sql<number>`bit_count((case_media.perceptual_hash # ${toSignedBigint64(hash)}::bigint)::bit(64))`;
  return db
    .selectFrom('case_media')
    .innerJoin('cases', 'cases.id', 'case_media.case_id')
    .select(['cases.case_number', distance.as('distance')])
    .where('case_media.case_id', '<>', caseId)
    .where('case_media.perceptual_hash', 'is not', null)
    .where('case_media.created_at', '>', since)
    .where(distance, '<=', REUSE_MAX_DISTANCE)
    .orderBy('distance')
    .limit(1)
    .executeTakeFirst();
}

/** Removes from the store the files no row names (after a failed attach). */
async function forgetUnusedFiles(deps: Pick<MediaDeps, 'db' | 'store'>, hashes: string[]) {
  for (const hash of new Set(hashes)) {
    await deps.db.transaction().execute((trx) => removeIfUnused(trx, deps.store, hash));
  }
}

/** A case's photos and documents as the actor may see them; staff see their evidence and flags. */
export async function listCaseMedia(
  deps: Pick<MediaDeps, 'db' | 'keyring'>,
  actor: Actor,
  caseNumber: string,
  /** Only these (the files just attached), rather than the whole case's. */
  only?: string[],
) {
  await requireVisibleCase(deps.db, actor, caseNumber);
  let query = deps.db
    .selectFrom('case_media as m')
    .innerJoin('cases', 'cases.id', 'm.case_id')
    .leftJoin('case_events as e', 'e.id', 'm.event_id')
    .select([
      'm.id',
      'm.stage',
      'm.media_type',
      'm.byte_size',
      'm.width',
      'm.height',
      'm.thumbnail_hash',
      'm.flags',
      'm.sealed_evidence',
      'm.publication',
      'm.moderation_reason',
      'm.created_at',
      'e.seq as event_seq',
    ])
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .orderBy('m.created_at')
    .orderBy('m.id');
  if (only) query = query.where('m.id', 'in', only);
  const rows = await query.execute();
  const staff = actor.role !== 'citizen';
  // Where a photo was taken places its photographer: important personal data (policy/classification.ts).
  const seesEvidence = staff && clearedFor(actor.clearance, 'important');
  // A re-used photo names the other case only to those who may see it.
  const reusedIn = [
    ...new Set(rows.flatMap((r) => r.flags.flatMap((f) => (f.kind === 'reused' ? [f.caseNumber] : [])))),
  ];
  const visible = new Set(
    reusedIn.length && staff
      ? (
          await deps.db
            .selectFrom('cases')
            .select('case_number')
            .where('case_number', 'in', reusedIn)
            .where(visibleTo(actor))
            .execute()
        ).map((c) => c.case_number)
      : [],
  );
  const shown = (flag: MediaFlag): MediaFlag =>
    flag.kind === 'reused' && flag.caseNumber !== null && !visible.has(flag.caseNumber)
      ? { ...flag, caseNumber: null }
      : flag;
  return rows.map((row) => ({
    id: row.id,
    stage: row.stage,
    mediaType: row.media_type,
    byteSize: row.byte_size,
    width: row.width,
    height: row.height,
    url: `/api/v1/media/${row.id}`,
    thumbnailUrl: row.thumbnail_hash ? `/api/v1/media/${row.id}/thumbnail` : null,
    eventSeq: row.event_seq,
    publication: row.publication,
    moderationReason: row.moderation_reason,
    createdAt: row.created_at,
    // Another case's number, and where the photographer stood: for staff who may see the case only.
    flags: staff ? row.flags.map(shown) : [],
    evidence: seesEvidence && row.sealed_evidence ? open<Evidence>(deps.keyring, row.sealed_evidence, row.id) : null,
  }));
}

/** One stored file for an actor who may see its case, or a 404. */
export async function openMediaFile(
  deps: Pick<MediaDeps, 'db' | 'store'>,
  actor: Actor,
  id: string,
  variant: 'original' | 'thumbnail',
) {
  const row = await deps.db
    .selectFrom('case_media as m')
    .innerJoin('cases', 'cases.id', 'm.case_id')
    .select(['m.media_type', 'm.content_hash', 'm.thumbnail_hash'])
    .where('m.id', '=', id)
    .where(visibleTo(actor))
    .executeTakeFirst();
  return storedVariant(deps.store, row, variant);
}

/** The stored file of a photo or document row found, or of its thumbnail (WebP); null when there is none. */
export async function storedVariant(
  store: MediaStore,
  row: { media_type: MediaType; content_hash: string; thumbnail_hash: string | null } | undefined,
  variant: 'original' | 'thumbnail',
) {
  const hash = variant === 'original' ? row?.content_hash : row?.thumbnail_hash;
  if (!row || !hash) return null;
  const file = await store.get(hash);
  if (!file) return null;
  return { ...file, mediaType: variant === 'original' ? row.media_type : ('image/webp' as const) };
}

/** A moderator's decision on showing a photo to the public (faces, number plates), with the reason given. */
export async function moderateMedia(
  deps: Pick<MediaDeps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
  decision: { publication: 'approved' | 'hidden'; reason: string },
) {
  const updated = await deps.db
    .updateTable('case_media')
    .set({
      publication: decision.publication,
      moderation_reason: decision.reason,
      moderated_by_user_id: actor.userId,
      moderated_at: deps.clock.now(),
    })
    .where('id', '=', id)
    .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where(visibleTo(actor)))
    .returning('id')
    .executeTakeFirst();
  return Boolean(updated);
}
