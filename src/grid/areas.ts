import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { AREA_LEVELS, type AreaLevel } from './grid.tables.ts';
import { PlacementIndex } from './placement.ts';

type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export interface AreaSummary {
  code: string;
  parentCode: string | null;
  level: AreaLevel;
  nameZh: string;
  nameEn: string;
}

export interface AreaFilter {
  /** Only areas of these levels; by default every level above the unit grid (there can be 100,000s). */
  levels?: AreaLevel[];
  /** Only this area and those under it (a code prefix). */
  within?: string;
}

function filteredAreas(db: Db, filter: AreaFilter) {
  let query = db
    .selectFrom('grid_areas')
    .where('level', 'in', filter.levels?.length ? filter.levels : AREA_LEVELS.filter((l) => l !== 'grid'))
    .orderBy('code');
  if (filter.within) query = query.where('code', 'like', `${filter.within.replace(/[\\%_]/g, '')}%`);
  return query;
}

export async function listAreas(db: Db, filter: AreaFilter = {}): Promise<AreaSummary[]> {
  const rows = await filteredAreas(db, filter).select(['code', 'parent_code', 'level', 'name_zh', 'name_en']).execute();
  return rows.map((r) => ({
    code: r.code,
    parentCode: r.parent_code,
    level: r.level,
    nameZh: r.name_zh,
    nameEn: r.name_en,
  }));
}

export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: { code: string; level: AreaLevel; nameZh: string; nameEn: string };
    geometry: AreaGeometry;
  }>;
}

export async function areasAsGeoJson(db: Db, filter: AreaFilter = {}): Promise<AreaFeatureCollection> {
  const rows = await filteredAreas(db, filter).select(['code', 'level', 'name_zh', 'name_en', 'geometry']).execute();
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature' as const,
      properties: { code: r.code, level: r.level, nameZh: r.name_zh, nameEn: r.name_en },
      geometry: r.geometry,
    })),
  };
}

/**
 * Finds the area a WGS-84 point lies in, from an in-memory placement index over every boundary, because
 * every intake asks. `reload()` after boundaries change.
 */
export class AreaLocator {
  private index = PlacementIndex.build([]);

  constructor(private readonly db: Db) {}

  async reload(): Promise<void> {
    const rows = await this.db.selectFrom('grid_areas').select(['code', 'level', 'geometry']).execute();
    this.index = PlacementIndex.build(
      rows.map((r) => ({ code: r.code, depth: AREA_LEVELS.indexOf(r.level), geometry: r.geometry })),
    );
  }

  locate(longitude: number, latitude: number): string | null {
    return this.index.locate(longitude, latitude);
  }
}
