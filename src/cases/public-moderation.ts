import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { caseNotFound } from './cases.errors.ts';
import { published } from './public-view.ts';
import { visibleTo } from './visibility.ts';

/**
 * Staff hide a case's title and description from the public, or show them again, with the reason the
 * public reads in their place (FixMyStreet's moderation): an insult, a neighbour's name the detector
 * missed. The case itself is unchanged for staff and its reporter; the step is in the audit trail.
 */
export async function moderateCaseText(
  db: Db,
  actor: Actor,
  caseNumber: string,
  decision: { shown: boolean; reason: string },
  now: Date,
): Promise<{ textHiddenReason: string | null }> {
  const row = await db
    .updateTable('cases')
    .set({ public_text_hidden_reason: decision.shown ? null : decision.reason, public_text_moderated_at: now })
    .where('case_number', '=', caseNumber)
    .where('id', 'in', (eb) => eb.selectFrom('cases').select('id').where(visibleTo(actor)))
    .returning('public_text_hidden_reason')
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return { textHiddenReason: row.public_text_hidden_reason };
}

/** What a moderator needs to know of a case's public display. */
export async function publicDisplay(db: Db, actor: Actor, caseNumber: string) {
  const row = await db
    .selectFrom('cases')
    .select('cases.public_text_hidden_reason')
    .where('cases.case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  const shown = await db
    .selectFrom('cases')
    .select('cases.id')
    .where('cases.case_number', '=', caseNumber)
    .where(published)
    .executeTakeFirst();
  return { published: shown !== undefined, textHiddenReason: row.public_text_hidden_reason };
}
