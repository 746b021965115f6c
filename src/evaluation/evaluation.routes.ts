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
  monthsWithData,
  setEvaluationWeights,
} from './evaluation.ts';
import { evaluationCsv, evaluationXlsx } from './export.ts';
import {
  DEFAULT_MIN_DISPATCHES,
  DEFAULT_WEIGHTS,
  DISPATCHER_INDICATORS,
  GRID_WORKER_INDICATORS,
  INDICATORS,
  TIE_RULE,
  WEIGHT_KEYS,
  type WeightKey,
  type Weights,
} from './indicators.ts';
import { type Period, periodOf } from './period.ts';
import { leaderboard } from './points.ts';

export const PeriodQuery = {
  // Years the city has data for: year 0 or 9999 would make no real period (and no valid next month).
  month: Type.Optional(
    Type.String({ pattern: '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, city time' }),
  ),
  from: Type.Optional(Type.String({ format: 'date', description: 'First day (with to, instead of month)' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Day after the last' })),
};

const Rate = Type.Union([Type.Number(), Type.Null()]);
const weight = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
/** One field per part of the composite (indicators.ts, COMPOSITE_PARTS): a new part fails to compile until added. */
const WeightFields = {
  response: weight('Weight of the response rate'),
  onTime: weight('Weight of the on-time handling rate'),
  solved: weight('Weight of the solved rate'),
  satisfied: weight('Weight of the satisfaction rate'),
  rework: weight('Weight of 1 − the rework rate'),
} satisfies Record<WeightKey, TSchema>;
const WeightsSchema = Type.Object(WeightFields, {
  additionalProperties: false,
  description: 'Shares of the 100 points of the composite score: each 0–100, adding up to 100',
});
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
    // Weights for this answer only (a weight not given is 0; together they must add up to 100).
    ...Type.Partial(Type.Object(WeightFields)).properties,
  },
  { additionalProperties: false },
);

/** Weights given in the query string, or undefined when none is. */
function weightsFrom(query: Partial<Record<WeightKey, number>>): Weights | undefined {
  if (WEIGHT_KEYS.every((key) => query[key] === undefined)) return undefined;
  return Object.fromEntries(WEIGHT_KEYS.map((key) => [key, query[key] ?? 0])) as Weights;
}

const RankingRules = Type.Object({
  minDispatches: Type.Integer({ description: 'Rows with fewer dispatches in the period are shown unranked' }),
  tieRuleZh: Type.String(),
  tieRuleEn: Type.String(),
});

export const evaluationRoutes: FastifyPluginAsyncTypebox<{
  db: Db;
  clock: Clock;
  timeZone: string;
  /** EVALUATION_MIN_DISPATCHES (default DEFAULT_MIN_DISPATCHES). */
  minDispatches?: number;
}> = async (app, { db, clock, timeZone, minDispatches = DEFAULT_MIN_DISPATCHES }) => {
  const ranking = { minDispatches, tieRuleZh: TIE_RULE.zh, tieRuleEn: TIE_RULE.en };
  const run = async (actor: Parameters<typeof evaluate>[1], query: Static<typeof EvaluationQuery>) => {
    const period = periodOf(query, timeZone);
    const weights = weightsFrom(query) ?? (await evaluationWeights(db));
    const rows = await evaluate(db, actor, {
      period,
      group: query.group ?? 'body',
      asOf: clock.now(),
      weights,
      within: query.within,
      minDispatches,
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
            defaultWeights: WeightsSchema,
            ranking: RankingRules,
            definitions: Type.Record(Type.String(), Definition),
            rows: Type.Array(
              Type.Object({
                key: Type.String({ description: "The body's id, or the area's code" }),
                code: Type.String({ description: "The body's code, or the area's code" }),
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
                rank: Type.Union([Type.Integer(), Type.Null()], {
                  description: 'Among all rows of the query (for a handler too, who is shown their own row only)',
                }),
                unranked: Type.Union([Type.Enum(['no_score', 'too_few_dispatches']), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { period, weights, rows } = await run(request.actor, request.query);
      return {
        period: periodView(period),
        weights,
        defaultWeights: DEFAULT_WEIGHTS,
        ranking,
        definitions: INDICATORS,
        rows,
      };
    },
  );

  app.get(
    '/evaluation/periods',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: "The months with dispatches to evaluate, newest first (a handler: their own body's)",
        response: {
          200: Type.Object({
            months: Type.Array(Type.Object({ month: Type.String(), dispatches: Type.Integer() })),
            latest: Type.Union([Type.String(), Type.Null()], {
              description: 'The newest month with dispatches (YYYY-MM, city time): where the console opens',
            }),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => {
      const months = await monthsWithData(db, request.actor, timeZone);
      return { months, latest: months[0]?.month ?? null };
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
      const { period, weights, rows } = await run(request.actor, request.query);
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
      return reply.send(await evaluationXlsx(rows, language, title, { weights, minDispatches }));
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
        summary:
          'Set the weights of the composite score: response, on-time handling, solved, satisfied, no rework (default 10 / 40 / 20 / 20 / 10; they must add up to 100)',
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
