import { useEffect, useState } from 'preact/hooks';
import { type Area, api, type Category, type Lifecycle } from '../api.ts';
import type { Collection } from '../map-areas.ts';

/** What every portal page needs, public and rarely changing: categories, districts and streets, outlines. */
export interface PortalReference {
  categories: Category[];
  /** Districts and streets, for the area filter. */
  areas: Area[];
  /** The districts' outlines, drawn under the cases. */
  outlines: Collection;
  categoryByCode: Map<string, Category>;
  /** The steps the public is told of (the server's list, from /lifecycle). */
  publicSteps: ReadonlySet<string>;
}

let loading: Promise<PortalReference> | null = null;

function load(): Promise<PortalReference> {
  loading ??= Promise.all([
    api<Category[]>('/categories'),
    api<Area[]>('/grid/areas?level=district&level=street'),
    api<Collection>('/grid/areas.geojson?level=district'),
    api<Lifecycle>('/lifecycle'),
  ]).then(([categories, areas, outlines, lifecycle]) => ({
    categories,
    areas,
    outlines,
    categoryByCode: new Map(categories.map((c) => [c.code, c])),
    publicSteps: new Set(lifecycle.publicSteps),
  }));
  // A failed load is tried again by the next page that asks.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

export function usePortalReference(): { reference: PortalReference | null; error: unknown } {
  const [reference, setReference] = useState<PortalReference | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    load().then(setReference, setError);
  }, []);
  return { reference, error };
}
