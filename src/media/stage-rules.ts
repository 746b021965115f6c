import {
  type CaseFacts,
  type CaseStatus,
  type LoopPolicy,
  RULES,
  refusal,
  type TransitionAction,
} from '../cases/index.ts';
import type { Actor } from '../organizations/index.ts';
import { CASE_STEP_ROLES } from '../policy/index.ts';
import type { MediaStage } from './media.tables.ts';

/**
 * The step each stage's evidence belongs to: whoever may take the step now may attach its photos now, so
 * the evidence rules can never disagree with the loop's. Report photos (现场) belong to the report itself.
 */
const STAGE_STEP: Record<Exclude<MediaStage, 'report'>, TransitionAction> = {
  before: 'handle',
  after: 'handle',
  verification: 'verify_pass',
  citizen: 'reopen',
};

/** A report's photos can follow it until the handling body has it: sent from the street just after the report. */
const REPORT_PHOTO_STATUSES: readonly CaseStatus[] = ['reported', 'registered', 'dispatched'];

/** The stages whose unfiled photos a step files under its event. */
export function stagesOfStep(action: TransitionAction): MediaStage[] {
  return (Object.entries(STAGE_STEP) as [MediaStage, TransitionAction][])
    .filter(([, step]) => step === action || (action === 'verify_fail' && step === 'verify_pass'))
    .map(([stage]) => stage);
}

export type StageRefusal =
  | { kind: 'wrong_stage'; allowedStatuses: readonly CaseStatus[] }
  | { kind: 'forbidden'; reason: string };

/** Why the actor may not attach photos at this stage of the case now, or null when they may. */
export function stageRefusal(
  stage: MediaStage,
  facts: CaseFacts,
  actor: Actor,
  now: Date,
  policy: LoopPolicy,
): StageRefusal | null {
  if (stage === 'report') {
    if (!REPORT_PHOTO_STATUSES.includes(facts.status)) {
      return { kind: 'wrong_stage', allowedStatuses: REPORT_PHOTO_STATUSES };
    }
    const desk = (CASE_STEP_ROLES.desk as readonly string[]).includes(actor.role);
    return desk || actor.userId === facts.reportedByUserId ? null : { kind: 'forbidden', reason: 'not_reporter' };
  }
  const step = STAGE_STEP[stage];
  const refused = refusal(step, facts, actor, now, policy);
  if (!refused) return null;
  if (refused.kind === 'illegal_transition') return { kind: 'wrong_stage', allowedStatuses: RULES[step].from };
  if (refused.kind === 'forbidden') return { kind: 'forbidden', reason: refused.reason };
  return { kind: 'forbidden', reason: refused.kind };
}
