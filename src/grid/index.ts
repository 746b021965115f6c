export { AreaLocator, type AreaSummary, areasAsGeoJson, importAreas, listAreas, type SourceCrs } from './areas.ts';
export { gridRoutes } from './grid.routes.ts';
export type { GridTables } from './grid.tables.ts';
export { type PlaceableArea, PlacementIndex } from './placement.ts';
