export type { CaseDeps, EvidenceStep, StepEvidence } from './case-deps.ts';
export { caseNotFound } from './cases.errors.ts';
export { type CaseDetail, type CaseFilter, type CaseSummary, getCaseDetail, listCases } from './cases.queries.ts';
export { casesRoutes } from './cases.routes.ts';
export { CaseNumberParams } from './cases.schemas.ts';
export type { CasesTables } from './cases.tables.ts';
export {
  CHANNELS,
  type Channel,
  PRIORITIES,
  type Priority,
  SATISFACTION_LEVELS,
  type Satisfaction,
} from './cases.tables.ts';
export { duplicateCandidates } from './duplicates.ts';
export { type NewCase, reportCase } from './intake.ts';
export {
  actionsFrom,
  allowedActions,
  applyEvent,
  CASE_ACTIONS,
  CASE_STATUSES,
  type CaseAction,
  type CaseFacts,
  type CaseStatus,
  factsOf,
  type LoopPolicy,
  RULES,
  refusal,
  replay,
  TRANSITION_ACTIONS,
  type TransitionAction,
} from './lifecycle.ts';
export { CaseChangeFeed, caseChangesRoutes, publicCaseChangesRoutes } from './live.ts';
export { clientNoteIdTaken, type NoteInput, type RecordedNote, recordNote } from './notes.ts';
export { unmaskCaseReporter } from './personal-data.ts';
export { moderateCaseText, publicDisplay } from './public-moderation.ts';
export {
  getPublicCase,
  listPublicCases,
  nearbyPublicCases,
  PUBLIC_STEP_ACTIONS,
  PUBLIC_STEP_WORDS,
  type PublicCase,
  type PublicCaseDetail,
  type PublicCaseFilter,
  publicText,
  published,
  recentPublicSteps,
} from './public-view.ts';
export { runSupervisionSweep, type SweepResult, supervisionBoard } from './supervision.ts';
export { supportCase } from './supports.ts';
export { answerSurvey, type SurveyAnswer } from './surveys.ts';
export { type TransitionInput, transitionCase } from './transitions.ts';
export { visibleTo } from './visibility.ts';
