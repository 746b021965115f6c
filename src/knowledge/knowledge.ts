import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { requireHandlingBody } from '../organizations/index.ts';
import { maskPersonalData } from '../privacy/index.ts';
import { currentClassifiers, type LatentSemantics } from '../text/index.ts';
import { articleNotFound, badValidity, emptySearch, staleArticle } from './knowledge.errors.ts';
import type { KnowledgeArticleTable, KnowledgeArticleVersionTable } from './knowledge.tables.ts';
import { DEFAULT_RANKING, KnowledgeRanking, type Query } from './ranking.ts';

/** What an editor writes: the answer and its bookkeeping. */
export interface ArticleInput {
  title: string;
  body: string;
  category: string;
  ownerBodyId: string;
  public: boolean;
  validFrom?: string | null;
  validUntil?: string | null;
  reviewDue: string;
  sources?: string[];
}

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
  updatedAt: Date;
}

export interface ArticleVersion extends Omit<Article, 'id' | 'updatedAt'> {
  changeNote: string | null;
  changedByUserId: string;
  createdAt: Date;
}

export interface ArticleFilter {
  category?: string;
  ownerBodyId?: string;
  /** Only articles whose review date is on or before this local date (review reminders). */
  reviewDueBy?: string;
  /** Only articles residents may read. */
  publicOnly?: boolean;
}

export interface ProposedArticle {
  article: Article;
  score: number;
}

/** What an article and each of its versions hold alike. */
function contentOf(row: Selectable<KnowledgeArticleTable> | Selectable<KnowledgeArticleVersionTable>) {
  return {
    version: row.version,
    title: row.title,
    body: row.body,
    category: row.category,
    ownerBodyId: row.owner_body_id,
    public: row.public,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    reviewDue: row.review_due,
    sources: row.sources,
  };
}

function articleOf(row: Selectable<KnowledgeArticleTable>): Article {
  return { id: row.id, ...contentOf(row), updatedAt: row.updated_at };
}

/** The stored columns of an input; titles and answers are published, so numbers written into them are masked. */
async function columnsOf(db: Db, input: ArticleInput) {
  if (input.validFrom && input.validUntil && input.validFrom > input.validUntil) throw badValidity();
  await requireHandlingBody(db, input.ownerBodyId);
  return {
    title: maskPersonalData(input.title.trim()).masked,
    body: maskPersonalData(input.body.trim()).masked,
    category: input.category.trim(),
    owner_body_id: input.ownerBodyId,
    public: input.public,
    valid_from: input.validFrom ?? null,
    valid_until: input.validUntil ?? null,
    review_due: input.reviewDue,
    sources: input.sources ?? [],
  };
}

export async function listArticles(db: Db, filter: ArticleFilter = {}): Promise<Article[]> {
  let query = db.selectFrom('knowledge_articles').selectAll();
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.ownerBodyId) query = query.where('owner_body_id', '=', filter.ownerBodyId);
  if (filter.reviewDueBy) query = query.where('review_due', '<=', filter.reviewDueBy);
  if (filter.publicOnly) query = query.where('public', '=', true);
  const rows = await query.orderBy('category').orderBy('title').execute();
  return rows.map(articleOf);
}

export async function findArticle(
  db: Db,
  id: string,
  options: { publicOnly?: boolean } = {},
): Promise<Article | undefined> {
  let query = db.selectFrom('knowledge_articles').selectAll().where('id', '=', id);
  if (options.publicOnly) query = query.where('public', '=', true);
  const row = await query.executeTakeFirst();
  return row && articleOf(row);
}

export async function getArticle(db: Db, id: string, options: { publicOnly?: boolean } = {}): Promise<Article> {
  const article = await findArticle(db, id, options);
  if (!article) throw articleNotFound(id);
  return article;
}

async function recordVersion(
  trx: Db,
  articleId: string,
  version: number,
  columns: Awaited<ReturnType<typeof columnsOf>>,
  actor: Actor,
  changeNote: string | null,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('knowledge_article_versions')
    .values({
      article_id: articleId,
      version,
      ...columns,
      change_note: changeNote,
      changed_by_user_id: actor.userId,
      created_at: now,
    })
    .execute();
}

export async function createArticle(db: Db, actor: Actor, input: ArticleInput, now: Date): Promise<Article> {
  return db.transaction().execute(async (trx) => {
    const columns = await columnsOf(trx, input);
    const row = await trx
      .insertInto('knowledge_articles')
      .values({
        ...columns,
        version: 1,
        created_by_user_id: actor.userId,
        updated_by_user_id: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordVersion(trx, row.id, 1, columns, actor, null, now);
    return articleOf(row);
  });
}

/**
 * A new version of an article. `version` is the version the editor read: if anyone changed the article
 * since, 409, so two editors never overwrite each other unseen. The old text stays in the history.
 */
export async function reviseArticle(
  db: Db,
  actor: Actor,
  id: string,
  input: ArticleInput & { version: number; changeNote?: string },
  now: Date,
): Promise<Article> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('knowledge_articles')
      .select('version')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw articleNotFound(id);
    if (current.version !== input.version) throw staleArticle(id, input.version, current.version);
    const columns = await columnsOf(trx, input);
    const version = current.version + 1;
    const row = await trx
      .updateTable('knowledge_articles')
      .set({ ...columns, version, updated_by_user_id: actor.userId, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const note = input.changeNote?.trim() ? maskPersonalData(input.changeNote.trim()).masked : null;
    await recordVersion(trx, id, version, columns, actor, note, now);
    return articleOf(row);
  });
}

function versionOf(row: Selectable<KnowledgeArticleVersionTable>): ArticleVersion {
  return {
    ...contentOf(row),
    changeNote: row.change_note,
    changedByUserId: row.changed_by_user_id,
    createdAt: row.created_at,
  };
}

/** Every version of an article, newest first. */
export async function articleHistory(db: Db, id: string): Promise<ArticleVersion[]> {
  await getArticle(db, id);
  const rows = await db
    .selectFrom('knowledge_article_versions')
    .selectAll()
    .where('article_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(versionOf);
}

/** One version as it was (what a case was answered from). */
export async function articleVersion(db: Db, id: string, version: number): Promise<ArticleVersion> {
  const row = await db
    .selectFrom('knowledge_article_versions')
    .selectAll()
    .where('article_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw articleNotFound(`${id} version ${version}`);
  return versionOf(row);
}

interface BuiltRanking {
  key: string;
  ranking: KnowledgeRanking;
  articles: Map<string, Article>;
}

// One ranking per database and kind of reader, rebuilt when an article changes or a newer text model is
// trained: the articles are cut into words once, not on every search.
const rankings = new WeakMap<Db, Map<'public' | 'staff', BuiltRanking>>();

/** The latent semantics of the city's case texts, from the newest text model that has them. */
async function cityLatentSemantics(db: Db): Promise<{ id: string; latent: LatentSemantics } | undefined> {
  const models = await currentClassifiers(db);
  for (const target of ['category_1', 'category_2', 'category_3', 'body'] as const) {
    const model = models.get(target);
    if (model?.classifier.latent) return { id: model.id, latent: model.classifier.latent };
  }
  return undefined;
}

async function rankingFor(db: Db, publicOnly: boolean) {
  let revisionQuery = db
    .selectFrom('knowledge_articles')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updated_at').as('latest')]);
  if (publicOnly) revisionQuery = revisionQuery.where('public', '=', true);
  const revision = await revisionQuery.executeTakeFirstOrThrow();
  const semantics = await cityLatentSemantics(db);
  const key = `${revision.count}|${revision.latest ? new Date(revision.latest).toISOString() : ''}|${semantics?.id ?? ''}`;
  const reader = publicOnly ? 'public' : 'staff';
  const forDb = rankings.get(db) ?? new Map<'public' | 'staff', BuiltRanking>();
  rankings.set(db, forDb);
  const cached = forDb.get(reader);
  if (cached?.key === key) return cached;
  const articles = await listArticles(db, { publicOnly });
  const built: BuiltRanking = {
    key,
    ranking: new KnowledgeRanking(articles, DEFAULT_RANKING, semantics?.latent),
    articles: new Map(articles.map((a) => [a.id, a])),
  };
  forDb.set(reader, built);
  return built;
}

/** The articles that best answer a question, best first (jieba words, BM25, the city's latent semantics). */
export async function searchArticles(
  db: Db,
  query: Query,
  options: { publicOnly: boolean; top: number },
): Promise<ProposedArticle[]> {
  if (!/[\p{L}\p{N}]/u.test(`${query.title}${query.body}`)) throw emptySearch();
  const { ranking, articles } = await rankingFor(db, options.publicOnly);
  return ranking
    .rank(query, options.top)
    .map((s) => ({ article: articles.get(s.id) as Article, score: s.score }))
    .filter((p) => p.article !== undefined);
}
