import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type CaseDeps, CaseNumberParams } from '../cases/index.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { answerCase, localToday, proposeForCase } from './answers.ts';
import {
  AnswerBody,
  ArticleBody,
  ArticleListQuery,
  ArticleParams,
  ArticleResponse,
  ArticleVersionResponse,
  ProposalResponse,
  ProposalsQuery,
  PublicArticleResponse,
  PublicProposalResponse,
  RevisionBody,
  SearchQuery,
} from './knowledge.schemas.ts';
import { articleHistory, createArticle, getArticle, listArticles, reviseArticle, searchArticles } from './knowledge.ts';

export const knowledgeRoutes: FastifyPluginAsyncTypebox<{ deps: CaseDeps }> = async (app, { deps }) => {
  const { db, clock } = deps;

  app.get(
    '/knowledge/articles',
    {
      config: { action: 'knowledge.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'The knowledge base (知识库) by topic; reviewDue=true lists the answers whose review date has come',
        querystring: ArticleListQuery,
        response: { 200: Type.Object({ items: Type.Array(ArticleResponse) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { reviewDue, ...filter } = request.query;
      const reviewDueBy = reviewDue ? localToday(clock.now(), deps.policy.timeZone) : undefined;
      return { items: await listArticles(db, { ...filter, reviewDueBy }) };
    },
  );

  app.get(
    '/knowledge/search',
    {
      config: { action: 'knowledge.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'Articles that answer a question, best first (jieba words, BM25 and the city’s latent semantics)',
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(ProposalResponse) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ({
      items: await searchArticles(
        db,
        { title: request.query.q, body: '' },
        { publicOnly: false, top: request.query.top ?? 5 },
      ),
    }),
  );

  app.get(
    '/knowledge/articles/:id',
    {
      config: { action: 'knowledge.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'One article, as its current version says it',
        params: ArticleParams,
        response: { 200: ArticleResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getArticle(db, request.params.id),
  );

  app.get(
    '/knowledge/articles/:id/history',
    {
      config: { action: 'knowledge.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'Every version of an article, newest first',
        params: ArticleParams,
        response: {
          200: Type.Object({ items: Type.Array(ArticleVersionResponse) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ items: await articleHistory(db, request.params.id) }),
  );

  app.post(
    '/knowledge/articles',
    {
      config: { action: 'knowledge.edit', idempotent: true },
      schema: {
        tags: ['knowledge'],
        summary: 'Write a new article (version 1)',
        body: ArticleBody,
        response: { 201: ArticleResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createArticle(db, request.actor, request.body, clock.now());
    },
  );

  app.put(
    '/knowledge/articles/:id',
    {
      config: { action: 'knowledge.edit' },
      schema: {
        tags: ['knowledge'],
        summary: 'Change an article: a new version; the earlier ones stay in its history',
        params: ArticleParams,
        body: RevisionBody,
        response: { 200: ArticleResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => reviseArticle(db, request.actor, request.params.id, request.body, clock.now()),
  );

  app.get(
    '/cases/:caseNumber/knowledge',
    {
      config: { action: 'knowledge.read' },
      schema: {
        tags: ['knowledge'],
        summary: 'Articles proposed to answer a case, from its own title and description',
        params: CaseNumberParams,
        querystring: ProposalsQuery,
        response: { 200: Type.Object({ items: Type.Array(ProposalResponse) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await proposeForCase(deps, request.actor, request.params.caseNumber, request.query.top ?? 3),
    }),
  );

  app.post(
    '/cases/:caseNumber/answer',
    {
      config: { action: 'knowledge.answer', idempotent: true },
      schema: {
        tags: ['knowledge'],
        summary:
          '直接答复: answer a reported or registered case from an article and close it at first contact; the reporter ' +
          'is told the answer and asked for the survey',
        params: CaseNumberParams,
        body: AnswerBody,
        response: {
          200: Type.Object({ caseNumber: Type.String(), status: Type.Literal('closed') }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      await answerCase(deps, request.actor, request.params.caseNumber, request.body);
      return { caseNumber: request.params.caseNumber, status: 'closed' as const };
    },
  );

  app.get(
    '/public/knowledge',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'Search the public answers of the knowledge base (no sign-in)',
        security: [],
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(PublicProposalResponse) }), ...errorResponses(400) },
      },
    },
    async (request) => ({
      items: await searchArticles(
        db,
        { title: request.query.q, body: '' },
        { publicOnly: true, top: request.query.top ?? 5 },
      ),
    }),
  );

  app.get(
    '/public/knowledge/:id',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'One public answer of the knowledge base (no sign-in)',
        security: [],
        params: ArticleParams,
        response: { 200: PublicArticleResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => getArticle(db, request.params.id, { publicOnly: true }),
  );
};
