/**
 * The API's shapes as the console reads them: taken from the types generated from the server's OpenAPI
 * document (scripts/api-types.ts), never restated by hand, so a field the API drops fails the build.
 */
import type { paths } from './generated/api-schema.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON a route answers with on success (200, else 201, else 202), e.g. `Answer<'/cases/{caseNumber}'>`. */
export type Answer<Path extends ApiPath, M extends Method = 'get'> =
  NonNullable<paths[`/api/v1${Path}`][M]> extends { responses: infer Responses }
    ? Responses extends { 200: infer Ok }
      ? JsonOf<Ok>
      : Responses extends { 201: infer Created }
        ? JsonOf<Created>
        : Responses extends { 202: infer Accepted }
          ? JsonOf<Accepted>
          : never
    : never;

/** The JSON body a route takes, e.g. `Body<'/users', 'post'>`. */
export type Body<Path extends ApiPath, M extends Method> =
  NonNullable<paths[`/api/v1${Path}`][M]> extends { requestBody?: infer Request }
    ? JsonOf<NonNullable<Request>>
    : never;

/** An API path as the console writes it, without the /api/v1 prefix. */
export type ApiPath = keyof paths extends infer P ? (P extends `/api/v1${infer Rest}` ? Rest : never) : never;

/** One item of an answer that is a list, or of its `items`. */
export type Item<List> = List extends readonly (infer One)[]
  ? One
  : List extends { items: readonly (infer One)[] }
    ? One
    : never;
