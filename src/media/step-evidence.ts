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
    if (required && !(await hasUnfiled(trx, step, required.stage))) {
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

/**
 * A photo not yet filed under a step, at the stage; for handling, taken by the acting body (a photo a body
 * left before the case was returned and sent elsewhere is not the new body's evidence).
 */
async function hasUnfiled(trx: Db, step: EvidenceStep, stage: MediaStage) {
  let query = trx
    .selectFrom('case_media')
    .select('case_media.id')
    .where('case_media.case_id', '=', step.caseId)
    .where('case_media.stage', '=', stage)
    .where('case_media.event_id', 'is', null);
  if (step.actor.handlingBodyId) {
    const bodyId = step.actor.handlingBodyId;
    query = query.where('case_media.uploaded_by_user_id', 'in', (eb) =>
      eb.selectFrom('users').select('users.id').where('users.handling_body_id', '=', bodyId),
    );
  }
  return Boolean(await query.executeTakeFirst());
}
