import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../lib/http-schemas.ts';
import type { CaseDeps } from './case-deps.ts';
import { mayNotSupervise } from './cases.errors.ts';
import { caseMap, caseQueue, countCases, getCaseDetail, listCases, MAP_LIMIT, QUEUE_LIMIT } from './cases.queries.ts';
import {
  CaseCountsQuery,
  CaseCountsResponse,
  CaseDetailResponse,
  CaseListQuery,
  CaseListResponse,
  CaseMapResponse,
  CaseNumberParams,
  CaseSummaryResponse,
  DuplicatesResponse,
  LifecycleResponse,
  NewCaseBody,
  SupervisionBoardResponse,
  SurveyBody,
  SurveyResponse,
  SweepResponse,
  TransitionBody,
} from './cases.schemas.ts';
import { duplicateCandidates } from './duplicates.ts';
import { reportCase } from './intake.ts';
import { CASE_STATUSES, RULES, TRANSITION_ACTIONS } from './lifecycle.ts';
import { runSupervisionSweep, supervisionBoard } from './supervision.ts';
import { answerSurvey } from './surveys.ts';
import { transitionCase } from './transitions.ts';

/** The query string's filters in the services' terms. */
function toFilter<Q extends { from?: string; to?: string; q?: string }>(query: Q) {
  const { from, to, q, ...rest } = query;
  return {
    ...rest,
    text: q,
    createdFrom: from ? new Date(from) : undefined,
    createdTo: to ? new Date(to) : undefined,
  };
}

export const casesRoutes: FastifyPluginAsyncTypebox<{ deps: CaseDeps }> = async (app, { deps }) => {
  app.get(
    '/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'List the cases you may see, newest first',
        querystring: CaseListQuery,
        response: { 200: CaseListResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => listCases(deps, request.actor, toFilter(request.query)),
  );

  app.get(
    '/cases/queue',
    {
      schema: {
        tags: ['cases'],
        summary: `Your work queue: open cases by nearest deadline (a handler's body, a grid worker's verifications; at most ${QUEUE_LIMIT})`,
        response: { 200: Type.Object({ items: Type.Array(CaseSummaryResponse) }), ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await caseQueue(deps, request.actor) }),
  );

  app.get(
    '/cases/counts',
    {
      schema: {
        tags: ['cases'],
        summary: 'How many cases you may see match the filters, in all and by status',
        querystring: CaseCountsQuery,
        response: { 200: CaseCountsResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => countCases(deps, request.actor, toFilter(request.query)),
  );

  app.get(
    '/cases/map',
    {
      schema: {
        tags: ['cases'],
        summary: `The located cases you may see, as GeoJSON points (the newest ${MAP_LIMIT})`,
        querystring: CaseCountsQuery,
        response: { 200: CaseMapResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => caseMap(deps, request.actor, toFilter(request.query)),
  );

  app.post(
    '/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Report a new case',
        body: NewCaseBody,
        response: { 201: CaseDetailResponse, ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request, reply) => {
      const caseNumber = await reportCase(deps, request.actor, request.body);
      reply.code(201).header('location', `/api/v1/cases/${caseNumber}`);
      return getCaseDetail(deps, request.actor, caseNumber);
    },
  );

  app.get(
    '/cases/:caseNumber',
    {
      schema: {
        tags: ['cases'],
        summary: 'One case with its history and the actions you may take',
        params: CaseNumberParams,
        response: { 200: CaseDetailResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => getCaseDetail(deps, request.actor, request.params.caseNumber),
  );

  app.post(
    '/cases/:caseNumber/actions',
    {
      schema: {
        tags: ['cases'],
        summary: 'Move a case along the closed loop (register, dispatch, accept, handle, verify, close…)',
        params: CaseNumberParams,
        body: TransitionBody,
        response: { 200: CaseDetailResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await transitionCase(deps, request.actor, request.params.caseNumber, request.body);
      return getCaseDetail(deps, request.actor, request.params.caseNumber);
    },
  );

  app.get(
    '/cases/:caseNumber/duplicates',
    {
      schema: {
        tags: ['cases'],
        summary: 'Earlier cases that may report the same problem (near, recent, related category, similar text)',
        params: CaseNumberParams,
        response: { 200: DuplicatesResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: await duplicateCandidates(deps, request.actor, request.params.caseNumber) }),
  );

  app.post(
    '/cases/:caseNumber/survey',
    {
      schema: {
        tags: ['cases'],
        summary: "The reporter's answer after closure: satisfaction and whether it was solved (不满意 reopens)",
        params: CaseNumberParams,
        body: SurveyBody,
        response: { 200: SurveyResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => answerSurvey(deps, request.actor, request.params.caseNumber, request.body),
  );

  app.get(
    '/supervision/board',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Overdue and warned deadlines, extension requests waiting, returned cases waiting',
        response: { 200: SupervisionBoardResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => supervisionBoard(deps.db, request.actor, deps.clock.now()),
  );

  app.post(
    '/supervision/sweep',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Run the supervision sweep now (it also runs in the background every minute)',
        response: { 200: SweepResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      if (!['supervisor', 'admin'].includes(request.actor.role)) throw mayNotSupervise();
      return runSupervisionSweep(deps.db, deps.clock.now());
    },
  );

  app.get(
    '/lifecycle',
    {
      config: { public: true },
      schema: {
        tags: ['cases'],
        summary: 'The closed loop: statuses, actions, who may take them and what each needs',
        response: { 200: LifecycleResponse },
      },
    },
    async () => ({
      statuses: [...CASE_STATUSES],
      actions: TRANSITION_ACTIONS.map((action) => ({
        action,
        from: [...RULES[action].from],
        to: RULES[action].to,
        roles: [...RULES[action].roles],
        requires: Object.entries(RULES[action].requires)
          .filter(([, needed]) => needed)
          .map(([field]) => field),
      })),
    }),
  );
};
