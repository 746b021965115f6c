import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { DateTime, DateTimeInput, errorResponses, Uuid } from '../lib/http-schemas.ts';
import {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  localTimeOf,
  suggestRouting,
  updateRoutingRule,
} from './routing-rules.ts';

const CategoryCode = Type.String({ pattern: '^([0-9]{2}){1,3}$' });
const AreaCode = Type.String({ pattern: '^[0-9]{1,15}$' });
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, city time' });

const RuleBody = Type.Object(
  {
    categoryCode: Type.Optional(Type.Union([CategoryCode, Type.Null()], { description: 'Empty: any category' })),
    areaCode: Type.Optional(Type.Union([AreaCode, Type.Null()], { description: 'Empty: anywhere' })),
    window: Type.Optional(
      Type.Union([Type.Object({ start: TimeOfDay, end: TimeOfDay }, { additionalProperties: false }), Type.Null()], {
        description: 'Only cases reported in this time of day (may wrap midnight, e.g. 22:00–06:00)',
      }),
    ),
    leadBodyId: Uuid,
    assistingBodyIds: Type.Optional(Type.Array(Uuid, { maxItems: 10 })),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const RuleResponse = Type.Object({
  id: Uuid,
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  window: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
  leadBodyId: Uuid,
  assistingBodyIds: Type.Array(Uuid),
  note: Type.Union([Type.String(), Type.Null()]),
  updatedAt: DateTime,
});

const RuleParams = Type.Object({ id: Uuid });

const TestQuery = Type.Object(
  {
    category: CategoryCode,
    gridCode: Type.Optional(AreaCode),
    at: Type.Optional({ ...DateTimeInput, description: 'When the case is reported (default: now)' }),
  },
  { additionalProperties: false },
);

export const routingRoutes: FastifyPluginAsyncTypebox<{ db: Db; timeZone: string }> = async (app, { db, timeZone }) => {
  app.get(
    '/routing-rules',
    {
      config: { action: 'routing.read' },
      schema: {
        tags: ['routing'],
        summary: 'The routing rules: (category, area, time of day) → lead and assisting bodies',
        response: { 200: Type.Object({ items: Type.Array(RuleResponse) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ items: await listRoutingRules(db) }),
  );

  app.get(
    '/routing-rules/test',
    {
      config: { action: 'routing.read' },
      schema: {
        tags: ['routing'],
        summary: 'Which rule would apply to a case of this category, here, at this time, and where it would go',
        querystring: TestQuery,
        response: {
          200: Type.Object({
            leadBodyId: Type.Union([Uuid, Type.Null()]),
            assistingBodyIds: Type.Array(Uuid),
            source: Type.Enum(['rule', 'category_default', 'none']),
            rule: Type.Union([RuleResponse, Type.Null()]),
            localTime: Type.String(),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const localTime = localTimeOf(request.query.at ? new Date(request.query.at) : new Date(), timeZone);
      const suggestion = await suggestRouting(db, {
        categoryCode: request.query.category,
        gridCode: request.query.gridCode ?? null,
        localTime,
      });
      return { ...suggestion, localTime };
    },
  );

  app.post(
    '/routing-rules',
    {
      config: { action: 'routing.edit' },
      schema: {
        tags: ['routing'],
        summary: 'Add a routing rule',
        body: RuleBody,
        response: { 201: RuleResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createRoutingRule(db, request.actor, request.body);
    },
  );

  app.put(
    '/routing-rules/:id',
    {
      config: { action: 'routing.edit' },
      schema: {
        tags: ['routing'],
        summary: 'Change a routing rule',
        params: RuleParams,
        body: RuleBody,
        response: { 200: RuleResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => updateRoutingRule(db, request.actor, request.params.id, request.body),
  );

  app.delete(
    '/routing-rules/:id',
    {
      config: { action: 'routing.edit' },
      schema: {
        tags: ['routing'],
        summary: 'Remove a routing rule',
        params: RuleParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteRoutingRule(db, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
