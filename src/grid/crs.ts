import gcoord from 'gcoord';
import { pointOutsideTheWorld } from './grid.errors.ts';

/** Coordinate systems people send: GPS (WGS-84), Chinese web maps (GCJ-02: AMap, Tencent; BD-09: Baidu). */
export const COORDINATE_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

const GCOORD = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** A point converted from `from` to `to` (longitude, latitude). Everything is stored in WGS-84. */
export function convertPoint(
  [longitude, latitude]: [number, number],
  from: CoordinateSystem,
  to: CoordinateSystem = 'wgs84',
): [number, number] {
  if (from === to) return [longitude, latitude];
  const [x, y] = gcoord.transform([longitude, latitude], GCOORD[from], GCOORD[to]) as [number, number];
  return [x, y];
}

/**
 * A polygon geometry converted from `from` to WGS-84. gcoord converts GeoJSON in place, so it gets a
 * copy: callers' features (which may share coordinate arrays, e.g. a city outline made of its districts)
 * must never be shifted twice.
 */
export function convertGeometry<G extends GeoJSON.Polygon | GeoJSON.MultiPolygon>(
  geometry: G,
  from: CoordinateSystem,
): G {
  if (from === 'wgs84') return structuredClone(geometry);
  // gcoord's GeoJSON typings are narrower than @types/geojson's; the shapes are the same.
  return gcoord.transform(structuredClone(geometry) as never, GCOORD[from], gcoord.WGS84) as unknown as G;
}

/**
 * A point a client sent, in WGS-84, or a 400 naming the field: a valid BD-09 or GCJ-02 point near a pole
 * or the antimeridian can land just outside the world once converted (latitude −90.00000000000001).
 */
export function pointInWgs84(
  point: { longitude: number; latitude: number; crs?: CoordinateSystem },
  field: string,
): [number, number] {
  const crs = point.crs ?? 'wgs84';
  const [longitude, latitude] = convertPoint([point.longitude, point.latitude], crs);
  if (
    !(Number.isFinite(longitude) && Number.isFinite(latitude) && Math.abs(longitude) <= 180 && Math.abs(latitude) <= 90)
  ) {
    throw pointOutsideTheWorld(field, crs, [longitude, latitude]);
  }
  return [longitude, latitude];
}
