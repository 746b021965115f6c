import type { Actor } from '../organizations/index.ts';
import { maskPersonalData } from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { alreadySurveyed, caseNotFound, mayNotAnswerSurvey, notClosed } from './cases.errors.ts';
import type { Satisfaction } from './cases.tables.ts';
import { answersSurvey, CLOSING_ACTIONS, factsOf } from './lifecycle.ts';
import { transitionWithin } from './transitions.ts';
import { visibleTo } from './visibility.ts';

export interface SurveyAnswer {
  satisfaction: Satisfaction;
  solved: boolean;
  comment?: string;
}

/**
 * Records the reporter's answer to the survey after a closure (回访): given by the citizen who reported,
 * or taken by a dispatcher calling back a reporter on record. A dissatisfied answer within the reopen
 * window reopens the case in the same transaction, and counts against the body that handled it.
 */
export async function answerSurvey(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  answer: SurveyAnswer,
): Promise<{ reopened: boolean }> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('cases')
      // The survey judges the last dispatch: the one whose handling was verified before the closure.
      .leftJoin('case_dispatches', (join) =>
        join
          .onRef('case_dispatches.case_id', '=', 'cases.id')
          .on('case_dispatches.id', '=', (eb) =>
            eb
              .selectFrom('case_dispatches as latest')
              .select('latest.id')
              .whereRef('latest.case_id', '=', 'cases.id')
              .orderBy('latest.event_seq', 'desc')
              .limit(1),
          ),
      )
      .select([
        'cases.id',
        'cases.status',
        'cases.closed_at',
        'cases.reported_by_user_id',
        'cases.reporter_person_id',
        'cases.reported_by_citizen',
        'case_dispatches.id as dispatch_id',
        'cases.assigned_body_id',
        'cases.pending_extension',
        'case_dispatches.body_id',
      ])
      .where('cases.case_number', '=', caseNumber)
      .where(visibleTo(actor))
      .forUpdate('cases')
      .executeTakeFirst();
    if (!row) throw caseNotFound(caseNumber);
    if (!answersSurvey(factsOf(row), actor)) throw mayNotAnswerSurvey();
    if (row.status !== 'closed' || !row.closed_at) throw notClosed(caseNumber, row.status);
    const closing = await trx
      .selectFrom('case_events')
      .select('seq')
      .where('case_id', '=', row.id)
      .where('action', 'in', CLOSING_ACTIONS)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const now = deps.clock.now();
    const withinWindow = now.getTime() <= row.closed_at.getTime() + deps.policy.reopenWindowDays * 86_400_000;
    const reopen = answer.satisfaction === 'dissatisfied' && withinWindow;
    const survey = await trx
      .insertInto('case_surveys')
      .values({
        case_id: row.id,
        close_seq: closing.seq,
        dispatch_id: row.dispatch_id,
        body_id: row.body_id,
        satisfaction: answer.satisfaction,
        solved: answer.solved,
        comment: answer.comment?.trim() ? maskPersonalData(answer.comment.trim()).masked : null,
        reopened: reopen,
        points_pending: answer.satisfaction === 'satisfied',
        answered_by_user_id: actor.userId,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['case_id', 'close_seq']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!survey) throw alreadySurveyed(caseNumber);
    if (reopen) {
      const comment = answer.comment?.trim() ? maskPersonalData(answer.comment.trim()).masked : '';
      const note = `回访不满意${comment ? `：${comment}` : ''}`;
      await transitionWithin(trx, deps, actor, caseNumber, { action: 'reopen', note }, { surveyId: survey.id });
    }
    return { reopened: reopen };
  });
}
