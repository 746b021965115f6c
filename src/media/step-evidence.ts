import type { EvidenceStep, StepEvidence } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { evidenceMissing } from './media.errors.ts';
import type { MediaStage } from './media.tables.ts';
import { stagesOfStep } from './stage-rules.ts';

/**
 * The category's evidence rules (数字城管: a handling is shown by a photo after it, a verification on site
 * by its photo), and the filing of a step's photos under the step's event.
 */
export const stepEvidence: StepEvidence = {
  async attachToStep(trx: Db, step: EvidenceStep) {
    const required = requiredStage(step);
    if (required && !(await hasUnfiled(trx, step.caseId, required.stage))) {
      throw evidenceMissing(step.action, required.what);
    }
    const stages = stagesOfStep(step.action);
    if (!stages.length) return;
    await trx
      .updateTable('case_media')
      .set({ event_id: step.eventId })
      .where('case_id', '=', step.caseId)
      .where('event_id', 'is', null)
      .where('stage', 'in', stages)
      .execute();
  },
};

function requiredStage(step: EvidenceStep): { stage: MediaStage; what: string } | null {
  if (step.action === 'handle' && step.afterPhotoRequired) {
    return { stage: 'after', what: "a photo after handling (处置后照片, stage 'after')" };
  }
  if (step.action === 'verify_pass' && step.actor.role === 'grid_worker' && step.verificationPhotoRequired) {
    return { stage: 'verification', what: "a verification photo taken on site (核查照片, stage 'verification')" };
  }
  return null;
}

async function hasUnfiled(trx: Db, caseId: string, stage: MediaStage) {
  const row = await trx
    .selectFrom('case_media')
    .select('id')
    .where('case_id', '=', caseId)
    .where('stage', '=', stage)
    .where('event_id', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}
