import type { FastifyError, FastifyRequest, FastifyServerOptions } from 'fastify';
import { stdSerializers } from 'pino';

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
