import type { Generated, JSONColumnType } from 'kysely';

export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** An administrative area of the city grid, with its boundary in WGS-84 (GeoJSON geometry). */
export interface GridAreaTable {
  code: string;
  parent_code: string | null;
  level: AreaLevel;
  name_zh: string;
  name_en: string;
  geometry: JSONColumnType<GeoJSON.Polygon | GeoJSON.MultiPolygon>;
  created_at: Generated<Date>;
}

/** The community committee or street office responsible for an area. */
export interface AreaResponsibilityTable {
  area_code: string;
  handling_body_id: string;
}

export interface GridTables {
  grid_areas: GridAreaTable;
  area_responsibilities: AreaResponsibilityTable;
}
