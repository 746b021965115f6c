import type { Answer, Item } from '../api-shapes.ts';
/** The knowledge base's shapes, as the API serves them (src/knowledge/knowledge.schemas.ts). */
export type Article = Answer<'/knowledge/articles/{id}'>;

export type ArticleVersion = Item<Answer<'/knowledge/articles/{id}/history'>>;

export type Proposal = Item<Answer<'/cases/{caseNumber}/knowledge'>>;

/** Who may write articles (src/policy/policy.ts, knowledge.edit). */
export const EDITOR_ROLES = ['supervisor', 'admin'];

/** Today in the city, YYYY-MM-DD (review dates are local dates). */
export const cityToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
