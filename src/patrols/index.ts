export { patrolsRoutes } from './patrols.routes.ts';
export type { PatrolsTables } from './patrols.tables.ts';
export { deleteOldTracks, PATROL_TRACK_DAYS, type PatrolDeps } from './patrols.ts';
