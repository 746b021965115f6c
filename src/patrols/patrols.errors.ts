import { defineError } from '../lib/app-error.ts';

export const patrolNotFound = defineError('PATROL_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no patrol ${id} of yours`,
}));

export const patrolEnded = defineError('PATROL_ERR_ENDED', 409, (id: string) => ({
  message: `Patrol ${id} has ended: start a new one to record more of your track`,
}));

export const notAGridWorker = defineError('PATROL_ERR_NOT_A_GRID_WORKER', 404, (username: string) => ({
  message: `There is no grid worker ${username} whose patrols you may see`,
}));

export const badPatrolTime = defineError('PATROL_ERR_BAD_TIME', 400, (what: string) => ({
  message: `${what} lies in the future; check the phone's clock`,
}));

export const outsidePatrol = defineError('PATROL_ERR_OUTSIDE_PATROL', 400, (id: string, what: string) => ({
  message: `Patrol ${id} cannot take ${what}: a track lies between the patrol's start and its end`,
}));
