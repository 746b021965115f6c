/**
 * The patrol app's IndexedDB: the queue of everything the grid worker sends (kept until sent, and a while
 * after), the buffered track points of a patrol, and the last answers of the GET calls the app needs to
 * open offline (its areas, tasks, map data, categories, coverage), kept for the signed-in user only.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Me } from '../api.ts';

export type QueueKind = 'report' | 'media' | 'action' | 'patrol' | 'points' | 'patrol_end';
export type QueueState = 'waiting' | 'sent' | 'refused';

/** A case report as POST /cases takes it (the grid worker's channel is always grid_patrol). */
export interface ReportPayload {
  title: string;
  description: string;
  categoryCode: string;
  channel: 'grid_patrol';
  priority?: 'normal' | 'high' | 'urgent';
  address?: string;
  location?: { longitude: number; latitude: number };
  intakeSuggestionId?: string;
}

export type MediaStage = 'report' | 'verification';

export interface TrackPoint {
  recordedAt: string;
  longitude: number;
  latitude: number;
  accuracyM?: number;
}

export type QueuePayload =
  | { kind: 'report'; body: ReportPayload }
  | { kind: 'media'; stage: MediaStage; photoCount: number }
  | { kind: 'action'; action: 'verify_pass' | 'verify_fail'; note: string }
  | { kind: 'patrol'; startedAt: string }
  | { kind: 'points'; points: TrackPoint[] }
  | { kind: 'patrol_end'; endedAt: string };

/** One thing to send, in the order it was made (`id`). */
export interface QueueItem {
  /** Auto-increment: the queue is sent strictly in this order. */
  id: number;
  /** The user who made it: only their session sends it. */
  owner: string;
  kind: QueueKind;
  /** A UUID sent as the Idempotency-Key header: a resend after a lost answer is not done twice. */
  key: string;
  payload: QueuePayload;
  /** The photos of a media item. */
  photos: Blob[];
  /** The item whose answer this one needs (a report's case number, a patrol's id), or null. */
  dependsOn: number | null;
  state: QueueState;
  /** Why the server refused it (its error message and code), or why it was not sent. */
  reason: string | null;
  /** The refusal came from the item it depends on (its report, its photos, its patrol). */
  refusedWithDependency: boolean;
  /** The case: known at once for a verification, from the server's answer for a report. */
  caseNumber: string | null;
  /** A patrol item's id from the server; the patrol id of points and an end. */
  patrolId: string | null;
  /** What the worker called it (a report's title, a task's title), for the 待发送 screen. */
  label: string;
  createdAt: string;
  sentAt: string | null;
  /** The server said it had the request already (Idempotent-Replayed: true). */
  replayed: boolean;
  attempts: number;
}

export type NewQueueItem = Omit<
  QueueItem,
  'id' | 'state' | 'reason' | 'refusedWithDependency' | 'sentAt' | 'replayed' | 'attempts' | 'patrolId'
> & { patrolId?: string | null };

interface CachedAnswer {
  key: string;
  owner: string;
  savedAt: string;
  value: unknown;
}

interface PatrolDb extends DBSchema {
  queue: { key: number; value: QueueItem; indexes: { byState: QueueState } };
  track: { key: number; value: TrackPoint & { seq?: number; owner: string; patrolItem: number } };
  cache: { key: string; value: CachedAnswer };
  meta: { key: string; value: { key: string; value: unknown } };
}

let opened: Promise<IDBPDatabase<PatrolDb>> | null = null;

export function database(): Promise<IDBPDatabase<PatrolDb>> {
  opened ??= openDB<PatrolDb>('civicgrid-patrol', 1, {
    upgrade(db) {
      const queue = db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
      queue.createIndex('byState', 'state');
      db.createObjectStore('track', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('cache', { keyPath: 'key' });
      db.createObjectStore('meta', { keyPath: 'key' });
    },
  });
  return opened;
}

// ---- the queue ----

export async function addToQueue(items: NewQueueItem[]): Promise<number[]> {
  const db = await database();
  const tx = db.transaction('queue', 'readwrite');
  const ids: number[] = [];
  let previous: number | null = null;
  for (const item of items) {
    // `dependsOn: -1` in a batch means "the item before me in this batch" (its id is not known yet).
    const dependsOn = item.dependsOn === -1 ? previous : item.dependsOn;
    const id = (await tx.store.add({
      ...item,
      dependsOn,
      patrolId: item.patrolId ?? null,
      state: 'waiting',
      reason: null,
      refusedWithDependency: false,
      sentAt: null,
      replayed: false,
      attempts: 0,
    } as QueueItem)) as number;
    ids.push(id);
    previous = id;
  }
  await tx.done;
  return ids;
}

export async function queueItems(owner: string): Promise<QueueItem[]> {
  const db = await database();
  return (await db.getAll('queue')).filter((item) => item.owner === owner);
}

export async function queueItem(id: number): Promise<QueueItem | undefined> {
  return (await database()).get('queue', id);
}

export async function putQueueItem(item: QueueItem): Promise<void> {
  await (await database()).put('queue', item);
}

/** Forgets sent items (and refused ones the worker has read) so the phone does not keep old photos. */
export async function removeQueueItems(ids: number[]): Promise<void> {
  const db = await database();
  const tx = db.transaction('queue', 'readwrite');
  for (const id of ids) await tx.store.delete(id);
  await tx.done;
}

// ---- track points of a running patrol, until the sender packs them into queue items ----

export async function addTrackPoint(owner: string, patrolItem: number, point: TrackPoint): Promise<void> {
  await (await database()).add('track', { ...point, owner, patrolItem });
}

/** Takes all buffered points out (in one transaction), grouped by the patrol queue item they belong to. */
export async function takeTrackPoints(owner: string): Promise<Map<number, TrackPoint[]>> {
  const db = await database();
  const tx = db.transaction('track', 'readwrite');
  const byPatrol = new Map<number, TrackPoint[]>();
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    const { seq: _seq, owner: pointOwner, patrolItem, ...point } = cursor.value;
    if (pointOwner !== owner) continue;
    byPatrol.set(patrolItem, [...(byPatrol.get(patrolItem) ?? []), point]);
    await cursor.delete();
  }
  await tx.done;
  return byPatrol;
}

/** The points waiting to be packed. */
export async function trackPoints(owner: string): Promise<TrackPoint[]> {
  return (await (await database()).getAll('track')).filter((p) => p.owner === owner);
}

// ---- cached answers ----

export async function saveAnswer(owner: string, key: string, value: unknown): Promise<void> {
  await (await database()).put('cache', { key, owner, savedAt: new Date().toISOString(), value });
}

export async function cachedAnswer<T>(owner: string, key: string): Promise<{ value: T; savedAt: string } | null> {
  const row = await (await database()).get('cache', key);
  return row && row.owner === owner ? { value: row.value as T, savedAt: row.savedAt } : null;
}

/** Drops every cached answer (at sign-out, or when another user signs in on this phone). */
export async function clearAnswers(): Promise<void> {
  await (await database()).clear('cache');
}

// ---- small settings: who is signed in (to open offline), the running patrol ----

export async function getMeta<T>(key: string): Promise<T | null> {
  return ((await (await database()).get('meta', key))?.value as T | undefined) ?? null;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  const db = await database();
  if (value === null) await db.delete('meta', key);
  else await db.put('meta', { key, value });
}

export const rememberUser = (me: Me | null) => setMeta('me', me);
export const rememberedUser = () => getMeta<Me>('me');

/** A random UUID (v4) for an Idempotency-Key; `crypto.randomUUID` exists only in secure contexts. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
