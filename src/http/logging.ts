import {
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { stdSerializers } from 'pino';
import PinoPretty from 'pino-pretty';

/** What every redacted value is replaced with in the log. */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets or personal data, wherever a logged object carries them (two levels deep). */
const SENSITIVE_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'code',
  'token',
  'phone',
  'idNumber',
  'name',
  'address',
  'email',
];

/**
 * Query parameters whose values are replaced in logged URLs (compared without case). `q` is free text: a
 * search for a caller's number or name is personal data.
 */
const SENSITIVE_QUERY_KEYS = new Set([
  'phone',
  'token',
  'code',
  'password',
  'idnumber',
  'email',
  'q',
  'name',
  'address',
]);

const REDACT_PATHS = [
  // The request serializer below never logs headers; these catch code that logs a raw request or reply.
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

/**
 * Pino options for Fastify that keep credentials and personal data out of the log, even when some
 * handler logs `request.body` or an object holding a citizen's phone number. Logs are read by operators
 * and shipped to log stores with wider access than the database, so they must not hold what the
 * personal-data rules protect.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactQuery(request.url),
        hostname: request.hostname,
        remoteAddress: request.ip,
        id: request.id,
      }),
      // `err.code` is redacted with every other `code` key, but an error's code is an identifier set by
      // our code or a library (AppError codes, SQLSTATE), which operators need: it is kept as errorCode.
      err: (error: FastifyError) => {
        const serialized = stdSerializers.err(error);
        const code = (error as { code?: unknown }).code;
        return typeof code === 'string' || typeof code === 'number' ? { ...serialized, errorCode: code } : serialized;
      },
    },
  };
}

/**
 * The server process's logger: pretty lines for a person at a terminal or in development, one JSON object
 * a line in production (for log stores), unless LOG_FORMAT says which. Pretty lines are formatted on the
 * main thread (pino-pretty as a stream, not a transport's extra thread): after redaction, like JSON.
 */
export function serverLoggerOptions(
  config: { logLevel: string; logFormat?: 'pretty' | 'json' | undefined; production: boolean },
  terminal: boolean,
): LoggerOptions {
  const pretty = (config.logFormat ?? (terminal || !config.production ? 'pretty' : 'json')) === 'pretty';
  if (!pretty) return loggerOptions(config.logLevel);
  return {
    ...loggerOptions(config.logLevel),
    stream: PinoPretty({
      colorize: terminal,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,reqId',
      singleLine: true,
    }),
  };
}

/**
 * Fastify's own lines about every request ("incoming request", "request completed") at `debug`, not
 * `info`: at the default level the log holds what happened to the city's data and to the server, and
 * LOG_LEVEL=debug adds the traffic. Failed requests are still logged at `error`.
 */
export class RequestLogsAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) super.requestCompleted(error, request, reply);
    else if (!this.isLogDisabled(request))
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** The URL with the values of sensitive query parameters replaced, e.g. `/x?phone=[redacted]&page=2`. */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const parts = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals === -1) return part;
      const key = part.slice(0, equals);
      return SENSITIVE_QUERY_KEYS.has(queryKeyName(key)) ? `${key}=${REDACTED}` : part;
    });
  return `${url.slice(0, start)}?${parts.join('&')}`;
}

/** `Phone`, `ph%6Fne`, `phone[]` and `phone[0]` all name the phone parameter. */
function queryKeyName(raw: string): string {
  let key = raw.replaceAll('+', ' ');
  try {
    key = decodeURIComponent(key);
  } catch {
    // A malformed escape: compare the key as it was sent.
  }
  return key
    .replace(/\[[^\]]*\]$/, '')
    .trim()
    .toLowerCase();
}
