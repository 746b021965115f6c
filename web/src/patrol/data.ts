/**
 * What the patrol app reads from the API, network first: each answer is kept in IndexedDB for the signed-in
 * worker, so the app opens offline with the last one (and says how old it is). The service worker caches
 * only the app shell; no API answer goes through its caches.
 */
import { ApiError, api, type CaseDetail, type CaseSummary, type Category, type Me } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { cachedAnswer, saveAnswer } from './store.ts';

export type Features = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;

export interface Loaded<T> {
  value: T;
  /** When the answer was fetched. */
  savedAt: string;
  /** Read from the phone: the server could not be reached. */
  offline: boolean;
}

/** GET /patrols/coverage: the share of the worker's unit grid cells visited this week. */
export type Coverage = Answer<'/patrols/coverage'>;

/** The statuses of a case that is still open (on the map of the worker's grid). */
export const OPEN_STATUSES = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'returned',
  'handled',
  'reopened',
  'suspended',
];

/** The server's answer, kept; or, when it cannot be reached (or fails), the kept one. */
async function networkFirst<T>(me: Me, key: string, fetchIt: () => Promise<T>): Promise<Loaded<T>> {
  try {
    const value = await fetchIt();
    await saveAnswer(me.userId, key, value);
    return { value, savedAt: new Date().toISOString(), offline: false };
  } catch (e) {
    // A refusal (the session ended, no right) is an answer: only an unreachable or failing server falls back.
    if (e instanceof ApiError && e.status < 500) throw e;
    const kept = await cachedAnswer<T>(me.userId, key);
    if (!kept) throw e;
    return { ...kept, offline: true };
  }
}

/** The codes of the areas the worker patrols (a worker placed city-wide gets the districts). */
export function myAreaCodes(me: Me): string[] {
  return Array.isArray(me.jurisdiction) ? me.jurisdiction : [];
}

/** The outlines of the worker's areas and of the areas inside them (streets, communities). */
export const loadAreas = (me: Me) =>
  networkFirst(me, 'areas', async () => {
    const codes = myAreaCodes(me);
    const answers = await Promise.all(
      codes.length
        ? codes.map((code) => api<Features>(`/grid/areas.geojson?within=${code}`))
        : [api<Features>('/grid/areas.geojson?level=district')],
    );
    return { type: 'FeatureCollection', features: answers.flatMap((a) => a.features) } as Features;
  });

/** The unit grid cells of the worker's areas (only for areas of a district or finer: a city has too many). */
export const loadUnitGrids = (me: Me) =>
  networkFirst(me, 'grids', async () => {
    const codes = myAreaCodes(me).filter((code) => code.length >= 6);
    const answers = await Promise.all(
      codes.map((code) => api<Features>(`/grid/areas.geojson?level=grid&within=${code}`)),
    );
    return { type: 'FeatureCollection', features: answers.flatMap((a) => a.features) } as Features;
  });

/** The worker's verification tasks, nearest deadline first. */
export const loadTasks = (me: Me) =>
  networkFirst(me, 'tasks', async () => (await api<{ items: CaseSummary[] }>('/cases/queue')).items);

/** The open cases the worker may see, as points. */
export const loadOpenCases = (me: Me) =>
  networkFirst(me, 'cases', () =>
    api<Features>(`/cases/map?${new URLSearchParams(OPEN_STATUSES.map((s) => ['status', s]))}`),
  );

export const loadCategories = (me: Me) => networkFirst(me, 'categories', () => api<Category[]>('/categories'));

export const loadCoverage = (me: Me) => networkFirst(me, 'coverage', () => api<Coverage>('/patrols/coverage'));

/**
 * One task in full, for the verification screen. The reporter (masked personal data) is left out of what
 * the phone keeps: verifying on site does not need it.
 */
export const loadTask = (me: Me, caseNumber: string) =>
  networkFirst(me, `case:${caseNumber}`, async () => {
    const { reporter: _reporter, ...detail } = await api<CaseDetail>(`/cases/${caseNumber}`);
    return detail as Omit<CaseDetail, 'reporter'>;
  });

/**
 * While online, keeps what the worker may need once the connection drops and the home screen does not
 * load itself: the categories (to report) and each task in full (to verify).
 */
export async function keepForOffline(me: Me): Promise<void> {
  const [, tasks] = await Promise.allSettled([loadCategories(me), loadTasks(me)]);
  if (tasks.status !== 'fulfilled' || tasks.value.offline) return;
  await Promise.allSettled(tasks.value.value.map((task) => loadTask(me, task.caseNumber)));
}
