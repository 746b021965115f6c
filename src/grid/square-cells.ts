import area from '@turf/area';
import { featureCollection } from '@turf/helpers';
import intersect from '@turf/intersect';
import Flatbush from 'flatbush';
import { containsPoint, packGeometry } from './placement.ts';

type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export interface GeneratedCell {
  /** Row and column in the cell lattice: rows run north → south, columns west → east. */
  row: number;
  column: number;
  geometry: AreaGeometry;
  /** Whether the cell was cut by the parent's boundary (it is then smaller than a full square). */
  clipped: boolean;
}

const METERS_PER_DEGREE = 111_320;
/** Blocks of at most this many cells a side are cut cell by cell; larger ones are split in four first. */
const LEAF_CELLS = 8;

/**
 * Square unit-grid cells of `cellMeters` (万米单元网格: 100 m) covering a parent area, clipped to it, in
 * reading order (north → south, then west → east), the order their sequence numbers follow.
 *
 * The lattice lies in a local equirectangular plane around the parent's mid-latitude, so cells are
 * `cellMeters` on the ground to within a fraction of a percent across a county. Every corner is computed
 * from its lattice index alone, so neighbouring cells share edges exactly: no gaps, no overlaps.
 *
 * Clipping is what costs: cutting one square against a district outline of thousands of vertices takes
 * milliseconds, and a district has thousands of boundary cells. So the lattice is walked as a quadtree:
 * a block that no boundary edge crosses (found with an R-tree of the edges) is wholly inside or outside
 * and needs no clipping at all; a block the boundary crosses is clipped once to the block, and its four
 * quarters are cut from that smaller piece, down to single cells.
 */
export function squareCells(
  parent: AreaGeometry,
  cellMeters: number,
  onProgress?: (done: number, total: number) => void,
): GeneratedCell[] {
  const packed = packGeometry(parent);
  const edges = edgeIndex(packed);
  const [minX, minY, maxX, maxY] = edges.bounds;
  const midLatitude = (minY + maxY) / 2;
  const dx = cellMeters / (METERS_PER_DEGREE * Math.cos((midLatitude * Math.PI) / 180));
  const dy = cellMeters / METERS_PER_DEGREE;
  const columns = Math.max(1, Math.ceil((maxX - minX) / dx));
  const rows = Math.max(1, Math.ceil((maxY - minY) / dy));
  const x = (column: number) => minX + column * dx;
  const y = (row: number) => maxY - row * dy;
  const rectangle = (r0: number, r1: number, c0: number, c1: number): GeoJSON.Polygon => ({
    type: 'Polygon',
    coordinates: [
      [
        [x(c0), y(r0)],
        [x(c0), y(r1)],
        [x(c1), y(r1)],
        [x(c1), y(r0)],
        [x(c0), y(r0)],
      ],
    ],
  });
  const crossed = (r0: number, r1: number, c0: number, c1: number) =>
    edges.tree.search(x(c0), y(r1), x(c1), y(r0)).length > 0;

  const cells: GeneratedCell[] = [];
  let done = 0;
  const total = rows * columns;
  const finished = (count: number) => {
    done += count;
    onProgress?.(done, total);
  };

  const visit = (region: AreaGeometry, r0: number, r1: number, c0: number, c1: number) => {
    if (!crossed(r0, r1, c0, c1)) {
      // Wholly inside or wholly outside the parent: the block's centre decides for all its cells.
      if (containsPoint(packed, (x(c0) + x(c1)) / 2, (y(r0) + y(r1)) / 2)) {
        for (let row = r0; row < r1; row++) {
          for (let column = c0; column < c1; column++) {
            cells.push({ row, column, geometry: rectangle(row, row + 1, column, column + 1), clipped: false });
          }
        }
      }
      finished((r1 - r0) * (c1 - c0));
      return;
    }
    if (r1 - r0 <= LEAF_CELLS && c1 - c0 <= LEAF_CELLS) {
      for (let row = r0; row < r1; row++) {
        for (let column = c0; column < c1; column++) {
          if (!crossed(row, row + 1, column, column + 1)) {
            if (containsPoint(packed, (x(column) + x(column + 1)) / 2, (y(row) + y(row + 1)) / 2)) {
              cells.push({ row, column, geometry: rectangle(row, row + 1, column, column + 1), clipped: false });
            }
            continue;
          }
          const piece = clip(region, rectangle(row, row + 1, column, column + 1));
          if (piece) cells.push({ row, column, geometry: piece, clipped: true });
        }
      }
      finished((r1 - r0) * (c1 - c0));
      return;
    }
    const rm = r1 - r0 > LEAF_CELLS ? (r0 + r1) >> 1 : r1;
    const cm = c1 - c0 > LEAF_CELLS ? (c0 + c1) >> 1 : c1;
    for (const [a0, a1] of rm < r1
      ? [
          [r0, rm],
          [rm, r1],
        ]
      : [[r0, r1]]) {
      for (const [b0, b1] of cm < c1
        ? [
            [c0, cm],
            [cm, c1],
          ]
        : [[c0, c1]]) {
        if (!crossed(a0!, a1!, b0!, b1!)) {
          visit(region, a0!, a1!, b0!, b1!);
          continue;
        }
        const piece = clip(region, rectangle(a0!, a1!, b0!, b1!));
        if (piece) visit(piece, a0!, a1!, b0!, b1!);
        else finished((a1! - a0!) * (b1! - b0!));
      }
    }
  };

  visit(parent, 0, rows, 0, columns);
  return cells.sort((a, b) => a.row - b.row || a.column - b.column);
}

/** The part of `region` inside `rectangle`, or null when nothing (or only a rounding sliver) is left. */
export function clip(region: AreaGeometry, rectangle: GeoJSON.Polygon): AreaGeometry | null {
  const piece = intersect(
    featureCollection<AreaGeometry>([
      { type: 'Feature', properties: {}, geometry: rectangle },
      { type: 'Feature', properties: {}, geometry: region },
    ]),
  );
  // Slivers under a square centimetre are rounding, not territory.
  return piece && area(piece) > 1e-4 ? piece.geometry : null;
}

export function edgeIndex(packed: Float64Array[][]) {
  let count = 0;
  for (const rings of packed) for (const ring of rings) count += ring.length / 2 - 1;
  const tree = new Flatbush(Math.max(count, 1));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const rings of packed) {
    for (const ring of rings) {
      for (let i = 0; i + 3 < ring.length; i += 2) {
        const [x1, y1, x2, y2] = [ring[i]!, ring[i + 1]!, ring[i + 2]!, ring[i + 3]!];
        tree.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
        minX = Math.min(minX, x1);
        maxX = Math.max(maxX, x1);
        minY = Math.min(minY, y1);
        maxY = Math.max(maxY, y1);
      }
    }
  }
  if (count === 0) tree.add(0, 0, 0, 0);
  tree.finish();
  return { tree, bounds: [minX, minY, maxX, maxY] as const };
}
