import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { originOf } from '../audit/index.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import {
  ApproveBody,
  GrantRowsResponse,
  IdParams,
  LegalBasesResponse,
  ListQuery,
  NewRequestBody,
  ReasonBody,
  RowsQuery,
  ShareRequestResponse,
} from './sharing.schemas.ts';
import { LEGAL_BASES, LEGAL_BASIS_CODES } from './sharing.tables.ts';
import {
  approveShareRequest,
  getShareRequest,
  listShareRequests,
  readGrantRows,
  refuseShareRequest,
  requestShare,
  revokeGrant,
  type SharingDeps,
  withdrawShareRequest,
} from './sharing.ts';

const optionalDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

export const sharingRoutes: FastifyPluginAsyncTypebox<{ deps: SharingDeps }> = async (app, { deps }) => {
  const tags = ['data sharing'];

  app.get(
    '/sharing/legal-bases',
    {
      config: { action: 'sharing.read' },
      schema: {
        tags,
        summary: 'The legal bases a request may name (法律依据), in Chinese and English',
        response: { 200: LegalBasesResponse, ...errorResponses(401, 403) },
      },
    },
    async () => LEGAL_BASIS_CODES.map((code) => ({ code, ...LEGAL_BASES[code] })),
  );

  app.get(
    '/sharing/requests',
    {
      config: { action: 'sharing.read' },
      schema: {
        tags,
        summary: "Your body's requests for other bodies' data, and the requests made to your body, newest first",
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(ShareRequestResponse) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => ({ items: await listShareRequests(deps, request.actor, request.query.side) }),
  );

  app.post(
    '/sharing/requests',
    {
      config: { action: 'sharing.request' },
      schema: {
        tags,
        summary: "Ask for fields of another body's dataset, for a purpose, on a legal basis, for a period",
        body: NewRequestBody,
        response: { 201: ShareRequestResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { from, to, ...rest } = request.body;
      const created = await requestShare(
        deps,
        request.actor,
        { ...rest, from: new Date(from), to: new Date(to) },
        originOf(request),
      );
      reply.code(201);
      return created;
    },
  );

  app.get(
    '/sharing/requests/:id',
    {
      config: { action: 'sharing.read' },
      schema: {
        tags,
        summary: 'One request, with its grant',
        params: IdParams,
        response: { 200: ShareRequestResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    (request) => getShareRequest(deps, request.actor, request.params.id),
  );

  app.post(
    '/sharing/requests/:id/approve',
    {
      config: { action: 'sharing.decide' },
      schema: {
        tags,
        summary: 'Approve a request made to your body, possibly for fewer fields or a shorter period: a grant',
        params: IdParams,
        body: ApproveBody,
        response: { 200: ShareRequestResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    (request) =>
      approveShareRequest(
        deps,
        request.actor,
        request.params.id,
        {
          fields: request.body.fields,
          from: optionalDate(request.body.from),
          to: optionalDate(request.body.to),
        },
        originOf(request),
      ),
  );

  app.post(
    '/sharing/requests/:id/refuse',
    {
      config: { action: 'sharing.decide' },
      schema: {
        tags,
        summary: 'Refuse a request made to your body, saying why',
        params: IdParams,
        body: ReasonBody,
        response: { 200: ShareRequestResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    (request) => refuseShareRequest(deps, request.actor, request.params.id, request.body.reason, originOf(request)),
  );

  app.post(
    '/sharing/requests/:id/withdraw',
    {
      config: { action: 'sharing.request' },
      schema: {
        tags,
        summary: "Withdraw your body's request, or give its grant back",
        params: IdParams,
        response: { 200: ShareRequestResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    (request) => withdrawShareRequest(deps, request.actor, request.params.id, originOf(request)),
  );

  app.post(
    '/sharing/grants/:id/revoke',
    {
      config: { action: 'sharing.decide' },
      schema: {
        tags,
        summary: "Revoke a grant of your body's data before it expires, saying why",
        params: IdParams,
        body: ReasonBody,
        response: { 200: ShareRequestResponse, ...errorResponses(400, 401, 403, 404, 410) },
      },
    },
    (request) => revokeGrant(deps, request.actor, request.params.id, request.body.reason, originOf(request)),
  );

  app.get(
    '/sharing/grants/:id/rows',
    {
      config: { action: 'sharing.access' },
      schema: {
        tags,
        summary:
          'Rows of the granted dataset, the granted fields only, a page at a time; each read is audited with the ' +
          "grant's purpose and recorded for the residents whose cases it returns",
        params: IdParams,
        querystring: RowsQuery,
        response: { 200: GrantRowsResponse, ...errorResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    (request) =>
      readGrantRows(
        deps,
        request.actor,
        request.params.id,
        { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 },
        originOf(request),
      ),
  );
};
