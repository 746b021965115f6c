import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { isDatabaseUnavailable } from '../http/error-handler.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import { CONTENT_TYPES, FORMATS, type Format, listXml, toXml } from './formats.ts';
import { badRequest, findServiceRequests, getServiceRequest } from './service-requests.ts';
import { listServices, serviceDefinition } from './services.ts';

export interface Open311Deps {
  db: Db;
  clock: Clock;
  timeZone: string;
  /** The jurisdiction_id this server answers for; a request naming another is refused (404). */
  jurisdictionId: string;
  /** Whom client developers ask for help and API keys (the discovery document's contact). */
  contact: string;
}

/** The day this endpoint's calls last changed (the discovery document's changeset). */
const CHANGESET = '2026-12-04T00:00:00+08:00';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

const FormatParam = Type.Union(FORMATS.map((format) => Type.Literal(format)));
const Jurisdiction = Type.Optional(Type.String({ maxLength: 100 }));
/** A W3C date-time with its zone, as the specification writes them (2010-01-01T00:00:00Z, …+08:00). */
const W3cDateTime = Type.String({ format: 'date-time', maxLength: 40 });
const CaseNumber = Type.String({ pattern: '^\\d{4}-\\d{6,}$', maxLength: 20 });

/**
 * Open311 GeoReport v2 (the boundary where other systems, FixMyStreet and its adapters among them, read
 * the city's cases): discovery, services and service requests, each in XML and JSON by the path's
 * extension, errors as the specification's list of `{code, description}`. Open311's words stay here.
 */
export const open311Routes: FastifyPluginAsyncTypebox<{ deps: Open311Deps }> = async (app, { deps }) => {
  app.setErrorHandler((error, request, reply) => sendError(error as Error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new AppError('OPEN311_ERR_NOT_FOUND', 404, 'No such Open311 call'), request, reply),
  );

  const checkJurisdiction = (jurisdictionId: string | undefined) => {
    if (jurisdictionId !== undefined && jurisdictionId !== deps.jurisdictionId) {
      throw new AppError('OPEN311_ERR_JURISDICTION', 404, `jurisdiction_id ${jurisdictionId} was not found`);
    }
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
        toXml('service_definition', { service_code: definition.service_code, attributes: { attribute: [] } }),
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
        },
        deps.clock.now(),
        deps.timeZone,
      );
      return send(reply, request.params.format, requests, () => listXml('service_requests', 'request', requests));
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
        querystring: Type.Object({ jurisdiction_id: Jurisdiction }),
      },
    },
    async (request, reply) => {
      checkJurisdiction(request.query.jurisdiction_id);
      const found = [await getServiceRequest(deps.db, request.params.service_request_id, deps.timeZone)];
      return send(reply, request.params.format, found, () => listXml('service_requests', 'request', found));
    },
  );
};

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
  const errors = [{ code: status, description }];
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
