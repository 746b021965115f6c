/**
 * Recording a patrol's track (巡查): after the worker's consent, `watchPosition` while the patrol runs,
 * kept to at most one point per ~30 s and only when the worker moved ≥ 50 m (or 5 minutes passed), into
 * IndexedDB; the sender packs the points into batches behind the patrol's own queue item.
 */

import { distanceMetres, type Fix, toFix } from './geo.ts';
import { packTrack, queueChanged, sendQueue } from './sender.ts';
import { addToQueue, addTrackPoint, getMeta, newKey, setMeta } from './store.ts';

const MIN_INTERVAL_MS = 30_000;
const MIN_MOVE_M = 50;
const STILL_INTERVAL_MS = 5 * 60_000;

/** The running patrol, kept so that a reload (or a restart of the phone's browser) carries on. */
export interface RunningPatrol {
  /** The queue item that starts it: the points and the end depend on it. */
  itemId: number;
  startedAt: string;
  owner: string;
  points: number;
  last: Fix | null;
}

let watchId: number | null = null;
let running: RunningPatrol | null = null;
const listeners = new Set<(patrol: RunningPatrol | null) => void>();

export function watchPatrol(listener: (patrol: RunningPatrol | null) => void): () => void {
  listeners.add(listener);
  listener(running);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(running);
}

/** At start: the patrol that was running when the app was closed, if any, records again. */
export async function resumePatrol(owner: string) {
  const kept = await getMeta<RunningPatrol>('patrol');
  if (kept && kept.owner === owner && watchId === null) {
    running = kept;
    watch();
  }
  changed();
}

/** Starts a patrol (the worker has agreed to the recording): queued at once, sent when it can be. */
export async function startPatrol(owner: string) {
  if (running) return;
  const startedAt = new Date().toISOString();
  const [itemId] = await addToQueue([
    {
      owner,
      kind: 'patrol',
      key: newKey(),
      payload: { kind: 'patrol', startedAt },
      photos: [],
      dependsOn: null,
      caseNumber: null,
      label: '',
      createdAt: startedAt,
    },
  ]);
  running = { itemId: itemId!, startedAt, owner, points: 0, last: null };
  await setMeta('patrol', running);
  watch();
  changed();
  queueChanged();
  void sendQueue(owner);
}

/** Ends the patrol: the last points, then the end, go behind it in the queue. */
export async function stopPatrol() {
  const patrol = running;
  if (!patrol) return;
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  running = null;
  await setMeta('patrol', null);
  await packTrack(patrol.owner, true);
  const endedAt = new Date().toISOString();
  await addToQueue([
    {
      owner: patrol.owner,
      kind: 'patrol_end',
      key: newKey(),
      payload: { kind: 'patrol_end', endedAt },
      photos: [],
      dependsOn: patrol.itemId,
      caseNumber: null,
      label: '',
      createdAt: endedAt,
    },
  ]);
  changed();
  queueChanged();
  void sendQueue(patrol.owner);
}

/** Stops recording without ending the patrol (sign-out): it carries on at the next sign-in. */
export function pauseRecording() {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  running = null;
  changed();
}

function watch() {
  if (!('geolocation' in navigator)) return;
  watchId = navigator.geolocation.watchPosition(
    (position) => void record(toFix(position)),
    () => {
      // No fix for now (indoors, denied): the watch carries on and records when one comes.
    },
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
}

async function record(fix: Fix) {
  const patrol = running;
  if (!patrol) return;
  const last = patrol.last;
  if (last) {
    const elapsed = Date.parse(fix.at) - Date.parse(last.at);
    const moved = distanceMetres(last, fix);
    if (elapsed < MIN_INTERVAL_MS) return;
    if (moved < MIN_MOVE_M && elapsed < STILL_INTERVAL_MS) return;
  }
  patrol.last = fix;
  patrol.points += 1;
  await addTrackPoint(patrol.owner, patrol.itemId, {
    // A fix the phone kept from just before the start (maximumAge) is where the patrol began: the server
    // takes no point from before a patrol's start.
    recordedAt: fix.at < patrol.startedAt ? patrol.startedAt : fix.at,
    longitude: fix.longitude,
    latitude: fix.latitude,
    accuracyM: fix.accuracyM,
  });
  await setMeta('patrol', patrol);
  changed();
}
