import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { originOf } from '../audit/index.ts';
import type { Clock } from '../lib/clock.ts';
import { DateTime, errorResponses, Nullable } from '../lib/http-schemas.ts';
import { DATA_CLASSIFICATION, UNMASK_PURPOSES } from '../policy/index.ts';
import type { PrivacyDeps } from './case-personal-data.ts';
import {
  consentHistory,
  dataRequestsToHandle,
  decideDataRequest,
  myConsents,
  myDataAccesses,
  myDataRequests,
  myPersonalData,
  revealRequestedChanges,
  setConsents,
  submitDataRequest,
} from './data-rights.ts';
import { DATA_REQUEST_KINDS, DATA_REQUEST_STATUSES } from './privacy.tables.ts';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const IdentitySchema = Type.Object({
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  idNumber: Nullable(Type.String()),
  address: Nullable(Type.String()),
  email: Nullable(Type.String()),
});
const ConsentsSchema = Type.Object({ publish: Type.Boolean(), contact: Type.Boolean(), statistics: Type.Boolean() });
const IdentityChanges = Type.Object(
  {
    name: Type.Optional(Text(100)),
    phone: Type.Optional(Type.String({ pattern: '^[+0-9 ()-]{5,20}$' })),
    idNumber: Type.Optional(Type.String({ pattern: '^[0-9]{17}[0-9Xx]$' })),
    address: Type.Optional(Text(300)),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  },
  { additionalProperties: false },
);
const DataRequestSchema = Type.Object({
  id: Type.String(),
  kind: Type.Enum(DATA_REQUEST_KINDS),
  reason: Type.String(),
  status: Type.Enum(DATA_REQUEST_STATUSES),
  submittedAt: DateTime,
  dueAt: DateTime,
  overdue: Type.Boolean(),
  decidedAt: Type.Union([DateTime, Type.Null()]),
  decisionNote: Nullable(Type.String()),
  changes: Type.Union([Type.Partial(IdentitySchema), Type.Null()]),
});
const AccessSchema = Type.Object({
  accessedAt: DateTime,
  accessor: Type.Object({
    displayName: Type.String(),
    role: Type.String(),
    bodyNameZh: Nullable(Type.String()),
    bodyNameEn: Nullable(Type.String()),
  }),
  purpose: Type.String(),
  reason: Nullable(Type.String()),
  fields: Type.Array(Type.String()),
  caseNumber: Nullable(Type.String()),
});
const ConsentChangeSchema = Type.Object({
  consent: Type.String(),
  granted: Type.Boolean(),
  changedAt: DateTime,
});

export interface PrivacyRouteDeps extends PrivacyDeps {
  clock: Clock;
  /** When a data-rights request received now is due (the statutory time, on the city's working calendar). */
  dataRequestDue(now: Date): Date;
}

export const privacyRoutes: FastifyPluginAsyncTypebox<{ deps: PrivacyRouteDeps }> = async (app, { deps }) => {
  const tags = ['personal data'];

  app.get(
    '/me/personal-data',
    {
      config: { action: 'my_data.read' },
      schema: {
        tags,
        summary: 'Your personal data as the city holds it, with your consents',
        response: {
          200: Type.Object({
            identity: IdentitySchema,
            consents: ConsentsSchema,
            anonymisedAt: Type.Union([DateTime, Type.Null()]),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    (request) => myPersonalData(deps, request.actor, deps.clock.now(), originOf(request)),
  );

  app.get(
    '/me/personal-data/export',
    {
      config: { action: 'my_data.read' },
      schema: {
        tags,
        summary: 'Download all your personal data, who accessed it, your consents and requests, as JSON',
        response: { 200: Type.Unknown({ description: 'A JSON file (attachment)' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      const [data, accesses, consents, requests] = await Promise.all([
        myPersonalData(deps, request.actor, now, originOf(request)),
        myDataAccesses(deps.db, request.actor),
        consentHistory(deps.db, request.actor),
        myDataRequests(deps, request.actor, now),
      ]);
      const body = { exportedAt: now, ...data, consentHistory: consents, accesses, requests };
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="my-data-${now.toISOString().slice(0, 10)}.json"`)
        .send(JSON.stringify(body, null, 2));
    },
  );

  app.get(
    '/me/data-accesses',
    {
      config: { action: 'my_data.read' },
      schema: {
        tags,
        summary: 'Who saw your personal data in clear, when, and for what purpose',
        response: { 200: Type.Array(AccessSchema), ...errorResponses(401, 403, 404) },
      },
    },
    (request) => myDataAccesses(deps.db, request.actor),
  );

  app.get(
    '/me/consents',
    {
      config: { action: 'my_data.read' },
      schema: {
        tags,
        summary: 'Your consents and their history',
        response: {
          200: Type.Object({ consents: ConsentsSchema, history: Type.Array(ConsentChangeSchema) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const [consents, history] = await Promise.all([
        myConsents(deps.db, request.actor),
        consentHistory(deps.db, request.actor),
      ]);
      return { consents, history };
    },
  );

  app.put(
    '/me/consents',
    {
      config: { action: 'my_data.manage' },
      schema: {
        tags,
        summary: 'Give or withdraw consents, with effect from now on',
        body: Type.Partial(ConsentsSchema, { additionalProperties: false, minProperties: 1 }),
        response: { 200: ConsentsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    (request) => setConsents(deps, request.actor, request.body, deps.clock.now(), originOf(request)),
  );

  app.get(
    '/me/data-requests',
    {
      config: { action: 'my_data.read' },
      schema: {
        tags,
        summary: 'Your correction and deletion requests',
        response: { 200: Type.Array(DataRequestSchema), ...errorResponses(401, 403) },
      },
    },
    (request) => myDataRequests(deps, request.actor, deps.clock.now()),
  );

  app.post(
    '/me/data-requests',
    {
      config: { action: 'my_data.manage' },
      schema: {
        tags,
        summary: 'Ask for your personal data to be corrected or deleted',
        body: Type.Object(
          { kind: Type.Enum(DATA_REQUEST_KINDS), reason: Text(1000), changes: Type.Optional(IdentityChanges) },
          { additionalProperties: false },
        ),
        response: { 201: DataRequestSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      const created = await submitDataRequest(
        deps,
        request.actor,
        request.body,
        deps.dataRequestDue(now),
        now,
        originOf(request),
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/data-requests',
    {
      config: { action: 'data_requests.handle' },
      schema: {
        tags,
        summary: "The data steward's correction and deletion requests, nearest deadline first",
        querystring: Type.Object(
          { status: Type.Optional(Type.Enum(DATA_REQUEST_STATUSES)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DataRequestSchema), ...errorResponses(400, 401, 403) },
      },
    },
    (request) => dataRequestsToHandle(deps, request.actor, request.query.status, deps.clock.now()),
  );

  app.post(
    '/data-requests/:id/decision',
    {
      config: { action: 'data_requests.handle' },
      schema: {
        tags,
        summary: 'Complete (apply) or refuse a correction or deletion request, with a note to the citizen',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          { decision: Type.Union([Type.Literal('complete'), Type.Literal('refuse')]), note: Text(1000) },
          { additionalProperties: false },
        ),
        response: { 200: DataRequestSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    (request) =>
      decideDataRequest(deps, request.actor, request.params.id, request.body, deps.clock.now(), originOf(request)),
  );

  app.post(
    '/data-requests/:id/changes/reveal',
    {
      config: { action: 'data_requests.handle' },
      schema: {
        tags,
        summary:
          "The values a correction asks for, in clear up to your clearance; recorded in the citizen's access record",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Partial(IdentitySchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    (request) => revealRequestedChanges(deps, request.actor, request.params.id, deps.clock.now(), originOf(request)),
  );

  app.get(
    '/data-classification',
    {
      config: { action: 'data_classification.read' },
      schema: {
        tags,
        summary: 'Every table and column with its level (general/important/core) and personal-data label',
        response: {
          200: Type.Record(
            Type.String(),
            Type.Record(Type.String(), Type.Object({ level: Type.String(), personal: Type.String() })),
          ),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => DATA_CLASSIFICATION,
  );

  app.get(
    '/privacy/purposes',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The purposes for which staff may see personal data in clear, and which roles may',
        response: {
          200: Type.Array(
            Type.Object({
              purpose: Type.String(),
              zh: Type.String(),
              en: Type.String(),
              roles: Type.Array(Type.String()),
              unmasks: Type.Boolean({ description: 'false: only recorded (a look-up), never a reason to unmask' }),
            }),
          ),
        },
      },
    },
    async () =>
      Object.entries(UNMASK_PURPOSES).map(([purpose, p]) => ({
        purpose,
        zh: p.zh,
        en: p.en,
        roles: [...p.roles],
        unmasks: !('lookUpOnly' in p),
      })),
  );
};
