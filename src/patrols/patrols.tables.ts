import type { Generated } from 'kysely';

/** A grid worker's patrol (巡查): started and ended by them, with their consent to record the track. */
export interface PatrolTable {
  id: Generated<string>;
  user_id: string;
  started_at: Date;
  ended_at: Date | null;
}

/** One point of a patrol's track, with the unit grid cell it fell in. */
export interface PatrolPointTable {
  patrol_id: string;
  recorded_at: Date;
  longitude: number;
  latitude: number;
  accuracy_m: number | null;
  grid_code: string | null;
}

export interface PatrolsTables {
  patrols: PatrolTable;
  patrol_points: PatrolPointTable;
}
