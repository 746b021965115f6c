import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../lib/clock.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { renderRelease } from './downloads.ts';
import {
  BudgetBody,
  BudgetResponse,
  DatasetParams,
  DownloadParams,
  ReleaseBody,
  ReleaseSummaryResponse,
} from './opendata.schemas.ts';
import { getBudget, listBudgets, listLedger, setBudget } from './privacy-budget.ts';
import { getRelease, listReleases, publishRelease, type ReleaseDeps } from './releases.ts';

const tags = ['open data'];

export const openDataRoutes: FastifyPluginAsyncTypebox<{ deps: ReleaseDeps & { clock: Clock } }> = async (
  app,
  { deps },
) => {
  const { db, clock } = deps;

  app.post(
    '/open-data/releases',
    {
      config: { action: 'opendata.publish', idempotent: true },
      schema: {
        tags,
        summary:
          'Publish case counts by category × area × month: small cells and their complements suppressed, optionally with differentially private noise (spends ε)',
        body: ReleaseBody,
        response: { 201: ReleaseSummaryResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return publishRelease(deps, request.actor, request.body, clock.now());
    },
  );

  app.get(
    '/open-data/budgets',
    {
      config: { action: 'opendata.budget' },
      schema: {
        tags,
        summary: 'Every dataset’s privacy budget (ε) and its ledger of releases',
        response: { 200: Type.Object({ items: Type.Array(BudgetResponse) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({
      items: await Promise.all(
        (await listBudgets(db)).map(async (budget) => ({ ...budget, ledger: await listLedger(db, budget.dataset) })),
      ),
    }),
  );

  app.put(
    '/open-data/budgets/:dataset',
    {
      config: { action: 'opendata.budget' },
      schema: {
        tags,
        summary: 'Set a dataset’s total privacy budget (never below what is spent)',
        params: DatasetParams,
        body: BudgetBody,
        response: { 200: BudgetResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { dataset } = request.params;
      await getBudget(db, dataset);
      const budget = await setBudget(db, dataset, request.body.totalEpsilon, clock.now());
      return { ...budget, ledger: await listLedger(db, dataset) };
    },
  );

  app.get(
    '/public/open-data/releases',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Published open-data releases, newest first, with their suppression and the ε each spent',
        security: [],
        response: { 200: Type.Object({ items: Type.Array(ReleaseSummaryResponse) }) },
      },
    },
    async () => ({ items: await listReleases(db) }),
  );

  app.get(
    '/public/open-data/releases/:id/data.:format',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'A release as CSV, JSON or GeoJSON (areas at their centroids): the numbers as published, every time',
        security: [],
        params: DownloadParams,
        response: {
          200: Type.Unsafe({ type: 'string', description: 'text/csv, application/json or application/geo+json' }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const file = renderRelease(await getRelease(db, request.params.id), request.params.format);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="release-${request.params.id}.${request.params.format}"`)
        .send(file.body);
    },
  );
};
