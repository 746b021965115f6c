import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { DateTime, errorResponses, Nullable, Uuid } from '../lib/http-schemas.ts';
import { suggestCategories, suggestForIntake } from './intake-suggestions.ts';
import { listModels } from './models.ts';
import { MODEL_TARGETS } from './text.tables.ts';
import { DANGERS } from './urgency.ts';

const Probability = Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability' });

const SuggestionResponse = Type.Object({
  id: Uuid,
  categories: Type.Array(
    Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), probability: Probability }),
    { description: 'Top three at the finest category level with a trained model; empty before training' },
  ),
  categoryModelVersion: Nullable(Type.Integer()),
  bodies: Type.Array(
    Type.Object({ bodyId: Uuid, nameZh: Type.String(), nameEn: Type.String(), probability: Probability }),
  ),
  urgency: Type.Object({
    priority: Type.Enum(['normal', 'high', 'urgent']),
    flags: Type.Array(
      Type.Object({ danger: Type.Enum(DANGERS), evidence: Type.String(), start: Type.Integer(), end: Type.Integer() }),
    ),
  }),
});

const MetricsSchema = Type.Object({
  folds: Type.Integer(),
  examples: Type.Integer(),
  classes: Type.Integer(),
  macroF1: Type.Number(),
  accuracy: Type.Number(),
  top3Accuracy: Type.Number(),
  calibrationError: Type.Number({ description: 'Expected calibration error of the top suggestion (0 = honest)' }),
  baselineMacroF1: Type.Number({ description: 'Multinomial Naive Bayes on the same folds' }),
  trainSeconds: Type.Number(),
  snapshot: Type.Object({ cases: Type.Integer(), corrections: Type.Integer(), taxonomyNames: Type.Integer() }),
});

const ModelSchema = Type.Object({
  id: Uuid,
  target: Type.Enum(MODEL_TARGETS),
  version: Type.Integer(),
  trainedAt: DateTime,
  trainedBy: Type.String(),
  snapshotId: Type.String({ description: 'Hash of the training examples and their labels' }),
  trainingExamples: Type.Integer(),
  metrics: MetricsSchema,
});

export const textRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock }> = async (app, { db, clock }) => {
  const tags = ['text intelligence'];

  app.post(
    '/text/intake-suggestions',
    {
      config: { action: 'text.suggest' },
      schema: {
        tags,
        summary: 'Suggest the category and handling body of a new report, and flag danger in its text',
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 200 }),
            description: Type.String({ maxLength: 10000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SuggestionResponse, ...errorResponses(400, 401, 403) },
      },
    },
    (request) => suggestForIntake(db, request.actor, request.body, clock.now()),
  );

  app.post(
    '/public/category-suggestions',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'The likeliest categories of a resident’s words, before they sign in (nothing is kept)',
        security: [],
        body: Type.Object(
          {
            title: Type.String({ maxLength: 200 }),
            description: Type.String({ maxLength: 4000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ categories: SuggestionResponse.properties.categories }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => ({ categories: await suggestCategories(db, request.body) }),
  );

  app.get(
    '/text/models',
    {
      config: { action: 'text.models.read' },
      schema: {
        tags,
        summary: 'The trained text models, newest first per target, with their cross-validated metrics',
        response: { 200: Type.Array(ModelSchema), ...errorResponses(401, 403) },
      },
    },
    () => listModels(db),
  );
};
