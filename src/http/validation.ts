import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { AppError } from '../lib/app-error.ts';

const common: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };

// Instants and dates must also be ones the database can store: a real calendar moment (no leap second
// 23:59:60, which JavaScript cannot represent) between 1900 and 9999.
const DATE_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const inRange = (year: string | undefined) => Number(year) >= 1900 && Number(year) <= 9999;

function withStoredFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv);
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) => {
      const match = DATE_TIME.exec(value);
      return !!match && inRange(match[1]) && Number.isFinite(Date.parse(value));
    },
  });
  ajv.addFormat('date', {
    type: 'string',
    validate: (value: string) => {
      const match = DATE.exec(value);
      if (!match || !inRange(match[1])) return false;
      const date = new Date(`${value}T00:00:00Z`);
      return date.getUTCMonth() + 1 === Number(match[2]) && date.getUTCDate() === Number(match[3]);
    },
  });
  return ajv;
}

// Query strings and path parameters arrive as text, so "limit=20" must become 20 and a lone "status=x"
// a one-element array. A JSON body is already typed: there, 42 is not a title, so nothing is coerced.
const coercing = withStoredFormats(new Ajv({ ...common, coerceTypes: 'array' }));
const strict = withStoredFormats(new Ajv({ ...common, coerceTypes: false }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema);

/**
 * Refuses text containing a NUL character anywhere in the request: valid JSON and valid UTF-8, but no
 * PostgreSQL text value can hold it, and no person types it.
 */
export async function rejectNulCharacters(request: FastifyRequest) {
  for (const [part, value] of [
    ['body', request.body],
    ['querystring', request.query],
    ['params', request.params],
  ] as const) {
    if (containsNul(value, 0)) {
      throw new AppError('REQUEST_ERR_VALIDATION', 400, `The ${part} contains a NUL character (\\u0000)`, {
        issues: [{ where: part, path: '/', message: 'must not contain \\u0000' }],
      });
    }
  }
}

function containsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  }
  return false;
}
