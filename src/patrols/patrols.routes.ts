import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DateTime, DateTimeInput, errorResponses } from '../lib/http-schemas.ts';
import { endPatrol, type PatrolDeps, patrolCoverage, recordTrack, startPatrol, teamCoverage } from './patrols.ts';

const PatrolParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });
const Latitude = Type.Number({ minimum: -90, maximum: 90 });
/** A phone sends its queued track in batches of at most this many points. */
const MAX_POINTS_PER_BATCH = 500;

export const patrolsRoutes: FastifyPluginAsyncTypebox<{ deps: PatrolDeps }> = async (app, { deps }) => {
  const tags = ['patrols'];

  app.post(
    '/patrols',
    {
      config: { action: 'patrol.record', idempotent: true },
      schema: {
        tags,
        summary: 'Start a patrol (巡查): its track is recorded with your consent and kept 30 days',
        body: Type.Object({ startedAt: DateTimeInput }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), startedAt: DateTime }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return startPatrol(deps, request.actor, new Date(request.body.startedAt));
    },
  );

  app.post(
    '/patrols/:id/points',
    {
      config: { action: 'patrol.record' },
      schema: {
        tags,
        summary: `Add points to your patrol's track (at most ${MAX_POINTS_PER_BATCH}; a point sent twice is kept once)`,
        params: PatrolParams,
        body: Type.Object(
          {
            points: Type.Array(
              Type.Object(
                {
                  recordedAt: DateTimeInput,
                  longitude: Longitude,
                  latitude: Latitude,
                  accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: MAX_POINTS_PER_BATCH },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ stored: Type.Integer() }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      recordTrack(
        deps,
        request.actor,
        request.params.id,
        request.body.points.map((p) => ({ ...p, recordedAt: new Date(p.recordedAt) })),
      ),
  );

  app.post(
    '/patrols/:id/end',
    {
      config: { action: 'patrol.record' },
      schema: {
        tags,
        summary: 'End your patrol',
        params: PatrolParams,
        body: Type.Object({ endedAt: DateTimeInput }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await endPatrol(deps, request.actor, request.params.id, new Date(request.body.endedAt));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/patrols/coverage/team',
    {
      config: { action: 'patrol.team' },
      schema: {
        tags,
        summary: "This week's patrol coverage of every grid worker within your reach",
        response: {
          200: Type.Object({
            weekStart: DateTime,
            workers: Type.Array(
              Type.Object({
                username: Type.String(),
                displayName: Type.String(),
                weekStart: DateTime,
                unitCells: Type.Integer(),
                visited: Type.Integer(),
                share: Type.Number(),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => teamCoverage(deps, request.actor),
  );

  app.get(
    '/patrols/coverage',
    {
      config: { action: 'patrol.coverage' },
      schema: {
        tags,
        summary: "This week's patrol coverage (有效巡查): the share of a grid worker's unit grid cells visited",
        querystring: Type.Object({
          username: Type.Optional(Type.String({ maxLength: 100, description: "Another grid worker's (supervisors)" })),
        }),
        response: {
          200: Type.Object({
            weekStart: DateTime,
            unitCells: Type.Integer(),
            visited: Type.Integer(),
            share: Type.Number(),
            cells: Type.Array(
              Type.Object({
                code: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                visited: Type.Boolean(),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => patrolCoverage(deps, request.actor, request.query.username),
  );
};
