export { answerCase, type FirstContactAnswer, proposeForCase } from './answers.ts';
export {
  type FixtureArticle,
  fixtureArticles,
  type LabelledQuestion,
  labelledQuestions,
  loadFixtureArticles,
} from './fixtures.ts';
export { knowledgeRoutes } from './knowledge.routes.ts';
export type { KnowledgeTables } from './knowledge.tables.ts';
export {
  type Article,
  type ArticleInput,
  articleHistory,
  articleVersion,
  createArticle,
  getArticle,
  listArticles,
  reviseArticle,
  searchArticles,
} from './knowledge.ts';
export { DEFAULT_RANKING, KnowledgeRanking, PLAIN_BM25 } from './ranking.ts';
