import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Period } from './period.ts';

/** What first-contact resolution counts, said once for the API and the console. */
export const FIRST_CONTACT_DEFINITION = {
  zh: '一次办结率 = 直接答复办结的诉求 ÷（直接答复 + 首次派遣）的诉求；答复后因不满意重新办理的不计为已解决',
  en: 'First-contact resolution = cases answered at first contact ÷ (answered + dispatched for the first time); an answer the reporter reopened as dissatisfied is not counted as resolved',
};

export interface FirstContactResolution {
  /** Cases answered from the knowledge base and closed at first contact (直接答复) in the period. */
  answered: number;
  /** Of those, reopened by a dissatisfied reporter. */
  reopened: number;
  /** Cases sent to a handling body for the first time in the period (they could not be answered at once). */
  dispatched: number;
  /** (answered − reopened) ÷ (answered + dispatched); null without either. */
  rate: number | null;
  /** Satisfied or basically satisfied among the answered cases' surveys; null without a survey. */
  satisfactionRate: number | null;
  definition: { zh: string; en: string };
}

/**
 * First-contact resolution (一次办结率) of the desk: how many of the period's cases were answered and closed
 * at the first contact instead of being dispatched, by the time of the answer or of the first dispatch.
 */
export async function firstContactResolution(db: Db, period: Period): Promise<FirstContactResolution> {
  const inPeriod = sql<boolean>`e.created_at >= ${period.from} and e.created_at < ${period.to}`;
  const answeredRow = await db
    .selectFrom('case_events as e')
    .leftJoin('case_surveys as s', (join) =>
      join.onRef('s.case_id', '=', 'e.case_id').onRef('s.close_seq', '=', 'e.seq'),
    )
    .where('e.action', '=', 'answer')
    .where(inPeriod)
    .select((eb) => [
      eb.fn.countAll<number>().as('answered'),
      eb.fn.count<number>('s.id').filterWhere('s.reopened', '=', true).as('reopened'),
      eb.fn.count<number>('s.id').as('surveyed'),
      eb.fn
        .count<number>('s.id')
        .filterWhere('s.satisfaction', 'in', ['satisfied', 'basically_satisfied'])
        .as('satisfied'),
    ])
    .executeTakeFirstOrThrow();
  // A first dispatch leaves `registered`; a re-dispatch leaves dispatched, returned or reopened.
  const dispatchedRow = await db
    .selectFrom('case_events as e')
    .where('e.action', '=', 'dispatch')
    .where('e.from_status', '=', 'registered')
    .where(inPeriod)
    .select((eb) => eb.fn.countAll<number>().as('dispatched'))
    .executeTakeFirstOrThrow();
  const answered = Number(answeredRow.answered);
  const reopened = Number(answeredRow.reopened);
  const dispatched = Number(dispatchedRow.dispatched);
  const surveyed = Number(answeredRow.surveyed);
  return {
    answered,
    reopened,
    dispatched,
    rate: answered + dispatched > 0 ? (answered - reopened) / (answered + dispatched) : null,
    satisfactionRate: surveyed > 0 ? Number(answeredRow.satisfied) / surveyed : null,
    definition: FIRST_CONTACT_DEFINITION,
  };
}
