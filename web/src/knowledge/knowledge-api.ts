/** The knowledge base's shapes, as the API serves them (src/knowledge/knowledge.schemas.ts). */
export interface Article {
  id: string;
  version: number;
  title: string;
  body: string;
  category: string;
  ownerBodyId: string;
  public: boolean;
  validFrom: string | null;
  validUntil: string | null;
  reviewDue: string;
  sources: string[];
  updatedAt: string;
}

export interface ArticleVersion extends Omit<Article, 'id' | 'updatedAt'> {
  changeNote: string | null;
  changedByUserId: string;
  createdAt: string;
}

export interface Proposal {
  article: Article;
  score: number;
}

/** Who may write articles (src/policy/policy.ts, knowledge.edit). */
export const EDITOR_ROLES = ['supervisor', 'admin'];

/** Today in the city, YYYY-MM-DD (review dates are local dates). */
export const cityToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
