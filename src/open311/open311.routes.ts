import formBody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorForToken } from '../auth/index.ts';
import type { CaseDeps } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { auditChanges } from '../http/auth.ts';
import { isDatabaseUnavailable } from '../http/error-handler.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import { authorize } from '../policy/index.ts';
import { fileServiceRequest, invalidApiKey } from './file-request.ts';
import { CONTENT_TYPES, FORMATS, type Format, listXml, toXml } from './formats.ts';
import { CLIENT_STATUSES, findRequestUpdates, postRequestUpdate } from './request-updates.ts';
import { badRequest, findServiceRequests, getServiceRequest } from './service-requests.ts';
import { listServices, serviceDefinition, serviceDefinitionXml } from './services.ts';

export interface Open311Deps {
  db: Db;
  clock: Clock;
  timeZone: string;
  /** The jurisdiction_id this server answers for; a request naming another is refused (404). */
  jurisdictionId: string;
  /** Whom client developers ask for help and API keys (the discovery document's contact). */
  contact: string;
  /** What filing a case needs (POST requests), and the keys its audit entry is sealed with. */
  cases: CaseDeps;
}

/** The day this endpoint's calls last changed (the discovery document's changeset). */
const CHANGESET = '2026-12-05T00:00:00+08:00';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

const FormatParam = Type.Union(FORMATS.map((format) => Type.Literal(format)));
const Jurisdiction = Type.Optional(Type.String({ maxLength: 100 }));
/** A W3C date-time with its zone, as the specification writes them (2010-01-01T00:00:00Z, …+08:00). */
const W3cDateTime = Type.String({ format: 'date-time', maxLength: 40 });
const CaseNumber = Type.String({ pattern: '^\\d{4}-\\d{6,}$', maxLength: 20 });
/** FixMyStreet's `extensions=true`: each request with its extended_attributes. */
const Extensions = Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')]));
/** A client's update status as FixMyStreet sends it (OPEN, CLOSED), or an extended one, in either case. */
const ClientStatusParam = Type.String({
  pattern: `^(${CLIENT_STATUSES.flatMap((status) => [status, status.toUpperCase()]).join('|')})$`,
});

/**
 * Open311 GeoReport v2 (the boundary where other systems, FixMyStreet and its adapters among them, read
 * the city's cases): discovery, services and service requests, each in XML and JSON by the path's
 * extension, errors as the specification's list of `{code, description}`. Open311's words stay here.
 */
export const open311Routes: FastifyPluginAsyncTypebox<{ deps: Open311Deps }> = async (app, { deps }) => {
  app.setErrorHandler((error, request, reply) => sendError(error as Error, request, reply));
  // The specification's POST is a form; a filed case is audited with the request, as the API's changes are.
  await app.register(formBody, { bodyLimit: 64 * 1024 });
  auditChanges(app, { db: deps.db, clock: deps.clock, keys: deps.cases.keyring });
  app.setNotFoundHandler((request, reply) =>
    sendError(new AppError('OPEN311_ERR_NOT_FOUND', 404, 'No such Open311 call'), request, reply),
  );

  const checkJurisdiction = (jurisdictionId: string | undefined) => {
    if (jurisdictionId !== undefined && jurisdictionId !== deps.jurisdictionId) {
      throw new AppError('OPEN311_ERR_JURISDICTION', 404, `jurisdiction_id ${jurisdictionId} was not found`);
    }
  };

  /** The partner application a POST comes from, by the api_key in its form (so checked once the body is read). */
  const clientOf = (action: 'open311.report' | 'open311.update') => async (request: FastifyRequest) => {
    const key = (request.body as { api_key?: string }).api_key;
    const actor = key ? await actorForToken(deps.db, key, deps.clock.now()) : undefined;
    if (!actor) throw invalidApiKey();
    request.actor = actor;
    authorize(actor, action);
  };

  app.get(
    '/discovery.:format',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 discovery: the endpoint, its specification and formats',
        security: [],
        params: Type.Object({ format: FormatParam }),
      },
    },
    async (request, reply) => {
      const discovery = {
        changeset: CHANGESET,
        contact: deps.contact,
        key_service: deps.contact,
        endpoints: [
          {
            specification: SPECIFICATION,
            url: `${request.protocol}://${request.host}/open311/v2`,
            changeset: CHANGESET,
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      };
      const { format } = request.params;
      return send(
        reply,
        format,
        format === 'json'
          ? discovery
          : toXml('discovery', {
              ...discovery,
              endpoints: {
                endpoint: discovery.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })),
              },
            }),
      );
    },
  );

  app.get(
    '/v2/services.:format',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 services: the leaf categories a request can be filed under',
        security: [],
        params: Type.Object({ format: FormatParam }),
        querystring: Type.Object({ jurisdiction_id: Jurisdiction }),
      },
    },
    async (request, reply) => {
      checkJurisdiction(request.query.jurisdiction_id);
      const services = await listServices(deps.db);
      return send(reply, request.params.format, services, () => listXml('services', 'service', services));
    },
  );

  app.get(
    '/v2/services/:service_code.:format',
    {
      schema: {
        tags: ['open311'],
        summary: "Open311 service definition: a service's attributes",
        security: [],
        params: Type.Object({ service_code: Type.String({ pattern: '^\\d{2,12}$' }), format: FormatParam }),
        querystring: Type.Object({ jurisdiction_id: Jurisdiction }),
      },
    },
    async (request, reply) => {
      checkJurisdiction(request.query.jurisdiction_id);
      const definition = await serviceDefinition(deps.db, request.params.service_code);
      return send(reply, request.params.format, definition, () =>
        toXml('service_definition', serviceDefinitionXml(definition)),
      );
    },
  );

  app.get(
    '/v2/requests.:format',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 service requests: published cases, by default of the last 90 days (at most 1,000)',
        security: [],
        params: Type.Object({ format: FormatParam }),
        querystring: Type.Object({
          jurisdiction_id: Jurisdiction,
          service_request_id: Type.Optional(
            Type.String({ pattern: '^\\d{4}-\\d{6,}(,\\d{4}-\\d{6,})*$', maxLength: 2_000 }),
          ),
          service_code: Type.Optional(Type.String({ pattern: '^\\d{2,12}$' })),
          start_date: Type.Optional(W3cDateTime),
          end_date: Type.Optional(W3cDateTime),
          status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))*$' })),
          extensions: Extensions,
        }),
      },
    },
    async (request, reply) => {
      const { query } = request;
      checkJurisdiction(query.jurisdiction_id);
      const requests = await findServiceRequests(
        deps.db,
        {
          serviceRequestIds: query.service_request_id?.split(','),
          serviceCode: query.service_code,
          start: dateOf(query.start_date, 'start_date'),
          end: dateOf(query.end_date, 'end_date'),
          statuses: query.status?.split(',') as Array<'open' | 'closed'> | undefined,
          extensions: query.extensions === 'true',
        },
        deps.clock.now(),
        deps.timeZone,
      );
      return send(reply, request.params.format, requests, () => listXml('service_requests', 'request', requests));
    },
  );

  app.post(
    '/v2/requests.:format',
    {
      config: { action: 'open311.report' },
      schema: {
        tags: ['open311'],
        summary: 'Open311 POST Service Request: file a case from a partner application (api_key required)',
        security: [],
        params: Type.Object({ format: FormatParam }),
        body: Type.Object(
          {
            api_key: Type.Optional(Type.String({ maxLength: 200 })),
            jurisdiction_id: Jurisdiction,
            service_code: Type.String({ pattern: '^\\d{2,12}$' }),
            lat: Type.Optional(Type.String({ pattern: '^-?\\d{1,2}(\\.\\d+)?$', maxLength: 30 })),
            long: Type.Optional(Type.String({ pattern: '^-?\\d{1,3}(\\.\\d+)?$', maxLength: 30 })),
            address_string: Type.Optional(Type.String({ maxLength: 500 })),
            address_id: Type.Optional(Type.String({ maxLength: 100 })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
            device_id: Type.Optional(Type.String({ maxLength: 200 })),
            account_id: Type.Optional(Type.String({ maxLength: 200 })),
            first_name: Type.Optional(Type.String({ maxLength: 100 })),
            last_name: Type.Optional(Type.String({ maxLength: 100 })),
            phone: Type.Optional(Type.String({ maxLength: 40 })),
            description: Type.Optional(Type.String({ maxLength: 4000 })),
            media_url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
          },
          // attribute[code] fields (and attribute[code][], repeated, for a multivaluelist): the answers to the
          // service's attributes, checked against its definition; fields the server does not read are ignored.
          {
            additionalProperties: Type.Union([
              Type.String({ maxLength: 4000 }),
              Type.Array(Type.String({ maxLength: 4000 }), { maxItems: 50 }),
            ]),
          },
        ),
      },
      preValidation: withoutEmptyFields,
      preHandler: clientOf('open311.report'),
    },
    async (request, reply) => {
      checkJurisdiction(request.body.jurisdiction_id);
      const caseNumber = await fileServiceRequest(deps.cases, request.actor, request.body);
      const filed = [{ service_request_id: caseNumber, service_notice: null, account_id: null }];
      reply.status(201);
      return send(reply, request.params.format, filed, () => listXml('service_requests', 'request', filed));
    },
  );

  app.get(
    '/v2/requests/:service_request_id.:format',
    {
      schema: {
        tags: ['open311'],
        summary: 'One Open311 service request (a published case)',
        security: [],
        params: Type.Object({ service_request_id: CaseNumber, format: FormatParam }),
        querystring: Type.Object({ jurisdiction_id: Jurisdiction, extensions: Extensions }),
      },
    },
    async (request, reply) => {
      checkJurisdiction(request.query.jurisdiction_id);
      const { service_request_id: caseNumber } = request.params;
      const extensions = request.query.extensions === 'true';
      const found = [await getServiceRequest(deps.db, caseNumber, deps.timeZone, extensions)];
      return send(reply, request.params.format, found, () => listXml('service_requests', 'request', found));
    },
  );

  app.get(
    '/v2/servicerequestupdates.:format',
    {
      schema: {
        tags: ['open311'],
        summary: "Open311 (mySociety extension): the public steps of published cases, FixMyStreet's statuses",
        security: [],
        params: Type.Object({ format: FormatParam }),
        querystring: Type.Object({
          jurisdiction_id: Jurisdiction,
          start_date: Type.Optional(W3cDateTime),
          end_date: Type.Optional(W3cDateTime),
        }),
      },
    },
    async (request, reply) => {
      const { query } = request;
      checkJurisdiction(query.jurisdiction_id);
      const updates = await findRequestUpdates(
        deps.db,
        { start: dateOf(query.start_date, 'start_date'), end: dateOf(query.end_date, 'end_date') },
        deps.clock.now(),
        deps.timeZone,
      );
      return send(reply, request.params.format, updates, () =>
        listXml('service_request_updates', 'request_update', updates),
      );
    },
  );

  app.post(
    '/v2/servicerequestupdates.:format',
    {
      config: { action: 'open311.update' },
      schema: {
        tags: ['open311'],
        summary:
          "Open311 (mySociety extension) POST Service Request Update: a partner application's update, recorded as a public note on the case (api_key required)",
        security: [],
        params: Type.Object({ format: FormatParam }),
        body: Type.Object({
          api_key: Type.Optional(Type.String({ maxLength: 200 })),
          jurisdiction_id: Jurisdiction,
          service_request_id: CaseNumber,
          update_id: Type.String({ minLength: 1, maxLength: 100 }),
          status: ClientStatusParam,
          updated_datetime: W3cDateTime,
          description: Type.Optional(Type.String({ maxLength: 4000 })),
          media_url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
          first_name: Type.Optional(Type.String({ maxLength: 100 })),
          last_name: Type.Optional(Type.String({ maxLength: 100 })),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
          // FixMyStreet also sends fields this server does not read (service_request_id_ext, update_id_ext,
          // public_anonymity_required, account_id, title): taken and ignored.
        }),
      },
      preValidation: withoutEmptyFields,
      preHandler: clientOf('open311.update'),
    },
    async (request, reply) => {
      checkJurisdiction(request.body.jurisdiction_id);
      dateOf(request.body.updated_datetime, 'updated_datetime');
      const answer = [await postRequestUpdate(deps.cases, request.actor, request.body)];
      reply.status(201);
      return send(reply, request.params.format, answer, () =>
        listXml('service_request_updates', 'request_update', answer),
      );
    },
  );

  app.get(
    '/v2/tokens/:token.:format',
    {
      schema: {
        tags: ['open311'],
        summary: 'Open311 GET request_id from a token: requests are filed at once, so a token is its request id',
        security: [],
        params: Type.Object({ token: CaseNumber, format: FormatParam }),
        querystring: Type.Object({ jurisdiction_id: Jurisdiction }),
      },
    },
    async (request, reply) => {
      checkJurisdiction(request.query.jurisdiction_id);
      // A realtime server answers POST with the service_request_id itself; a client that kept it as a
      // token gets it back for any request the public may see.
      const found = await getServiceRequest(deps.db, request.params.token, deps.timeZone);
      const tokens = [{ service_request_id: found.service_request_id, token: request.params.token }];
      return send(reply, request.params.format, tokens, () => listXml('service_requests', 'request', tokens));
    },
  );
};

/**
 * Clients send fields they have no value for empty (FixMyStreet: `email=` for a resident known only by
 * phone): an empty field is one not sent, not an invalid one.
 */
async function withoutEmptyFields(request: FastifyRequest) {
  const form = request.body as Record<string, unknown> | null;
  if (form && typeof form === 'object') {
    for (const [field, value] of Object.entries(form)) if (value === '') delete form[field];
  }
}

function dateOf(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${name} is not a W3C date-time`);
  return date;
}

/** Answers in the format the path asked for: JSON as it is, XML as built (or as given, already built). */
function send(reply: FastifyReply, format: Format, content: unknown, xml?: () => string) {
  reply.header('content-type', CONTENT_TYPES[format]);
  if (format === 'json') return reply.send(JSON.stringify(content));
  return reply.send(xml ? xml() : content);
}

/**
 * The specification's errors: a list of `{code, description}`, in the format the path asked for. Also for
 * what Fastify refuses before routing (an over-long URL part), so an Open311 client meets one error shape.
 */
export function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const { status, description } = describeError(error, request);
  const params = request.params as { format?: string } | undefined;
  const format: Format = params?.format === 'xml' || /\.xml(\?|$)/.test(request.url) ? 'xml' : 'json';
  // An error with several parts (each attribute refused) lists them all, as the specification's list allows.
  const several = error instanceof AppError ? error.details?.descriptions : undefined;
  const descriptions = Array.isArray(several) && several.length ? (several as string[]) : [description];
  const errors = descriptions.map((text) => ({ code: status, description: text }));
  reply.status(status);
  return send(reply, format, errors, () => listXml('errors', 'error', errors));
}

function describeError(error: FastifyError | Error, request: FastifyRequest): { status: number; description: string } {
  if (error instanceof AppError) return { status: error.statusCode, description: error.message };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const issue = fastifyError.validation[0];
    const where = issue?.instancePath ? issue.instancePath.slice(1) : (fastifyError.validationContext ?? 'request');
    return { status: 400, description: `${where} ${issue?.message ?? 'is invalid'}` };
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable: answered 503');
    return { status: 503, description: 'The database cannot be reached just now: try again in a few seconds' };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, description: fastifyError.message };
  request.log.error({ err: error }, 'Open311 request failed');
  return { status: 500, description: 'Something went wrong on our side' };
}
