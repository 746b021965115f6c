export { evaluationRoutes } from './evaluation.routes.ts';
export type { EvaluationTables } from './evaluation.tables.ts';
export {
  type EvaluationGroup,
  type EvaluationRow,
  evaluate,
  evaluateDispatchers,
  evaluateGridWorkers,
} from './evaluation.ts';
export { firstContactRoutes } from './first-contact.routes.ts';
export { FIRST_CONTACT_DEFINITION, type FirstContactResolution, firstContactResolution } from './first-contact.ts';
export { compositeScore, DEFAULT_WEIGHTS, INDICATORS, type Weights } from './indicators.ts';
export { type Period, periodOf } from './period.ts';
export { awardPoints, leaderboard, POINTS } from './points.ts';
