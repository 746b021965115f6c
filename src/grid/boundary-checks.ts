import area from '@turf/area';
import difference from '@turf/difference';
import { featureCollection } from '@turf/helpers';
import intersect from '@turf/intersect';
import rewind from '@turf/rewind';
import { boundingBox } from './placement.ts';

type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** What can be wrong with a boundary feature. Warnings are fixed or tolerated; errors stop the import. */
export type ProblemKind =
  | 'missing_code'
  | 'missing_name'
  | 'bad_code'
  | 'duplicate_code'
  | 'not_a_polygon'
  | 'bad_ring'
  | 'bad_coordinates'
  | 'self_intersection'
  | 'overlaps_sibling'
  | 'outside_parent'
  | 'unknown_parent'
  | 'rewound'
  | 'sliver_overlap'
  | 'named_by_code';

const WARNINGS: ReadonlySet<ProblemKind> = new Set(['rewound', 'sliver_overlap', 'named_by_code']);

export interface BoundaryProblem {
  /** 0-based position of the feature in the file (-1: the import as a whole). */
  feature: number;
  code: string | null;
  name: string | null;
  problem: ProblemKind;
  severity: 'error' | 'warning';
  detail: string;
}

export function problem(
  feature: number,
  code: string | null,
  name: string | null,
  kind: ProblemKind,
  detail: string,
): BoundaryProblem {
  return { feature, code, name, problem: kind, severity: WARNINGS.has(kind) ? 'warning' : 'error', detail };
}

/** Overlaps larger than this share of the smaller area are errors; smaller ones are digitising slivers. */
export const OVERLAP_TOLERANCE = 0.001;
/** A child may stick out of its parent by this share of its area (boundary files rarely match exactly). */
export const OUTSIDE_PARENT_TOLERANCE = 0.005;

/** Structural checks of one geometry: rings closed, at least 4 positions, coordinates on the globe. */
export function ringProblems(geometry: AreaGeometry): string | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (polygons.length === 0) return 'no polygons';
  for (const [p, rings] of polygons.entries()) {
    if (rings.length === 0) return `polygon ${p + 1} has no rings`;
    for (const [r, ring] of rings.entries()) {
      const where = `polygon ${p + 1}, ring ${r + 1}`;
      if (!Array.isArray(ring) || ring.length < 4) return `${where} has fewer than 4 positions`;
      for (const position of ring) {
        const [x, y] = position as number[];
        if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x!) > 180 || Math.abs(y!) > 90) {
          return `${where} has a position that is not a longitude/latitude: ${JSON.stringify(position)}`;
        }
      }
      const first = ring[0]!;
      const last = ring.at(-1)!;
      if (first[0] !== last[0] || first[1] !== last[1])
        return `${where} is not closed (first and last positions differ)`;
    }
  }
  return null;
}

/** The geometry with RFC 7946 winding (outer rings counter-clockwise, holes clockwise), and whether it changed. */
export function withStandardWinding<G extends AreaGeometry>(geometry: G): { geometry: G; changed: boolean } {
  const rewound = rewind(geometry, { mutate: false }) as G;
  return { geometry: rewound, changed: JSON.stringify(rewound.coordinates) !== JSON.stringify(geometry.coordinates) };
}

const feature = (geometry: AreaGeometry): GeoJSON.Feature<AreaGeometry> => ({
  type: 'Feature',
  properties: {},
  geometry,
});

/** Square metres two areas share (0 when their boxes do not even meet). */
export function sharedArea(a: AreaGeometry, b: AreaGeometry): number {
  const [ax0, ay0, ax1, ay1] = boundingBox(a);
  const [bx0, by0, bx1, by1] = boundingBox(b);
  if (ax1 < bx0 || bx1 < ax0 || ay1 < by0 || by1 < ay0) return 0;
  const shared = intersect(featureCollection([feature(a), feature(b)]));
  return shared ? area(shared) : 0;
}

/** Square metres of `child` outside `parent`. */
export function areaOutside(child: AreaGeometry, parent: AreaGeometry): number {
  const outside = difference(featureCollection([feature(child), feature(parent)]));
  return outside ? area(outside) : 0;
}

export function squareMeters(geometry: AreaGeometry): number {
  return area(feature(geometry));
}
