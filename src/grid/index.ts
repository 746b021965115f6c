export { AreaLocator, type AreaSummary, areasAsGeoJson, importAreas, listAreas, type SourceCrs } from './areas.ts';
export type { GridTables } from './grid.tables.ts';
export { gridRoutes } from './grid.routes.ts';
