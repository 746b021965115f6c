import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, type TSchema, Type } from 'typebox';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { errorResponses, Uuid } from '../lib/http-schemas.ts';
import { type Actor, HANDLING_BODY_TYPES } from '../organizations/index.ts';
import {
  EVALUATION_GROUPS,
  evaluate,
  evaluateDispatchers,
  evaluateGridWorkers,
  evaluationWeights,
  setEvaluationWeights,
} from './evaluation.ts';
import { evaluationCsv, evaluationXlsx } from './export.ts';
import { DISPATCHER_INDICATORS, GRID_WORKER_INDICATORS, INDICATORS } from './indicators.ts';
import { type Period, periodOf } from './period.ts';
import { leaderboard } from './points.ts';

const PeriodQuery = {
  // Years the city has data for: year 0 or 9999 would make no real period (and no valid next month).
  month: Type.Optional(
    Type.String({ pattern: '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, city time' }),
  ),
  from: Type.Optional(Type.String({ format: 'date', description: 'First day (with to, instead of month)' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Day after the last' })),
};

const Rate = Type.Union([Type.Number(), Type.Null()]);
const WeightsSchema = Type.Object(
  {
    response: Type.Number({ minimum: 0, maximum: 100 }),
    solved: Type.Number({ minimum: 0, maximum: 100 }),
    satisfied: Type.Number({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);
const Definition = Type.Object({
  nameZh: Type.String(),
  nameEn: Type.String(),
  definitionZh: Type.String(),
  definitionEn: Type.String(),
});
const PeriodResponse = Type.Object({ label: Type.String(), from: Type.String(), to: Type.String() });

/** The answer of an evaluation of people (dispatchers, grid workers): a row per person, with definitions. */
function peopleResponse(figures: Record<string, TSchema>) {
  return {
    200: Type.Object({
      period: PeriodResponse,
      definitions: Type.Record(Type.String(), Definition),
      rows: Type.Array(Type.Object({ userId: Uuid, name: Type.String(), ...figures })),
    }),
    ...errorResponses(400, 401, 403),
  };
}

const EvaluationQuery = Type.Object(
  {
    ...PeriodQuery,
    group: Type.Optional(Type.Enum(EVALUATION_GROUPS, { default: 'body' })),
    within: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'Only cases in this area' })),
    response: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Weight of the response rate' })),
    solved: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Weight of the solved rate' })),
    satisfied: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Weight of the satisfaction rate' })),
  },
  { additionalProperties: false },
);

function weightsFrom(query: { response?: number; solved?: number; satisfied?: number }) {
  if (query.response === undefined && query.solved === undefined && query.satisfied === undefined) return undefined;
  return { response: query.response ?? 0, solved: query.solved ?? 0, satisfied: query.satisfied ?? 0 };
}

export const evaluationRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock; timeZone: string }> = async (
  app,
  { db, clock, timeZone },
) => {
  const run = async (actor: Parameters<typeof evaluate>[1], query: Static<typeof EvaluationQuery>) => {
    const period = periodOf(query, timeZone);
    const weights = weightsFrom(query) ?? (await evaluationWeights(db));
    const rows = await evaluate(db, actor, {
      period,
      group: query.group ?? 'body',
      asOf: clock.now(),
      weights,
      within: query.within,
    });
    return { period, weights, rows };
  };
  const periodView = (p: { label: string; from: Date; to: Date }) => ({
    label: p.label,
    from: p.from.toISOString(),
    to: p.to.toISOString(),
  });
  /** The answer of an evaluation of people: the period, the definitions, a row per person. */
  const people = async <Row>(
    actor: Actor,
    query: { month?: string; from?: string; to?: string },
    definitions: Record<string, Static<typeof Definition>>,
    evaluatePeople: (db: Db, actor: Actor, period: Period) => Promise<Row[]>,
  ) => {
    const period = periodOf(query, timeZone);
    return { period: periodView(period), definitions, rows: await evaluatePeople(db, actor, period) };
  };

  app.get(
    '/evaluation',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: 'Indicators and ranking of handling bodies or areas for a period, with their definitions',
        querystring: EvaluationQuery,
        response: {
          200: Type.Object({
            period: PeriodResponse,
            weights: WeightsSchema,
            definitions: Type.Record(Type.String(), Definition),
            rows: Type.Array(
              Type.Object({
                key: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                dispatches: Type.Integer(),
                responseRate: Rate,
                onTimeRate: Rate,
                solvedRate: Rate,
                satisfactionRate: Rate,
                returnRate: Rate,
                reworkRate: Rate,
                overdueCount: Type.Integer(),
                avgHandlingHours: Rate,
                dissatisfiedReopens: Type.Integer(),
                composite: Rate,
                rank: Type.Union([Type.Integer(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { period, weights, rows } = await run(request.actor, request.query);
      return { period: periodView(period), weights, definitions: INDICATORS, rows };
    },
  );

  app.get(
    '/evaluation/export',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: 'The same ranking as a CSV or XLSX file',
        querystring: Type.Object(
          {
            ...EvaluationQuery.properties,
            format: Type.Enum(['csv', 'xlsx'], { default: 'xlsx' }),
            lang: Type.Enum(['zh', 'en'], { default: 'zh' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { period, rows } = await run(request.actor, request.query);
      const language = request.query.lang ?? 'zh';
      const name = `evaluation-${request.query.group ?? 'body'}-${period.label.replaceAll('..', '_')}`;
      if (request.query.format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${name}.csv"`);
        return reply.send(evaluationCsv(rows, language));
      }
      const title = language === 'zh' ? `综合评价 ${period.label}` : `Evaluation ${period.label}`;
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename="${name}.xlsx"`);
      return reply.send(await evaluationXlsx(rows, language, title));
    },
  );

  app.get(
    '/evaluation/dispatchers',
    {
      config: { action: 'evaluation.people' },
      schema: {
        tags: ['evaluation'],
        summary: "Dispatchers' accurate-dispatch rate and overrides of the suggestion",
        querystring: Type.Object(PeriodQuery, { additionalProperties: false }),
        response: peopleResponse({ dispatches: Type.Integer(), accurateRate: Rate, overrides: Type.Integer() }),
      },
    },
    async (request) => people(request.actor, request.query, DISPATCHER_INDICATORS, evaluateDispatchers),
  );

  app.get(
    '/evaluation/grid-workers',
    {
      config: { action: 'evaluation.people' },
      schema: {
        tags: ['evaluation'],
        summary: "Grid workers' valid-report and on-time verification rates",
        querystring: Type.Object(PeriodQuery, { additionalProperties: false }),
        response: peopleResponse({
          reports: Type.Integer(),
          validReportRate: Rate,
          verifications: Type.Integer(),
          onTimeVerificationRate: Rate,
        }),
      },
    },
    async (request) => people(request.actor, request.query, GRID_WORKER_INDICATORS, evaluateGridWorkers),
  );

  app.get(
    '/evaluation/weights',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: 'The weights of the composite score',
        response: { 200: WeightsSchema, ...errorResponses(401) },
      },
    },
    async () => evaluationWeights(db),
  );

  app.put(
    '/evaluation/weights',
    {
      config: { action: 'evaluation.weights' },
      schema: {
        tags: ['evaluation'],
        summary: 'Set the weights of the composite score (default 10 / 45 / 45)',
        body: WeightsSchema,
        response: { 200: WeightsSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => setEvaluationWeights(db, request.actor, request.body),
  );

  app.get(
    '/points/leaderboard',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: 'Handling bodies by points earned for on-time, verified, satisfied work (评选)',
        querystring: Type.Object(
          { ...PeriodQuery, type: Type.Optional(Type.Array(Type.Enum(HANDLING_BODY_TYPES))) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            period: PeriodResponse,
            rows: Type.Array(
              Type.Object({
                bodyId: Uuid,
                code: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                type: Type.Enum(HANDLING_BODY_TYPES),
                points: Type.Integer(),
                awards: Type.Integer(),
                rank: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const period = periodOf(request.query, timeZone);
      return { period: periodView(period), rows: await leaderboard(db, period, request.query.type) };
    },
  );
};
