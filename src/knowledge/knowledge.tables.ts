import type { Generated } from 'kysely';

/** The fields an article and each of its versions share. */
interface ArticleFields {
  title: string;
  body: string;
  /** A short topic the desk browses by (户籍管理, 住房保障, 社会保障…). */
  category: string;
  /** The handling body that owns the answer, keeps it right and is reminded to review it. */
  owner_body_id: string;
  /** Searchable by residents without signing in. */
  public: boolean;
  /** Local dates, YYYY-MM-DD: the answer holds from / until (a policy's term). */
  valid_from: string | null;
  valid_until: string | null;
  /** Local date by which the owner body reviews the answer. */
  review_due: string;
  /** Where the answer comes from: a policy document, the replies it was written from. */
  sources: string[];
}

/** An answer of the knowledge base (知识库), as its current version says it. */
export interface KnowledgeArticleTable extends ArticleFields {
  id: Generated<string>;
  /** The current version's number: 1, 2, 3… */
  version: number;
  created_by_user_id: string;
  updated_by_user_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Every version of every article, kept: what an answer said when a case was answered from it. */
export interface KnowledgeArticleVersionTable extends ArticleFields {
  id: Generated<string>;
  article_id: string;
  version: number;
  change_note: string | null;
  changed_by_user_id: string;
  created_at: Generated<Date>;
}

export interface KnowledgeTables {
  knowledge_articles: KnowledgeArticleTable;
  knowledge_article_versions: KnowledgeArticleVersionTable;
}
