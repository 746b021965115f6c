import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { originOf } from '../audit/index.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo, requireClearance } from '../policy/index.ts';
import { UNMASK_MINUTES } from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
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
  ReporterResponse,
  SupervisionBoardResponse,
  SurveyBody,
  SurveyResponse,
  SweepResponse,
  TransitionBody,
  UnmaskBody,
} from './cases.schemas.ts';
import {
  BatchBody,
  BatchResponse,
  CallerHistoryBody,
  CallerHistoryResponse,
  DeskQuery,
  DeskResponse,
  RegisterAndDispatchBody,
} from './desk.schemas.ts';
import { actOnCases, callerHistory, deskCases, registerAndDispatch } from './desk.ts';
import { duplicateCandidates } from './duplicates.ts';
import { reportCase } from './intake.ts';
import { CASE_STATUSES, RULES, TRANSITION_ACTIONS } from './lifecycle.ts';
import { caseReporter, reporterFromRef, unmaskCaseReporter } from './personal-data.ts';
import { PUBLIC_STEP_ACTIONS } from './public-view.ts';
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

/** The columns of `cases` each kind of answer releases (checked against the caller's clearance). */
const MAP_COLUMNS = ['case_number', 'title', 'status', 'category_id', 'grid_code', 'longitude', 'latitude'];
const SUMMARY_COLUMNS = [...MAP_COLUMNS, 'channel', 'priority', 'address', 'assigned_body_id', 'created_at'];
const DETAIL_COLUMNS = [
  ...SUMMARY_COLUMNS,
  'description',
  'closed_at',
  'rework_count',
  'assisting_body_ids',
  'urgency_flags',
  'text_placement',
  'placement_snapped_metres',
];

/**
 * Refuses a staff member whose clearance is below what these columns are labelled. A citizen sees only
 * their own cases, and their own data is theirs whatever its label.
 */
function releaseCases(actor: Actor, columns: string[]) {
  if (actor.role !== 'citizen') requireClearance(actor.clearance, 'cases', columns);
}

export const casesRoutes: FastifyPluginAsyncTypebox<{ deps: CaseDeps }> = async (app, { deps }) => {
  /** The case detail with its reporter as the actor may see them (staff; masked unless unmasked). */
  async function detailFor(request: FastifyRequest, caseNumber: string) {
    releaseCases(request.actor, DETAIL_COLUMNS);
    const seesReporter = request.actor.role !== 'citizen' && mayDo(request.actor, 'case.reporter.read');
    // The reporter's reference comes with the case's own row: masking adds no query to the read.
    const { reporterRef, ...detail } = await getCaseDetail(deps, request.actor, caseNumber, {
      withReporter: seesReporter,
    });
    return {
      ...detail,
      reporter: reporterRef ? await reporterFromRef(deps, request.actor, reporterRef, originOf(request)) : null,
    };
  }

  app.get(
    '/cases',
    {
      config: { action: 'case.list' },
      schema: {
        tags: ['cases'],
        summary: 'List the cases you may see, newest first',
        querystring: CaseListQuery,
        response: { 200: CaseListResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      releaseCases(request.actor, SUMMARY_COLUMNS);
      return listCases(deps, request.actor, toFilter(request.query));
    },
  );

  app.get(
    '/cases/queue',
    {
      config: { action: 'case.queue' },
      schema: {
        tags: ['cases'],
        summary: `Your work queue: open cases by nearest deadline (a handler's body, a grid worker's verifications; at most ${QUEUE_LIMIT})`,
        response: { 200: Type.Object({ items: Type.Array(CaseSummaryResponse) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      releaseCases(request.actor, SUMMARY_COLUMNS);
      return { items: await caseQueue(deps, request.actor) };
    },
  );

  app.get(
    '/cases/counts',
    {
      config: { action: 'case.list' },
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
      config: { action: 'case.list' },
      schema: {
        tags: ['cases'],
        summary: `The located cases you may see, as GeoJSON points (the newest ${MAP_LIMIT})`,
        querystring: CaseCountsQuery,
        response: { 200: CaseMapResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      releaseCases(request.actor, MAP_COLUMNS);
      return caseMap(deps, request.actor, toFilter(request.query));
    },
  );

  app.post(
    '/cases',
    {
      config: { action: 'case.report', idempotent: true },
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
      return detailFor(request, caseNumber);
    },
  );

  app.get(
    '/cases/:caseNumber',
    {
      config: { action: 'case.read' },
      schema: {
        tags: ['cases'],
        summary: 'One case with its history and the actions you may take',
        params: CaseNumberParams,
        response: { 200: CaseDetailResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => detailFor(request, request.params.caseNumber),
  );

  app.post(
    '/cases/:caseNumber/actions',
    {
      config: { action: 'case.act', idempotent: true },
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
      return detailFor(request, request.params.caseNumber);
    },
  );

  app.get(
    '/cases/desk',
    {
      config: { action: 'case.desk' },
      schema: {
        tags: ['cases'],
        summary: "The dispatcher's desk: the cases waiting in a queue, filtered and sorted, each with its suggestion",
        querystring: DeskQuery,
        response: { 200: DeskResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      releaseCases(request.actor, [...SUMMARY_COLUMNS, 'description']);
      return deskCases(deps, request.actor, request.query);
    },
  );

  app.post(
    '/cases/:caseNumber/register-and-dispatch',
    {
      config: { action: 'case.desk.act', idempotent: true },
      schema: {
        tags: ['cases'],
        summary: 'Register a new case and dispatch it (to the suggestion unless told), both or neither',
        params: CaseNumberParams,
        body: RegisterAndDispatchBody,
        response: { 200: CaseDetailResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await registerAndDispatch(deps, request.actor, request.params.caseNumber, request.body);
      return detailFor(request, request.params.caseNumber);
    },
  );

  app.post(
    '/cases/batch-actions',
    {
      config: { action: 'case.desk.act', idempotent: true },
      schema: {
        tags: ['cases'],
        summary: 'One step on many cases (register, register and dispatch, cancel as spam), each on its own',
        description:
          'Each case is acted on in its own transaction and audited under its number; a refused case ' +
          '(changed meanwhile, not allowed) does not stop the others. The answer says what happened to each.',
        body: BatchBody,
        response: { 200: BatchResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ({ results: await actOnCases(deps, request.actor, request.body, originOf(request)) }),
  );

  app.post(
    '/cases/caller-history',
    {
      config: { action: 'case.caller_history' },
      schema: {
        tags: ['personal data'],
        summary: "A caller's earlier cases, by the number they call from (hotline intake; each look-up recorded)",
        description:
          "The number is matched through the reporters' blind index, never stored or logged in clear; the " +
          'look-up goes into the access record of each caller found and into the audit trail.',
        body: CallerHistoryBody,
        response: { 200: CallerHistoryResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => callerHistory(deps, request.actor, request.body.phone, originOf(request)),
  );

  app.get(
    '/cases/:caseNumber/duplicates',
    {
      config: { action: 'case.duplicates' },
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
      config: { action: 'case.survey', idempotent: true },
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
      config: { action: 'supervision.board' },
      schema: {
        tags: ['supervision'],
        summary: 'Overdue and warned deadlines, extension requests waiting, returned cases waiting',
        response: { 200: SupervisionBoardResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => supervisionBoard(deps.db, request.actor, deps.clock.now(), deps.calendar.current),
  );

  app.post(
    '/supervision/sweep',
    {
      config: { action: 'supervision.sweep' },
      schema: {
        tags: ['supervision'],
        summary: 'Run the supervision sweep now (it also runs in the background every minute)',
        response: { 200: SweepResponse, ...errorResponses(401, 403) },
      },
    },
    async () => runSupervisionSweep(deps.db, deps.clock.now()),
  );

  app.get(
    '/cases/:caseNumber/reporter',
    {
      config: { action: 'case.reporter.read' },
      schema: {
        tags: ['personal data'],
        summary: "The case's reporter: masked, or in clear while you hold an unmasking grant (each view recorded)",
        params: CaseNumberParams,
        response: { 200: ReporterResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => caseReporter(deps, request.actor, request.params.caseNumber, originOf(request)),
  );

  app.post(
    '/cases/:caseNumber/reporter/unmask',
    {
      config: { action: 'case.reporter.unmask' },
      schema: {
        tags: ['personal data'],
        summary: `See the reporter's personal data in clear for a purpose, with a reason, for ${UNMASK_MINUTES} minutes`,
        description:
          'Allowed purposes depend on the role (GET /privacy/purposes). Each field is shown in clear only up to ' +
          'your clearance. The citizen sees who unmasked their data, when and why; so does the audit trail.',
        params: CaseNumberParams,
        body: UnmaskBody,
        response: { 200: ReporterResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      unmaskCaseReporter(deps, request.actor, request.params.caseNumber, request.body, originOf(request)),
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
      publicSteps: [...PUBLIC_STEP_ACTIONS],
    }),
  );
};
