import type { Db } from '../db/database.ts';
import { AREA_LEVELS, PlacementIndex } from '../grid/index.ts';

type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/**
 * Points coarsened to their unit grid cell (单元网格): open data never carries a case's own point, only
 * the cell it lies in and that cell's centroid, so a published location says "within this 100 m cell"
 * and no more. The cells are the grid domain's own (level `grid` in grid_areas), located with its
 * placement index; a point in no cell (outside the cut grids) is not coarsened, and a release leaves it out.
 */
export interface CoarsePoint {
  code: string;
  centroid: [number, number];
}

export class PointCoarsener {
  private constructor(
    private readonly index: PlacementIndex,
    private readonly centroids: Map<string, [number, number]>,
  ) {}

  /** Over the unit grid cells as they are now. */
  static async load(db: Db): Promise<PointCoarsener> {
    const rows = await db.selectFrom('grid_areas').select(['code', 'geometry']).where('level', '=', 'grid').execute();
    const depth = AREA_LEVELS.indexOf('grid');
    return new PointCoarsener(
      PlacementIndex.build(rows.map((r) => ({ code: r.code, depth, geometry: r.geometry }))),
      new Map(rows.map((r) => [r.code, centroidOf(r.geometry)])),
    );
  }

  /** The unit cell holding the point and its centroid; null when no cell holds it (never snapped: a cell is exact). */
  coarsen(longitude: number, latitude: number): CoarsePoint | null {
    const code = this.index.locate(longitude, latitude);
    return code === null ? null : { code, centroid: this.centroids.get(code)! };
  }
}

/**
 * The area-weighted centroid of a polygon or multipolygon (holes subtracted), by the shoelace formula in
 * degrees: at a city's scale, and for cells 100 m across, the distortion of treating degrees as planar is
 * far below the 6th decimal the centroid is rounded to. Falls back to the first ring's first vertex for a
 * degenerate (zero-area) geometry.
 */
export function centroidOf(geometry: Geometry): [number, number] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const rings of polygons) {
    for (const [r, ring] of rings.entries()) {
      // Outer rings add, holes subtract, whichever way each is wound.
      let ringArea = 0;
      let ringX = 0;
      let ringY = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i]!;
        const [x1, y1] = ring[i + 1]!;
        const cross = x0! * y1! - x1! * y0!;
        ringArea += cross;
        ringX += (x0! + x1!) * cross;
        ringY += (y0! + y1!) * cross;
      }
      const sign = Math.sign(ringArea) * (r === 0 ? 1 : -1);
      area += (sign * ringArea) / 2;
      cx += (sign * ringX) / 6;
      cy += (sign * ringY) / 6;
    }
  }
  if (area === 0) {
    const [x, y] = polygons[0]![0]![0]!;
    return [round6(x!), round6(y!)];
  }
  return [round6(cx / area), round6(cy / area)];
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
