import type { Db } from '../db/database.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { likePrefix } from '../lib/like.ts';
import { AREA_LEVELS, type AreaLevel } from './grid.tables.ts';
import { PLACEMENT_SNAP_METRES, type Placement, PlacementIndex } from './placement.ts';

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
  if (filter.within) query = query.where('code', 'like', likePrefix(filter.within));
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

/** Bumped whenever boundaries change, so every app instance knows to rebuild its placement index. */
const GRID_VERSION = 'grid_version';

export async function markGridChanged(db: Db): Promise<void> {
  await writeSetting(db, GRID_VERSION, new Date().toISOString());
}

/**
 * Finds the area a WGS-84 point lies in, from an in-memory placement index over every boundary, because
 * every intake asks. A point just outside every area is placed on the nearest one within `snapMetres`
 * (PLACEMENT_SNAP_METRES) and marked as snapped. `refreshIfChanged()` (run every few seconds by the
 * server) rebuilds the index when any instance changed the boundaries.
 */
export class AreaLocator {
  private index = PlacementIndex.build([]);
  private version: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly snapMetres: number = PLACEMENT_SNAP_METRES,
  ) {}

  async reload(): Promise<void> {
    const version = await readSetting<string>(this.db, GRID_VERSION);
    const rows = await this.db.selectFrom('grid_areas').select(['code', 'level', 'geometry']).execute();
    this.index = PlacementIndex.build(
      rows.map((r) => ({ code: r.code, depth: AREA_LEVELS.indexOf(r.level), geometry: r.geometry })),
    );
    this.version = version;
  }

  async refreshIfChanged(): Promise<boolean> {
    if ((await readSetting<string>(this.db, GRID_VERSION)) === this.version) return false;
    await this.reload();
    return true;
  }

  /** Where the point is placed (the area, and whether it was snapped there); null outside the jurisdiction. */
  place(longitude: number, latitude: number): Placement | null {
    return this.index.place(longitude, latitude, this.snapMetres);
  }

  /** The code of the area the point is placed in (snapped or not), or null outside the jurisdiction. */
  locate(longitude: number, latitude: number): string | null {
    return this.place(longitude, latitude)?.code ?? null;
  }
}

/** An area and the areas above it, from the city down. */
export async function areaPath(db: Db, code: string): Promise<AreaSummary[]> {
  const path: AreaSummary[] = [];
  for (let next: string | null = code; next && path.length < 8; ) {
    const row = await db
      .selectFrom('grid_areas')
      .select(['code', 'parent_code', 'level', 'name_zh', 'name_en'])
      .where('code', '=', next)
      .executeTakeFirst();
    if (!row) break;
    path.unshift({
      code: row.code,
      parentCode: row.parent_code,
      level: row.level,
      nameZh: row.name_zh,
      nameEn: row.name_en,
    });
    next = row.parent_code;
  }
  return path;
}
