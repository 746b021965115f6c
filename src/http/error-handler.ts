import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.ts';

/** Fastify's own client errors, renamed into our catalogue so clients see one vocabulary. */
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'REQUEST_ERR_MALFORMED_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'REQUEST_ERR_EMPTY_BODY',
    message: 'The request body is empty but JSON was declared',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'REQUEST_ERR_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'REQUEST_ERR_UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'REQUEST_ERR_BAD_LENGTH',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_BAD_URL: { code: 'REQUEST_ERR_BAD_URL', message: 'The URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'REQUEST_ERR_BAD_URL', message: 'A part of the URL is too long' },
};

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId: string };
}

/**
 * The root error handler: every error leaves as `{ error: { code, message, details } }`. Client mistakes
 * keep their status and message; anything else is logged in full and answered with a bare 500 that
 * reveals nothing (no stack, no SQL).
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const body = (code: string, message: string, details?: Record<string, unknown>): ErrorBody => ({
    error: { code, message, ...(details ? { details } : {}), requestId: String(request.id) },
  });

  if (error instanceof AppError) {
    // A refusal that says when to come back says it in the standard header too, for clients and proxies.
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.status(error.statusCode).send(body(error.code, error.message, error.details));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const issues = fastifyError.validation.map((issue) => ({
      where: fastifyError.validationContext ?? 'request',
      path: issue.instancePath || '/',
      message: issue.message ?? 'is invalid',
      ...(issue.keyword === 'additionalProperties'
        ? { field: (issue.params as { additionalProperty?: string }).additionalProperty }
        : {}),
    }));
    return reply.status(400).send(body('REQUEST_ERR_VALIDATION', fastifyError.message, { issues }));
  }
  // A safety net: PostgreSQL's "data exception" class (22xxx: a value out of range, an invalid text
  // representation…) is a value the client sent that validation let through. Logged, answered as 400.
  const sqlState = (error as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    request.log.warn({ err: error }, 'database refused a value validation let through');
    return reply.status(400).send(body('REQUEST_ERR_INVALID_VALUE', 'A value in the request cannot be stored'));
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable: answered 503');
    reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return reply
      .status(503)
      .send(
        body(
          'SERVICE_ERR_DATABASE_UNAVAILABLE',
          'The database cannot be reached just now, so the request may not have been carried out: check, or try again in a few seconds',
          { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
        ),
      );
  }
  const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  const status = fastifyError.statusCode ?? 500;
  if (known) return reply.status(status).send(body(known.code, known.message));
  if (status >= 400 && status < 500) {
    return reply.status(status).send(body('REQUEST_ERR_BAD_REQUEST', fastifyError.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send(body('INTERNAL_ERROR', 'Something went wrong on our side; the request id helps us find it'));
}

/** When a client should try again after the database dropped away (a restart or a failover takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The SQLSTATEs of a server going away or refusing connections: 08 (connection exception), 57P01–57P03
 * (administrator, crash or start-up shutdown) and 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** What node-postgres and its pool say, without a code, when a connection dies or cannot be had. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|the embedded database (stopped|is closed)/;

/**
 * Whether an error means the database went away (not that the request was wrong): a dropped connection, a
 * server restarting, a refused connection. The client is told to try again: 503 with Retry-After, never a
 * 500. What was in flight normally rolled back, but a connection lost during COMMIT may have committed, so
 * the answer does not promise that nothing changed (the step's version, or the list, tells).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  return UNAVAILABLE_MESSAGE.test(error.message);
}
