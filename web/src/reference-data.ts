import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Area, api, type Category, type HandlingBody, type Lifecycle } from './api.ts';

/** Data every page needs and that rarely changes, loaded once after sign-in. */
export interface ReferenceData {
  categories: Category[];
  bodies: HandlingBody[];
  areas: Area[];
  lifecycle: Lifecycle;
  categoryByCode: Map<string, Category>;
  bodyById: Map<string, HandlingBody>;
  areaByCode: Map<string, Area>;
  /** The named area a grid code lies in: itself, else its community, street, district (codes nest). */
  areaFor(code: string | null): Area | undefined;
}

export async function loadReferenceData(): Promise<ReferenceData> {
  const [categories, bodies, areas, lifecycle] = await Promise.all([
    api<Category[]>('/categories'),
    api<HandlingBody[]>('/handling-bodies'),
    api<Area[]>('/grid/areas'),
    api<Lifecycle>('/lifecycle'),
  ]);
  const areaByCode = new Map(areas.map((a) => [a.code, a]));
  return {
    categories,
    bodies,
    areas,
    lifecycle,
    categoryByCode: new Map(categories.map((c) => [c.code, c])),
    bodyById: new Map(bodies.map((b) => [b.id, b])),
    areaByCode,
    areaFor: (code) =>
      code ? [15, 12, 9, 6].map((n) => areaByCode.get(code.slice(0, n))).find((a) => a !== undefined) : undefined,
  };
}

export const Reference = createContext<ReferenceData | null>(null);

export function useReference(): ReferenceData {
  const data = useContext(Reference);
  if (!data) throw new Error('reference data is not loaded');
  return data;
}

/**
 * Tells the console that reference data changed (an administrator added a body or renamed a category), so
 * it is loaded again and every picker shows the change without a reload of the page.
 */
const changeListeners = new Set<() => void>();
export function onReferenceChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}
export function referenceChanged() {
  for (const listener of changeListeners) listener();
}
