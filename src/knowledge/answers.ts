import { type CaseDeps, caseNotFound, transitionCase, visibleTo } from '../cases/index.ts';
import type { Actor } from '../organizations/index.ts';
import { articleNotInForce, unknownArticle } from './knowledge.errors.ts';
import { findArticle, type ProposedArticle, searchArticles } from './knowledge.ts';

/** Today's date in the city, YYYY-MM-DD. */
export function localToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
}

/**
 * The articles that may answer a case, proposed from its own title and description. Only a case the actor
 * may see is read (404 otherwise, as for the case itself).
 */
export async function proposeForCase(
  deps: Pick<CaseDeps, 'db'>,
  actor: Actor,
  caseNumber: string,
  top: number,
): Promise<ProposedArticle[]> {
  const row = await deps.db
    .selectFrom('cases')
    .select(['title', 'description'])
    .where('case_number', '=', caseNumber)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return searchArticles(deps.db, { title: row.title, body: row.description }, { publicOnly: false, top });
}

export interface FirstContactAnswer {
  articleId: string;
  /** What the desk tells the reporter (sent to them, kept in the case's history). */
  reply: string;
  /** The case's version as the desk saw it (409 if anyone acted on it since). */
  version?: number;
}

/**
 * 直接答复: the desk answers the case from an article in force today and closes it at first contact. The case
 * event records the article and the version answered from; the reporter is told the answer and asked for
 * the survey, as after any closure.
 */
export async function answerCase(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  answer: FirstContactAnswer,
): Promise<void> {
  const article = await findArticle(deps.db, answer.articleId);
  if (!article) throw unknownArticle(answer.articleId);
  const today = localToday(deps.clock.now(), deps.policy.timeZone);
  if ((article.validFrom && article.validFrom > today) || (article.validUntil && article.validUntil < today)) {
    throw articleNotInForce(article.id, article.validFrom, article.validUntil);
  }
  await transitionCase(deps, actor, caseNumber, {
    action: 'answer',
    note: answer.reply,
    article: { id: article.id, version: article.version },
    version: answer.version,
  });
}
