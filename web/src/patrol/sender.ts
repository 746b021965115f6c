/**
 * Sends the queue, strictly in order, whenever it can: at start, on the `online` event, every ~15 s and
 * when the worker taps 发送. One item at a time, each with its Idempotency-Key:
 * - no answer (offline, the connection dropped): stop, try again later, from the same item;
 * - 2xx: sent; its case number (a report) or patrol id goes to the items that depend on it;
 * - 4xx: refused with the server's message, and so are the items that depend on it;
 * - 5xx, 408, 429: stop, try again later (the server is busy or down: nothing is refused for that);
 * - 401: the session ended: stop until the worker signs in again.
 * The server keeps the first answer to each key: a resend after a lost answer gets it again (marked
 * Idempotent-Replayed) and nothing happens twice.
 */
import { type ApiErrorBody, hasCsrfToken, restoreSession, sendAsIs } from '../api.ts';
import {
  addToQueue,
  newKey,
  putQueueItem,
  type QueueItem,
  queueItem,
  queueItems,
  removeQueueItems,
  takeTrackPoints,
  trackPoints,
} from './store.ts';

/** The server takes at most this many points per request. */
export const POINTS_PER_BATCH = 500;
/** Sent items are kept this long for the 待发送 screen (their photos are dropped once sent). */
const KEEP_SENT_DAYS = 7;

export type SendOutcome = 'done' | 'offline' | 'server_busy' | 'signed_out' | 'busy';

type Step = { outcome: 'sent' | 'refused' } | { outcome: 'stop'; why: Exclude<SendOutcome, 'done' | 'busy'> };

const listeners = new Set<() => void>();

/** Calls `listener` whenever the queue changed (an item added, sent or refused). */
export function watchQueue(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function queueChanged() {
  for (const listener of listeners) listener();
}

let running: Promise<SendOutcome> | null = null;
/** Asked to send while a run was under way: what was queued since may have missed it, so run again. */
let again = false;

/** Sends what waits (one run at a time in this page; a Web Lock keeps two open tabs from both sending). */
export function sendQueue(owner: string): Promise<SendOutcome> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let outcome: SendOutcome;
    do {
      again = false;
      outcome = await withLock(() => run(owner));
    } while (again && outcome === 'done');
    return outcome;
  })().finally(() => {
    running = null;
  });
  return running;
}

async function withLock(work: () => Promise<SendOutcome>): Promise<SendOutcome> {
  if (!navigator.locks) return work();
  return navigator.locks.request('civicgrid-patrol-sender', { ifAvailable: true }, (lock) => (lock ? work() : 'busy'));
}

async function run(owner: string): Promise<SendOutcome> {
  await packTrack(owner, false);
  await forgetOldItems(owner);
  const waiting = (await queueItems(owner)).filter((i) => i.state === 'waiting').sort((a, b) => a.id - b.id);
  if (waiting.length === 0) return 'done';
  if (!navigator.onLine) return 'offline';
  // A page opened offline has no CSRF token yet: fetch the session's (and learn whether it is still on).
  if (!hasCsrfToken()) {
    try {
      if (!(await restoreSession())) return 'signed_out';
    } catch {
      return 'offline';
    }
  }
  for (const { id } of waiting) {
    // Re-read: an earlier item's answer (or refusal) may have changed this one.
    const item = await queueItem(id);
    if (item?.state !== 'waiting') continue;
    const step = await sendOne(item);
    queueChanged();
    if (step.outcome === 'stop') return step.why;
  }
  return 'done';
}

/** The request an item makes, or null when what it needs from the item it depends on is missing. */
function requestFor(item: QueueItem): { path: string; body: unknown } | null {
  const { payload } = item;
  switch (payload.kind) {
    case 'report':
      return { path: '/cases', body: payload.body };
    case 'media': {
      if (!item.caseNumber) return null;
      // The stage first: the server reads it before the files stream in.
      const form = new FormData();
      form.append('stage', payload.stage);
      item.photos.forEach((photo, i) => {
        form.append('files', photo, photo instanceof File && photo.name ? photo.name : `photo-${i + 1}.jpg`);
      });
      return { path: `/cases/${item.caseNumber}/media`, body: form };
    }
    case 'action':
      if (!item.caseNumber) return null;
      return {
        path: `/cases/${item.caseNumber}/actions`,
        body: payload.note ? { action: payload.action, note: payload.note } : { action: payload.action },
      };
    case 'patrol':
      return { path: '/patrols', body: { startedAt: payload.startedAt } };
    case 'points':
      if (!item.patrolId) return null;
      return { path: `/patrols/${item.patrolId}/points`, body: { points: payload.points } };
    case 'patrol_end':
      if (!item.patrolId) return null;
      return { path: `/patrols/${item.patrolId}/end`, body: { endedAt: payload.endedAt } };
  }
}

async function sendOne(item: QueueItem): Promise<Step> {
  let request = requestFor(item);
  if (!request) {
    // What it needs comes from the item it depends on (made after that item was sent, e.g. a patrol's end).
    const dependency = item.dependsOn === null ? undefined : await queueItem(item.dependsOn);
    if (dependency?.state === 'waiting') return { outcome: 'stop', why: 'server_busy' };
    if (dependency?.state === 'sent') {
      item.caseNumber ??= dependency.caseNumber;
      if (dependency.kind === 'patrol') item.patrolId = dependency.patrolId;
      request = requestFor(item);
    }
    if (!request) {
      await refuse(item, dependency?.reason ?? null, true);
      return { outcome: 'refused' };
    }
  }
  let response: Response;
  try {
    item.attempts += 1;
    await putQueueItem(item);
    response = await sendAsIs(request.path, {
      method: 'POST',
      body: request.body,
      headers: { 'idempotency-key': item.key },
    });
  } catch {
    return { outcome: 'stop', why: 'offline' };
  }
  if (response.ok) {
    const answer = (await response.json().catch(() => null)) as { caseNumber?: string; id?: string } | null;
    item.state = 'sent';
    item.sentAt = new Date().toISOString();
    item.replayed = response.headers.get('idempotent-replayed') === 'true';
    item.photos = [];
    if (item.kind === 'report') item.caseNumber = answer?.caseNumber ?? null;
    if (item.kind === 'patrol') item.patrolId = answer?.id ?? null;
    await putQueueItem(item);
    await passOn(item);
    return { outcome: 'sent' };
  }
  if (response.status === 401) return { outcome: 'stop', why: 'signed_out' };
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    return { outcome: 'stop', why: 'server_busy' };
  }
  const error = ((await response.json().catch(() => null)) as ApiErrorBody | null)?.error;
  const reason = error ? `${error.message} (${error.code})` : `HTTP ${response.status}`;
  if (error?.code === 'AUTH_ERR_CSRF') return { outcome: 'stop', why: 'signed_out' };
  // The first try with this key is still running on the server (its answer was lost on the way): ask again.
  if (error?.code === 'IDEMPOTENCY_ERR_IN_PROGRESS') return { outcome: 'stop', why: 'server_busy' };
  if (error?.code === 'IDEMPOTENCY_ERR_ANSWER_LOST') {
    // It took effect, but what it answered (a case number) is gone: sent, and what needed the answer cannot go.
    item.state = 'sent';
    item.sentAt = new Date().toISOString();
    item.reason = reason;
    item.photos = [];
    await putQueueItem(item);
    for (const other of await queueItems(item.owner)) {
      const needsAnswer = item.kind === 'report' || item.kind === 'patrol';
      if (needsAnswer && other.dependsOn === item.id && other.state === 'waiting') await refuse(other, reason, true);
    }
    return { outcome: 'sent' };
  }
  await refuse(item, reason, false);
  return { outcome: 'refused' };
}

/** Gives a sent item's case number or patrol id to the waiting items that depend on it. */
async function passOn(item: QueueItem) {
  for (const other of await queueItems(item.owner)) {
    if (other.dependsOn !== item.id || other.state !== 'waiting') continue;
    if (item.caseNumber && !other.caseNumber) other.caseNumber = item.caseNumber;
    if (item.kind === 'patrol') other.patrolId = item.patrolId;
    await putQueueItem(other);
  }
}

/** Refuses an item and, with the same reason, every waiting item that depends on it (to any depth). */
async function refuse(item: QueueItem, reason: string | null, withDependency: boolean) {
  item.state = 'refused';
  item.reason = reason;
  item.refusedWithDependency = withDependency;
  await putQueueItem(item);
  for (const other of await queueItems(item.owner)) {
    if (other.dependsOn === item.id && other.state === 'waiting') await refuse(other, reason, true);
  }
}

/** A batch of track points goes once it has this many points, or its oldest point is this old. */
const BATCH_POINTS = 20;
const BATCH_AGE_MS = 5 * 60_000;

/**
 * Packs the buffered track points of patrols into `points` items (≤ 500 each) at the end of the queue:
 * in batches (enough points, or old enough), or all of them (`all`: the patrol ends).
 */
export async function packTrack(owner: string, all: boolean) {
  if (!all) {
    const buffered = await trackPoints(owner);
    const oldest = Math.min(...buffered.map((p) => Date.parse(p.recordedAt)));
    if (buffered.length < BATCH_POINTS && !(Date.now() - oldest >= BATCH_AGE_MS)) return;
  }
  const byPatrol = await takeTrackPoints(owner);
  for (const [patrolItemId, points] of byPatrol) {
    const patrolItem = await queueItem(patrolItemId);
    for (let at = 0; at < points.length; at += POINTS_PER_BATCH) {
      await addToQueue([
        {
          owner,
          kind: 'points',
          key: newKey(),
          payload: { kind: 'points', points: points.slice(at, at + POINTS_PER_BATCH) },
          photos: [],
          dependsOn: patrolItemId,
          caseNumber: null,
          patrolId: patrolItem?.patrolId ?? null,
          label: patrolItem?.label ?? '',
          createdAt: new Date().toISOString(),
        },
      ]);
    }
  }
  if (byPatrol.size > 0) queueChanged();
}

async function forgetOldItems(owner: string) {
  const before = Date.now() - KEEP_SENT_DAYS * 24 * 3600 * 1000;
  const items = await queueItems(owner);
  // A patrol item stays while later items may still need its id.
  const needed = new Set(items.filter((i) => i.state === 'waiting').map((i) => i.dependsOn));
  const old = items.filter((i) => i.state === 'sent' && Date.parse(i.sentAt ?? '') < before && !needed.has(i.id));
  if (old.length) await removeQueueItems(old.map((i) => i.id));
}
