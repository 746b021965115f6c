import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { PeriodQuery } from './evaluation.routes.ts';
import { firstContactResolution } from './first-contact.ts';
import { periodOf } from './period.ts';

const Rate = Type.Union([Type.Number(), Type.Null()]);

export const firstContactRoutes: FastifyPluginAsyncTypebox<{ db: Db; timeZone: string }> = async (
  app,
  { db, timeZone },
) => {
  app.get(
    '/evaluation/first-contact',
    {
      config: { action: 'evaluation.read' },
      schema: {
        tags: ['evaluation'],
        summary: 'First-contact resolution (一次办结率): cases answered from the knowledge base instead of dispatched',
        querystring: Type.Object(PeriodQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({
            period: Type.String(),
            answered: Type.Integer(),
            reopened: Type.Integer(),
            dispatched: Type.Integer(),
            rate: Rate,
            satisfactionRate: Rate,
            definition: Type.Object({ zh: Type.String(), en: Type.String() }),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const period = periodOf(request.query, timeZone);
      return { period: period.label, ...(await firstContactResolution(db, period)) };
    },
  );
};
