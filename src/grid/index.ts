export { AreaLocator, type AreaSummary, areasAsGeoJson, listAreas } from './areas.ts';
export type { BoundaryProblem } from './boundary-checks.ts';
export { type AreaFeatureMapping, type BoundaryImportReport, importAreas } from './boundary-import.ts';
export { COORDINATE_SYSTEMS, type CoordinateSystem, convertPoint } from './crs.ts';
export { cellCode, type GeneratedGridReport, GRID_CODE_LENGTH, generateGrid } from './generate-grid.ts';
export { gridRoutes } from './grid.routes.ts';
export type { GridTables } from './grid.tables.ts';
export { AREA_LEVELS, type AreaLevel } from './grid.tables.ts';
export { type PlaceableArea, PlacementIndex } from './placement.ts';
