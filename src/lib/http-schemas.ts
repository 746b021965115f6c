import { type TSchema, Type } from 'typebox';

/** The one error shape every route answers with. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. CASE_ERR_ILLEGAL_TRANSITION' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      requestId: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Uuid = Type.String({ format: 'uuid' });
/** An instant; services hand Date objects, which the serializer writes as ISO-8601. */
export const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
/** An instant given by a client: validated as ISO-8601, parsed by the route. */
/** A value or null (TypeBox has no shorthand). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DateTimeInput = Type.String({ format: 'date-time' });

/** Error responses to declare on a route, so the OpenAPI document lists them. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorResponse')]));
}
