import Flatbush from 'flatbush';

type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

const METERS_PER_DEGREE = 111_320;

export interface PlaceableArea {
  code: string;
  /** How deep in the hierarchy: a finer area (larger depth) wins over the coarser one around it. */
  depth: number;
  geometry: Geometry;
}

/** One area's polygons as flat [x0, y0, x1, y1, …] rings: outer ring first, then its holes. */
interface PackedArea {
  code: string;
  depth: number;
  polygons: Float64Array[][];
}

/**
 * Point → area placement: a Flatbush R-tree over the areas' bounding boxes narrows a point to a few
 * candidates, then an exact point-in-polygon test decides. Built once from the boundaries and rebuilt
 * when they change; read-only afterwards, so one index serves every request.
 *
 * The point-in-polygon test is written here rather than taken from @turf/boolean-point-in-polygon because
 * it runs on every lookup: over packed typed arrays it is several times faster than walking GeoJSON
 * arrays. It is the crossing-number rule with half-open edges, so a point on an edge shared by two areas
 * of a partition falls in exactly one of them, the same one every time; if two areas of the same depth
 * ever both claim a point (overlapping input), the smaller code wins.
 */
export class PlacementIndex {
  private constructor(
    private readonly areas: PackedArea[],
    private readonly tree: Flatbush | null,
  ) {}

  static build(areas: readonly PlaceableArea[]): PlacementIndex {
    if (areas.length === 0) return new PlacementIndex([], null);
    const packed = areas.map(pack);
    const tree = new Flatbush(areas.length);
    for (const area of packed) {
      const [minX, minY, maxX, maxY] = bounds(area);
      tree.add(minX, minY, maxX, maxY);
    }
    tree.finish();
    return new PlacementIndex(packed, tree);
  }

  get size(): number {
    return this.areas.length;
  }

  /**
   * The code of the area whose boundary is nearest to a point that no area holds, if it is within
   * `maxMeters`: for a report just off the edge (a pier, a river bank, GPS drift) or inside a hole that
   * belongs to no area. Distances use a local equirectangular projection, exact enough at these ranges.
   */
  nearest(longitude: number, latitude: number, maxMeters: number): string | null {
    if (!this.tree || !Number.isFinite(longitude) || !Number.isFinite(latitude) || maxMeters <= 0) return null;
    const metersPerDegreeY = METERS_PER_DEGREE;
    const metersPerDegreeX = metersPerDegreeY * Math.cos((latitude * Math.PI) / 180);
    const maxDegrees = maxMeters / Math.min(metersPerDegreeX, metersPerDegreeY);
    let best: { area: PackedArea; meters: number } | null = null;
    for (const i of this.tree.neighbors(longitude, latitude, Infinity, maxDegrees)) {
      const area = this.areas[i]!;
      const meters = distanceToBoundary(area.polygons, longitude, latitude, metersPerDegreeX, metersPerDegreeY);
      if (meters > maxMeters) continue;
      if (!best || meters < best.meters || (meters === best.meters && area.code < best.area.code))
        best = { area, meters };
    }
    return best?.area.code ?? null;
  }

  /** The code of the finest area holding the WGS-84 point, or null when no area holds it. */
  locate(longitude: number, latitude: number): string | null {
    if (!this.tree || !Number.isFinite(longitude) || !Number.isFinite(latitude)) return null;
    const candidates = this.tree.search(longitude, latitude, longitude, latitude);
    let best: PackedArea | null = null;
    for (const i of candidates) {
      const area = this.areas[i]!;
      if (best && (area.depth < best.depth || (area.depth === best.depth && area.code > best.code))) continue;
      if (containsPoint(area.polygons, longitude, latitude)) best = area;
    }
    return best?.code ?? null;
  }

  /**
   * Every area whose boundary passes within `meters` of the point or that holds it: the areas a point on
   * a shared boundary (a street intersection where districts meet) belongs to, all of them equally.
   */
  touching(longitude: number, latitude: number, meters: number): string[] {
    if (!this.tree) return [];
    const kx = METERS_PER_DEGREE * Math.cos((latitude * Math.PI) / 180);
    const margin = meters / Math.min(kx, METERS_PER_DEGREE);
    const codes = new Set<string>();
    for (const i of this.tree.search(longitude - margin, latitude - margin, longitude + margin, latitude + margin)) {
      const area = this.areas[i]!;
      if (
        containsPoint(area.polygons, longitude, latitude) ||
        distanceToBoundary(area.polygons, longitude, latitude, kx, METERS_PER_DEGREE) <= meters
      ) {
        codes.add(area.code);
      }
    }
    return [...codes].sort();
  }
}

function pack(area: PlaceableArea): PackedArea {
  const polygons = area.geometry.type === 'Polygon' ? [area.geometry.coordinates] : area.geometry.coordinates;
  return {
    code: area.code,
    depth: area.depth,
    polygons: polygons.map((rings) => rings.map((ring) => Float64Array.from(ring.flatMap(([x, y]) => [x!, y!])))),
  };
}

function bounds(area: PackedArea): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of area.polygons) {
    const outer = polygon[0];
    if (!outer) continue;
    for (let i = 0; i < outer.length; i += 2) {
      minX = Math.min(minX, outer[i]!);
      maxX = Math.max(maxX, outer[i]!);
      minY = Math.min(minY, outer[i + 1]!);
      maxY = Math.max(maxY, outer[i + 1]!);
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Inside some polygon's outer ring and outside all of that polygon's holes. */
export function containsPoint(polygons: Float64Array[][], x: number, y: number): boolean {
  for (const rings of polygons) {
    if (!rings[0] || !insideRing(rings[0], x, y)) continue;
    let inHole = false;
    for (let h = 1; h < rings.length && !inHole; h++) inHole = insideRing(rings[h]!, x, y);
    if (!inHole) return true;
  }
  return false;
}

function insideRing(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = ring[i]!;
    const yi = ring[i + 1]!;
    const xj = ring[j]!;
    const yj = ring[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToBoundary(polygons: Float64Array[][], x: number, y: number, kx: number, ky: number): number {
  let best = Infinity;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i + 3 < ring.length; i += 2) {
        best = Math.min(best, segmentDistance(x, y, ring[i]!, ring[i + 1]!, ring[i + 2]!, ring[i + 3]!, kx, ky));
      }
    }
  }
  return best;
}

/** Distance in metres from (x, y) to the segment (x1, y1)–(x2, y2), all in degrees, scaled by kx, ky. */
function segmentDistance(x: number, y: number, x1: number, y1: number, x2: number, y2: number, kx: number, ky: number) {
  const px = (x - x1) * kx;
  const py = (y - y1) * ky;
  const dx = (x2 - x1) * kx;
  const dy = (y2 - y1) * ky;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / lengthSquared));
  return Math.hypot(px - t * dx, py - t * dy);
}
