import {
  cellToBoundary,
  cellToLatLng,
  getHexagonEdgeLengthAvg,
  POLYGON_TO_CELLS_FLAGS,
  polygonToCellsExperimental,
} from 'h3-js';
import { containsPoint, packGeometry } from './placement.ts';
import { clip, edgeIndex, type GeneratedCell } from './square-cells.ts';

type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;
const METERS_PER_DEGREE = 111_320;

/**
 * H3 hexagons of a resolution (9 ≈ 0.1 km², 10 ≈ 0.015 km²) covering a parent area, clipped to it, in
 * reading order of their centres (north → south, then west → east).
 *
 * Every hexagon that overlaps the area is taken (h3-js's "overlapping" containment); one the boundary
 * does not cross is kept whole. A boundary hexagon is clipped, not against the whole outline (thousands
 * of vertices, milliseconds a cut) but against the outline's piece in its block of about ten hexagons a
 * side, cut once per block and shared by every hexagon there.
 */
export function h3Cells(
  parent: AreaGeometry,
  resolution: number,
  onProgress?: (done: number, total: number) => void,
): GeneratedCell[] {
  const packed = packGeometry(parent);
  const edges = edgeIndex(packed);
  const polygons = parent.type === 'Polygon' ? [parent.coordinates] : parent.coordinates;
  const ids = new Set<string>();
  for (const rings of polygons) {
    for (const id of polygonToCellsExperimental(
      rings,
      resolution,
      POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
      true,
    )) {
      ids.add(id);
    }
  }

  // Degrees of latitude per hexagon edge, generously: blocks overlap by two edges so a hexagon always fits.
  const edge = getHexagonEdgeLengthAvg(resolution, 'm') / METERS_PER_DEGREE;
  const block = 10 * 2 * edge;
  const pieces = new Map<string, AreaGeometry | null>();
  const pieceFor = (x: number, y: number) => {
    const bx = Math.floor(x / block);
    const by = Math.floor(y / block);
    const key = `${bx},${by}`;
    if (!pieces.has(key)) {
      const margin = (3 * edge) / Math.cos((y * Math.PI) / 180);
      const [x0, y0, x1, y1] = [
        bx * block - margin,
        by * block - margin,
        (bx + 1) * block + margin,
        (by + 1) * block + margin,
      ];
      pieces.set(
        key,
        clip(parent, {
          type: 'Polygon',
          coordinates: [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        }),
      );
    }
    return pieces.get(key) ?? null;
  };

  const found: Array<GeneratedCell & { x: number; y: number }> = [];
  let done = 0;
  for (const id of ids) {
    const ring = cellToBoundary(id, true) as Array<[number, number]>;
    const hexagon: GeoJSON.Polygon = { type: 'Polygon', coordinates: [ring] };
    const [y, x] = cellToLatLng(id);
    const xs = ring.map(([rx]) => rx);
    const ys = ring.map(([, ry]) => ry);
    const crossed = edges.tree.search(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)).length > 0;
    if (!crossed) {
      if (containsPoint(packed, x, y)) found.push({ row: 0, column: 0, geometry: hexagon, clipped: false, x, y });
    } else {
      const piece = pieceFor(x, y);
      const cut = piece ? clip(piece, hexagon) : null;
      if (cut) found.push({ row: 0, column: 0, geometry: cut, clipped: true, x, y });
    }
    onProgress?.(++done, ids.size);
  }
  found.sort((a, b) => b.y - a.y || a.x - b.x);
  return found.map(({ x: _x, y: _y, ...cell }, i) => ({ ...cell, row: i, column: 0 }));
}
