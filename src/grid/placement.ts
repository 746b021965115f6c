import Flatbush from 'flatbush';

type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

const METERS_PER_DEGREE = 111_320;

/**
 * How far outside every area a point may lie and still be placed, on the nearest area, marked as snapped
 * (PLACEMENT_SNAP_METRES). 50 m covers what puts a real report just outside: a phone's GPS in a street of
 * tall buildings (often 10–50 m off), a bank, pier head or promenade beyond a boundary digitised along the
 * water's edge or a park's fence, and a street whose centre line is the city's edge. It stays well short
 * of what a point in the neighbouring city usually is (across the street is 15–30 m, across a river or
 * a block far more), and at a land border that difference matters: a case snapped in is dispatched to a
 * body with no authority there, while a point left outside goes to the 12345 dispatcher, who decides.
 * Measured on the NYC 311 sample (placement.test.ts): of the 9 located reports outside every community
 * district, 7 lie within 8 m of one (on a park's edge or the shore) and are snapped, 5 of them to the
 * district 311 named (one names a park, one the district across Columbus Circle); the other 2, 139 m
 * into Bronx Park and 268 m out on the Brooklyn waterfront, go to the dispatcher.
 */
export const PLACEMENT_SNAP_METRES = 50;

/** Areas whose boundaries are this close to a snapped point are equally near: the finest of them wins. */
const EQUALLY_NEAR_METRES = 0.01;

/** Where a point was placed. */
export interface Placement {
  /** The finest area holding the point, or the nearest one within the snap distance. */
  code: string;
  /** How far outside every area the point lay (metres, to 0.1 m) when it was snapped; null when an area holds it. */
  snappedMetres: number | null;
}

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
  bounds: [number, number, number, number];
}

/** The areas of one level in a uniform grid of buckets over their bounding boxes (see PlacementIndex). */
class LevelBuckets {
  private constructor(
    private readonly areas: PackedArea[],
    private readonly minX: number,
    private readonly minY: number,
    private readonly size: number,
    private readonly columns: number,
    private readonly rows: number,
    private readonly offsets: Int32Array,
    private readonly entries: Int32Array,
    /** Every area's box, [minX, minY, maxX, maxY] in a row, so the common rejection reads one array. */
    private readonly boxes: Float64Array,
  ) {}

  static build(areas: PackedArea[]): LevelBuckets {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const { bounds } of areas) {
      minX = Math.min(minX, bounds[0]);
      minY = Math.min(minY, bounds[1]);
      maxX = Math.max(maxX, bounds[2]);
      maxY = Math.max(maxY, bounds[3]);
    }
    const width = Math.max(maxX - minX, 1e-9);
    const height = Math.max(maxY - minY, 1e-9);
    // Buckets half the size of a typical area of the level (its median box side): a bucket then meets
    // about two areas, most of which its bounding-box check rules out before any polygon test.
    const sides = areas.map(({ bounds: b }) => Math.max(b[2] - b[0], b[3] - b[1])).sort((a, b) => a - b);
    const typical = sides[sides.length >> 1]! / 2;
    // …but never more buckets than about four per area, whatever the spread of sizes.
    const size = Math.max(typical, Math.sqrt((width * height) / (4 * areas.length)), 1e-9);
    const columns = Math.max(1, Math.ceil(width / size));
    const rows = Math.max(1, Math.ceil(height / size));
    const counts = new Int32Array(columns * rows + 1);
    const span = (bounds: PackedArea['bounds']) => {
      const c0 = Math.min(columns - 1, Math.floor((bounds[0] - minX) / size));
      const c1 = Math.min(columns - 1, Math.floor((bounds[2] - minX) / size));
      const r0 = Math.min(rows - 1, Math.floor((bounds[1] - minY) / size));
      const r1 = Math.min(rows - 1, Math.floor((bounds[3] - minY) / size));
      return [c0, c1, r0, r1] as const;
    };
    for (const area of areas) {
      const [c0, c1, r0, r1] = span(area.bounds);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) counts[r * columns + c + 1]!++;
    }
    for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
    const offsets = counts;
    const entries = new Int32Array(offsets[offsets.length - 1]!);
    const next = offsets.slice(0, -1);
    areas.forEach((area, i) => {
      const [c0, c1, r0, r1] = span(area.bounds);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) entries[next[r * columns + c]!++] = i;
    });
    const boxes = new Float64Array(areas.length * 4);
    for (const [i, area] of areas.entries()) boxes.set(area.bounds, i * 4);
    return new LevelBuckets(areas, minX, minY, size, columns, rows, offsets, entries, boxes);
  }

  locate(x: number, y: number): PackedArea | null {
    const column = Math.floor((x - this.minX) / this.size);
    const row = Math.floor((y - this.minY) / this.size);
    if (column < 0 || row < 0 || column >= this.columns || row >= this.rows) return null;
    const bucket = row * this.columns + column;
    const boxes = this.boxes;
    for (let e = this.offsets[bucket]!, end = this.offsets[bucket + 1]!; e < end; e++) {
      const i = this.entries[e]!;
      const k = i * 4;
      if (x < boxes[k]! || y < boxes[k + 1]! || x > boxes[k + 2]! || y > boxes[k + 3]!) continue;
      const area = this.areas[i]!;
      if (containsPoint(area.polygons, x, y)) return area;
    }
    return null;
  }
}

/**
 * Point → area placement, built once from the boundaries and rebuilt when they change; read-only
 * afterwards, so one index serves every request.
 *
 * Lookups go level by level from the finest (unit grids) up, and the first level with an area holding
 * the point answers. Each level has a uniform bucket grid over its areas' bounding boxes (a CSR layout:
 * one Int32Array of area numbers, one of offsets), sized so a bucket holds about one area of that level:
 * a lookup computes its bucket and tests the few areas in it, with no allocation. This is hand-written
 * because lookups are the hot path (every intake, every map click, bulk imports) and Flatbush's tree walk
 * tops out below a million lookups a second here (bench/grid.ts); Flatbush still serves the range queries
 * (`nearest`, `touching`).
 *
 * The point-in-polygon test is also written here, over packed typed arrays, rather than taken from
 * @turf/boolean-point-in-polygon, for the same reason. It is the crossing-number rule with half-open
 * edges, so a point on an edge shared by two areas of a partition falls in exactly one of them, the same
 * one every time; if two areas of one level ever both hold a point (overlapping input), the smaller code
 * wins.
 */
export class PlacementIndex {
  private constructor(
    private readonly areas: PackedArea[],
    private readonly tree: Flatbush | null,
    /** Finest level first. */
    private readonly levels: LevelBuckets[],
  ) {}

  static build(areas: readonly PlaceableArea[]): PlacementIndex {
    if (areas.length === 0) return new PlacementIndex([], null, []);
    // Sorted by code, so every bucket lists its areas in code order and the first hit is the smallest code.
    const packed = areas.map(pack).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const tree = new Flatbush(packed.length);
    for (const area of packed) tree.add(area.bounds[0], area.bounds[1], area.bounds[2], area.bounds[3]);
    tree.finish();
    const depths = [...new Set(packed.map((a) => a.depth))].sort((a, b) => b - a);
    const levels = depths.map((depth) => LevelBuckets.build(packed.filter((a) => a.depth === depth)));
    return new PlacementIndex(packed, tree, levels);
  }

  /**
   * The area whose boundary is nearest to a point that no area holds, and how far it is, if within
   * `maxMeters`: for a report just off the edge (a pier, a river bank, GPS drift) or inside a hole that
   * belongs to no area. Where several areas are equally near (a unit grid on its district's edge), the
   * finest wins, then the smallest code. Distances use a local equirectangular projection, exact enough
   * at these ranges.
   */
  nearest(longitude: number, latitude: number, maxMeters: number): { code: string; meters: number } | null {
    if (!this.tree || !Number.isFinite(longitude) || !Number.isFinite(latitude) || maxMeters <= 0) return null;
    const metersPerDegreeY = METERS_PER_DEGREE;
    const metersPerDegreeX = metersPerDegreeY * Math.cos((latitude * Math.PI) / 180);
    const maxDegrees = maxMeters / Math.min(metersPerDegreeX, metersPerDegreeY);
    const near = this.tree
      .neighbors(longitude, latitude, Infinity, maxDegrees)
      .map((i) => {
        const area = this.areas[i]!;
        return {
          area,
          meters: distanceToBoundary(area.polygons, longitude, latitude, metersPerDegreeX, metersPerDegreeY),
        };
      })
      .filter((candidate) => candidate.meters <= maxMeters);
    if (near.length === 0) return null;
    const nearest = Math.min(...near.map((candidate) => candidate.meters));
    const [best] = near
      .filter((candidate) => candidate.meters <= nearest + EQUALLY_NEAR_METRES)
      .sort((a, b) => b.area.depth - a.area.depth || (a.area.code < b.area.code ? -1 : 1));
    return { code: best!.area.code, meters: nearest };
  }

  /**
   * The product's placement of a WGS-84 point: the finest area holding it, else the nearest area within
   * `snapMeters` (PLACEMENT_SNAP_METRES), marked as snapped; null beyond that (outside the jurisdiction).
   */
  place(longitude: number, latitude: number, snapMeters: number): Placement | null {
    const code = this.locate(longitude, latitude);
    if (code) return { code, snappedMetres: null };
    const nearest = this.nearest(longitude, latitude, snapMeters);
    return nearest ? { code: nearest.code, snappedMetres: Math.round(nearest.meters * 10) / 10 } : null;
  }

  /** The code of the finest area holding the WGS-84 point, or null when no area holds it. */
  locate(longitude: number, latitude: number): string | null {
    if (!Number.isFinite(longitude) || !Number.isFinite(latitude)) return null;
    for (const level of this.levels) {
      const area = level.locate(longitude, latitude);
      if (area) return area.code;
    }
    return null;
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
  const polygons = packGeometry(area.geometry);
  return { code: area.code, depth: area.depth, polygons, bounds: bounds(polygons) };
}

/** A geometry's bounding box, [minX, minY, maxX, maxY]. */
export function boundingBox(geometry: Geometry): [number, number, number, number] {
  return bounds(packGeometry(geometry));
}

/** A geometry's rings as flat [x0, y0, x1, y1, …] arrays, polygon by polygon, outer ring first. */
export function packGeometry(geometry: Geometry): Float64Array[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((rings) => rings.map((ring) => Float64Array.from(ring.flatMap(([x, y]) => [x!, y!]))));
}

function bounds(polygons: Float64Array[][]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygons) {
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
