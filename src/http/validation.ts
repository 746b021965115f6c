import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const common: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };

// Query strings and path parameters arrive as text, so "limit=20" must become 20 and a lone "status=x"
// a one-element array. A JSON body is already typed: there, 42 is not a title, so nothing is coerced.
const coercing = addFormats.default(new Ajv({ ...common, coerceTypes: 'array' }));
const strict = addFormats.default(new Ajv({ ...common, coerceTypes: false }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema);
