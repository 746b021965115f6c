/** Area outlines the console's maps start from, read from the grid API. */
import { api, type Reach } from './api.ts';
import type { BasemapTiles } from './map.ts';
import type { ReferenceData } from './reference-data.ts';

export type Collection = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;

/** One area's own outline (the GeoJSON route answers an area with those under it). */
export async function outlineOf(code: string, level: string): Promise<Collection> {
  const within = await api<Collection>(`/grid/areas.geojson?${new URLSearchParams({ level, within: code })}`);
  return { type: 'FeatureCollection', features: within.features.filter((f) => f.properties.code === code) };
}

/**
 * Where a user's work is: the outlines of their areas, or the city's districts for a city-wide reach
 * (and for users with no areas, e.g. citizens: the whole city is where they may report).
 */
export async function reachOutlines(reach: Reach | undefined, reference: Pick<ReferenceData, 'areaByCode'>) {
  if (!Array.isArray(reach) || reach.length === 0) {
    return api<Collection>('/grid/areas.geojson?level=district');
  }
  // Unit grids are not among the reference areas (a city has too many): a code not found is a grid's.
  const outlines = await Promise.all(
    reach.map((code) => outlineOf(code, reference.areaByCode.get(code)?.level ?? 'grid')),
  );
  return { type: 'FeatureCollection', features: outlines.flatMap((o) => o.features) } as Collection;
}

let basemap: Promise<BasemapTiles | null> | undefined;

/** The tiles the city configured for its maps, or null (asked once per page). */
export function basemapTiles(): Promise<BasemapTiles | null> {
  basemap ??= api<{ tiles: BasemapTiles | null }>('/grid/basemap')
    .then((answer) => answer.tiles)
    .catch(() => null);
  return basemap;
}
