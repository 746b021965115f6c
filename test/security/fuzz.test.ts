/**
 * A fuzzer over every route of the real application: hostile path parameters, query strings, bodies,
 * content types and credentials, as each demo role and as nobody. Whatever arrives, the answer is a
 * client error in the one error shape or a success, within 5 s, never a 500, a stack trace or SQL.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, issueApiToken, SESSION_COOKIE } from '../../src/auth/index.ts';
import { DEMO_USERS } from '../../src/demo/demo-city.ts';
import { buildApp } from '../../src/http/app.ts';
import { loggerOptions } from '../../src/http/logging.ts';
import { actorForUsername } from '../../src/organizations/index.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { DEMO_NOW, loadSmallDemoCity, TEST_APP_CONFIG, testAppDeps } from '../demo-city.ts';

/** Runs per route and method: ~80 routes × 40 runs is ~3,200 requests, about 15 s on two cores. */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 40);
const REQUEST_TIMEOUT_MS = 5_000;
/**
 * The suite fuzzes one seed, fixed in this file, so that what it finds is found again on every run and on
 * every machine (a failure names its seed). Exploring goes on outside the suite: `npm run fuzz` runs
 * FUZZ_SEEDS=random:20 fresh seeds; FUZZ_SEEDS=49897843,random:20 runs that one and 20 more.
 * A seed that finds something becomes a pinned test (e.g. src/http/bad-input.test.ts).
 */
const SUITE_SEED = 20261202;
const SEEDS = seedsToFuzz(process.env.FUZZ_SEEDS ?? process.env.FUZZ_SEED ?? String(SUITE_SEED));

/** "7,49897843,random:20": the seeds named, and 20 drawn at random (printed with the results). */
function seedsToFuzz(spec: string): number[] {
  const seeds = spec.split(',').flatMap((item) => {
    const random = /^random:(\d+)$/.exec(item.trim());
    if (random) return Array.from({ length: Number(random[1]) }, () => Math.floor(Math.random() * 2 ** 31));
    return [Number(item.trim())];
  });
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) {
    throw new Error(`FUZZ_SEEDS "${spec}" is not a list of seeds`);
  }
  return seeds;
}

/** Fewer would mean the enumeration broke and the fuzzer is silently fuzzing nothing. */
const MIN_API_ROUTES = 30;
/** The first demo user of each role: every role's view of every route gets fuzzed, new roles included. */
const USERS = DEMO_USERS.filter((user, i) => DEMO_USERS.findIndex((other) => other.role === user.role) === i).map(
  (user) => user.username,
);
/** How a request is signed: a user's API token, their console session (with or without its CSRF token). */
const SIGNED = USERS.flatMap((user) => [`token:${user}`, `session:${user}`]);
const SIGNED_ODDLY = USERS.map((user) => `session-without-csrf:${user}`);

// ---------------------------------------------------------------------------------------------------
// The routes, as Fastify itself knows them

interface Route {
  method: string;
  /** Fastify's pattern, e.g. /api/v1/cases/:caseNumber */
  url: string;
  operation?: Operation;
}

interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  nullable?: boolean;
};

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/**
 * Every route with its methods, read from `printRoutes()`: a tree whose lines are indented by 4
 * characters per level, each node adding its segment to its parent's path. It lists hidden routes too,
 * which the OpenAPI document leaves out.
 */
function routesFromTree(tree: string): Array<{ url: string; methods: string[] }> {
  const routes: Array<{ url: string; methods: string[] }> = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3}|[├└]── )*)(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match?.[2]) continue;
    const depth = match[1]!.length / 4;
    const url = (prefixes[depth - 2] ?? '') + match[2];
    prefixes[depth - 1] = url;
    prefixes.length = depth;
    if (match[3]) routes.push({ url, methods: match[3].split(', ') });
  }
  return routes;
}

function enumerateRoutes(app: FastifyInstance): Route[] {
  const doc = app.swagger() as unknown as OpenApi;
  const routes: Route[] = [];
  for (const { url, methods } of routesFromTree(app.printRoutes({ commonPrefix: false }))) {
    // HEAD is GET without the body; fuzzing GET covers it and HEAD answers have no body to check.
    for (const method of methods.filter((m) => m !== 'HEAD')) {
      const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      routes.push({ method, url, operation });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------------
// Hostile values

const NASTY_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE cases; --",
  '" OR ""="',
  '1) OR (1=1',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  '%',
  '%%',
  '%E0%A4%A',
  '%ff%fe',
  '\uD800',
  '\uDFFF\uD800',
  '😀👨‍👩‍👧‍👦',
  '路灯不亮',
  '\u202Eevil',
  'ﷺ',
  '\t\r\n',
  ' ',
  '',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999999999999',
  '-9223372036854775809',
  '2147483648',
  '0x1F',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '#{7*7}',
  '<%= 7*7 %>',
  '{{7*7}}',
  '$where',
  '2026-000001',
  '2026-999999999999',
  '0000-000000',
  '430102',
  '430102001001',
  '010204',
  '2026',
  '1900',
  '9999',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2026-02-30',
  '2026-13-01',
  '2026-12-31T23:59:60Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
];

/** Values that some route accepts, so that fuzzing also reaches the code past validation. */
const realValues: string[] = [];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => 'x'.repeat(n)) },
  // Chained, so the values are read when generating (beforeAll fills them in), not when this is declared.
  { weight: 2, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...(realValues.length ? realValues : ['1']))) },
);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(1e308),
  fc.constant(-1),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

// ---------------------------------------------------------------------------------------------------
// Values shaped by the route's own schemas, valid or nearly so

function resolve(schema: Schema | undefined, doc: OpenApi): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components?.schemas?.[schema.$ref.split('/').at(-1)!];
}

function valueFor(raw: Schema | undefined, doc: OpenApi, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw, doc);
  if (!schema || depth > 5) return fc.jsonValue({ maxDepth: 2 });
  const value = valueOfType(schema, doc, depth);
  return schema.nullable ? fc.option(value, { nil: null }) : value;
}

function valueOfType(schema: Schema, doc: OpenApi, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const choices = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (choices?.length) return fc.oneof(...choices.map((choice) => valueFor(choice, doc, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(schema.items, doc, depth + 1), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = schema.properties ?? {};
      const shape = Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [key, valueFor(property, doc, depth + 1)]),
      );
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real value fitting the pattern now and then, a generated one otherwise. */
function preferReal(generated: fc.Arbitrary<string>, fits: (value: string) => boolean): fc.Arbitrary<string> {
  const real = realValues.filter(fits);
  return real.length
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: generated })
    : generated;
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 40, 200);
  switch (schema.format) {
    case 'uuid':
      return preferReal(fc.uuid(), (value) => UUID.test(value));
    case 'date':
      return fc
        .date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('1900-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return preferReal(
      fc.stringMatching(pattern).map((s) => s.slice(0, max)),
      (value) => pattern.test(value),
    );
  }
  return fc.oneof(
    fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: max }),
    fc.constantFrom('路灯不亮', '五一大道路灯坏了', '芙蓉区', ...realValues),
  );
}

/** Every place in a JSON value where a field could be replaced: ['location', 'latitude'], … */
function fieldPaths(value: unknown, depth = 0): string[][] {
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [
    [key],
    ...fieldPaths(item, depth + 1).map((p) => [key, ...p]),
  ]);
}

function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  const copy = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  (copy as Record<string, unknown>)[head] = replaceAt((value as Record<string, unknown>)[head], rest, replacement);
  return copy;
}

/** A valid-ish body with one field (or the whole body) swapped for a value of the wrong type. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), wrongValue).map(([value, pick, replacement]) => {
    const paths = [[], ...fieldPaths(value)];
    return replaceAt(value, paths[pick % paths.length]!, replacement);
  });
}

// ---------------------------------------------------------------------------------------------------
// Requests, as small recipes (so that a counterexample prints small) turned into payloads when sent

type BodyRecipe =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'huge'; field: string; length: number; char: string }
  | { kind: 'deep'; depth: number; wrapped: boolean }
  | { kind: 'bad-utf8'; bytes: number[] };

interface Recipe {
  params: Record<string, string>;
  rawParams: boolean;
  query: Array<[string, string]>;
  rawQuery: boolean;
  body: BodyRecipe;
  auth: string;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/vnd.api+json',
  'application/jsonx',
  '*/*',
  'garbage',
];

const MALFORMED_CREDENTIALS = [
  'Bearer',
  'Bearer ',
  'Bearer  ',
  'bearer x',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer null',
  'Bearer undefined',
  "Bearer ' OR 1=1 --",
  'Bearer <script>alert(1)</script>',
  'Bearer a b c',
  `Bearer ${'A'.repeat(5_000)}`,
  'Bearer %00',
  'Token abc',
  'Bearer 00000000-0000-0000-0000-000000000000',
  `cookie:${SESSION_COOKIE}=forged`,
  `cookie:${SESSION_COOKIE}=`,
  `cookie:${SESSION_COOKIE}=${'%'.repeat(50)}; ${SESSION_COOKIE}=x`,
];

function recipeFor(route: Route, doc: OpenApi): fc.Arbitrary<Recipe> {
  const parameters = route.operation?.parameters ?? [];
  const paramNames = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const schemaOf = (name: string) => parameters.find((p) => p.in === 'path' && p.name === name)?.schema;
  const params: Record<string, fc.Arbitrary<string>> = Object.fromEntries(
    paramNames.map((name) => [name, fc.oneof(nastyString, valueFor(schemaOf(name), doc).map(String))]),
  );
  const plausibleParams: Record<string, fc.Arbitrary<string>> = Object.fromEntries(
    paramNames.map((name) => [name, valueFor(schemaOf(name), doc).map(String)]),
  );
  // The wildcard of static files is where path traversal is tried.
  if (route.url.endsWith('*')) {
    params['*'] = nastyString;
    plausibleParams['*'] = fc.constantFrom('swagger-ui.css', 'index.css', 'logo.svg', 'nothing.js');
  }

  const queryParameters = parameters.filter((p) => p.in === 'query');
  const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  // A known parameter with a value of its type (an array becomes the key repeated) or a hostile one.
  const knownQuery: fc.Arbitrary<Array<[string, string]>> = queryParameters.length
    ? fc
        .constantFrom(...queryParameters)
        .chain((p) =>
          fc
            .oneof(valueFor(p.schema, doc), nastyString)
            .map(
              (value): Array<[string, string]> =>
                Array.isArray(value) ? value.map((item) => [p.name, asText(item)]) : [[p.name, asText(value)]],
            ),
        )
    : nastyString.map((value): Array<[string, string]> => [['q', value]]);
  const anyQuery = fc
    .tuple(fc.oneof(nastyString, fc.constantFrom('a', 'limit', 'status', 'cursor')), nastyString)
    .map((pair) => [pair]);
  const query = fc
    .array(fc.oneof({ weight: 3, arbitrary: knownQuery }, { weight: 1, arbitrary: anyQuery }), { maxLength: 5 })
    .map((groups) => groups.flat())
    // Repeat a pair now and then: ?a=1&a=2 is an array to the query parser.
    .chain((pairs) => fc.boolean().map((twice) => (twice && pairs[0] ? [...pairs, pairs[0]] : pairs)));

  const bodySchema = resolve(route.operation?.requestBody?.content?.['application/json']?.schema, doc);
  const fields = Object.keys(bodySchema?.properties ?? {});
  const valid = bodySchema ? valueFor(bodySchema, doc) : fc.jsonValue({ maxDepth: 3 });
  const body: fc.Arbitrary<BodyRecipe> = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 4, arbitrary: valid.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 4, arbitrary: mutated(valid).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 1,
      arbitrary: fc.anything().map((value) => ({
        kind: 'text' as const,
        text: JSON.stringify(value) ?? '',
        contentType: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('huge' as const),
        field: fc.constantFrom(...(fields.length ? fields : ['title'])),
        length: fc.integer({ min: 1_000, max: 100_000 }),
        char: fc.constantFrom('x', '路', '😀', '"', '\\'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('deep' as const),
        depth: fc.integer({ min: 10, max: 2_000 }),
        wrapped: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 40 })
        .map((bytes) => ({ kind: 'bad-utf8' as const, bytes: [0xff, ...bytes, 0xc3] })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        text: fc.oneof(
          fc.string({ maxLength: 50 }),
          fc.constantFrom('{', '{"a":', 'a=1&b=2', '<x/>', '[1,]', '{"__proto__":{"x":1}}'),
        ),
        contentType: fc.constantFrom(...CONTENT_TYPES),
      }),
    },
  );

  const auth = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_CREDENTIALS) },
    { weight: 6, arbitrary: fc.constantFrom(...SIGNED) },
    { weight: 1, arbitrary: fc.constantFrom(...SIGNED_ODDLY) },
  );

  const hostile = fc.record({
    params: fc.record(params),
    rawParams: fc.nat(4).map((n) => n === 0),
    query,
    rawQuery: fc.nat(4).map((n) => n === 0),
    body,
    auth,
  });
  // A well-formed request from a signed-in user, so the fuzzing also reaches the handlers and the
  // database rather than stopping at validation and authentication.
  const plausibleQuery = fc
    .subarray(queryParameters)
    .chain((chosen) =>
      fc.tuple(
        ...chosen.map((p) =>
          valueFor(p.schema, doc).map(
            (value): Array<[string, string]> =>
              Array.isArray(value) ? value.map((item) => [p.name, asText(item)]) : [[p.name, asText(value)]],
          ),
        ),
      ),
    )
    .map((groups) => groups.flat());
  const plausible = fc.record({
    params: fc.record(plausibleParams),
    rawParams: fc.constant(false),
    query: plausibleQuery,
    rawQuery: fc.constant(false),
    body: bodySchema
      ? valid.map((value): BodyRecipe => ({ kind: 'json', value }))
      : fc.constant<BodyRecipe>({ kind: 'none' }),
    auth: fc.constantFrom(...SIGNED),
  });
  return fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 3, arbitrary: hostile });
}

/** Percent-encodes as a client would; a lone surrogate (no UTF-8 form) goes as U+FFFD, as browsers send it. */
function encode(text: string): string {
  return encodeURIComponent(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

/** Raw (unencoded) only what a client could put on a request line without the request being refused. */
const sendableRaw = (text: string) => /^[\x21-\x7e]*$/.test(text) && !/[?#]/.test(text);

function urlOf(route: Route, recipe: Recipe): string {
  const param = (text: string) => (recipe.rawParams && sendableRaw(text) ? text : encode(text));
  let path = route.url.replace(/:(\w+)/g, (_, name: string) => param(recipe.params[name] ?? ''));
  if (path.endsWith('*')) path = path.slice(0, -1) + param(recipe.params['*'] ?? '');
  // The live streams run for up to a minute unless told otherwise: every fuzzed request to them also says
  // seconds=0 (a second `seconds` the fuzzer made makes the query invalid: a 400, as it should).
  const streamEnd: Array<[string, string]> = /\/cases(\/:caseNumber)?\/changes$/.test(route.url)
    ? [['seconds', '0']]
    : [];
  const query = [...recipe.query, ...streamEnd]
    .map(([key, value]) =>
      recipe.rawQuery && sendableRaw(key) && sendableRaw(value) && !/[&=]/.test(key + value)
        ? `${key}=${value}`
        : `${encode(key)}=${encode(value)}`,
    )
    .join('&');
  return query ? `${path}?${query}` : path;
}

function payloadOf(body: BodyRecipe): { payload?: string | Buffer; contentType?: string } {
  switch (body.kind) {
    case 'none':
      return {};
    case 'json':
      return { payload: JSON.stringify(body.value) ?? 'null', contentType: 'application/json' };
    case 'text':
      return { payload: body.text, contentType: body.contentType };
    case 'huge':
      return {
        payload: JSON.stringify({ [body.field]: body.char.repeat(body.length) }),
        contentType: 'application/json',
      };
    case 'deep': {
      // Built as text: a recursive JSON.stringify of 2,000 levels is what the server must survive, not us.
      const nested = '['.repeat(body.depth) + ']'.repeat(body.depth);
      return { payload: body.wrapped ? `{"title":${nested}}` : nested, contentType: 'application/json' };
    }
    case 'bad-utf8':
      return {
        payload: Buffer.concat([Buffer.from('{"title":"'), Buffer.from(body.bytes), Buffer.from('"}')]),
        contentType: 'application/json',
      };
  }
}

// ---------------------------------------------------------------------------------------------------
// What must hold for every answer

const LEAKS: Array<[string, RegExp]> = [
  ['a stack trace', /\bat .*[/\\][\w.-]+\.(?:ts|js|mjs|cjs):\d+/],
  ['a stack trace', /node_modules/],
  ['SQL', /\bselect\s/i],
  ['SQL', /insert into/i],
  ['SQL', /syntax error at or near/i],
  ['SQL', /relation "/i],
];

describe('fuzzing every route', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let routes: Route[];
  let doc: OpenApi;
  /** Headers for each way of signing a request, renewed for each route: the fuzzer may sign out or revoke. */
  const credentials = new Map<string, Record<string, string>>();
  const logLines: string[] = [];

  async function signEveryoneIn() {
    for (const username of USERS) {
      const actor = await actorForUsername(handle.db, username);
      if (!actor) throw new Error(`no demo user ${username}`);
      const { token } = await issueApiToken(handle.db, actor.userId, { label: 'fuzz', scopes: ['*'], expiresAt: null });
      const session = await createSession(handle.db, actor.userId, '127.0.0.1', DEMO_NOW, TEST_APP_CONFIG.sessions);
      const cookie = `${SESSION_COOKIE}=${session.cookieValue}`;
      credentials.set(`token:${username}`, { authorization: `Bearer ${token}` });
      credentials.set(`session:${username}`, { cookie, 'x-csrf-token': session.csrfToken });
      credentials.set(`session-without-csrf:${username}`, { cookie });
    }
  }

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, 12);
    // The server's error log explains any 500 the fuzzer provokes (it holds the stack).
    const log = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    // A fuzzer is a flood from one address: testAppDeps lifts the limits, which would answer most with 429.
    app = await buildApp(await testAppDeps(handle, areas), { ...loggerOptions('error'), stream: log });
    await app.ready();
    await signEveryoneIn();
    const admin = credentials.get('token:admin')!;
    // Identifiers the demo city really has, read from the API itself, so requests can name real things.
    for (const url of [
      '/api/v1/handling-bodies',
      '/api/v1/routing-rules',
      '/api/v1/cases?limit=100',
      '/api/v1/categories?level=3',
      '/api/v1/grid/areas?level=district&level=street&level=community',
      '/api/v1/demo/users',
    ]) {
      const response = await app.inject({ url, headers: admin });
      if (response.statusCode === 200) realValues.push(...identifiersIn(response.json()));
    }
    // The demo password lets password sign-in and password changes get past the first check too.
    const demo = await app.inject({ url: '/api/v1/demo/users' });
    const password = (demo.json() as { password?: unknown }).password;
    if (typeof password === 'string') realValues.push(password);
    realValues.push('2026', '2026-11', '2026-11-20', '2026-11-20T02:00:00Z');
    realValues.splice(0, realValues.length, ...new Set(realValues));
    doc = app.swagger() as unknown as OpenApi;
    routes = enumerateRoutes(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it('should find every route, hidden ones included', () => {
    const apiRoutes = routes.filter((route) => route.url.startsWith('/api/v1/'));
    expect(apiRoutes.length).toBeGreaterThanOrEqual(MIN_API_ROUTES);
    // The tree and the OpenAPI document agree: every documented operation is among the routes found.
    const found = new Set(routes.map((route) => `${route.method} ${route.url}`));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        expect(found, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
    expect(found).toContain('GET /healthz');
    expect(found).toContain('GET /docs/');
  });

  it(
    'should answer every request to every route without a 500, a hang or a leak',
    async () => {
      const failures: string[] = [];
      let requests = 0;
      const started = Date.now();
      // How far the fuzzing got: mostly 401s and 400s would mean it never reaches the handlers.
      const statuses = new Map<string, number>();

      const send = async (route: Route, recipe: Recipe) => {
        const { payload, contentType } = payloadOf(recipe.body);
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType;
        if (recipe.auth.startsWith('cookie:')) headers.cookie = recipe.auth.slice('cookie:'.length);
        else if (recipe.auth) Object.assign(headers, credentials.get(recipe.auth) ?? { authorization: recipe.auth });
        const url = urlOf(route, recipe);
        requests++;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'hang'>((resolve) => {
          timer = setTimeout(() => resolve('hang'), REQUEST_TIMEOUT_MS);
        });
        const response = await Promise.race([
          app.inject({ method: route.method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) }),
          timeout,
        ]).finally(() => clearTimeout(timer));
        const what = `${route.method} ${url.slice(0, 300)} (auth ${recipe.auth || 'none'}, body ${describeBody(recipe.body)})`;
        if (response === 'hang') throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${what}`);

        const tally = `${route.method} ${route.url} ${response.statusCode}`;
        statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
        const requestId = String(response.headers['x-request-id'] ?? '');
        if (response.statusCode >= 500) {
          const logged = logLines.filter((line) => requestId && line.includes(requestId)).join('\n');
          throw new Error(
            `${response.statusCode} for ${what}\nresponse: ${response.body.slice(0, 500)}\nserver log: ${logged.slice(0, 3_000)}`,
          );
        }
        if (response.statusCode >= 400 && route.url.startsWith('/open311/')) {
          // Open311's own error shape: a list of { code, description }, in JSON or XML as the path asks.
          if (/^application\/json/.test(String(response.headers['content-type']))) {
            const errors = JSON.parse(response.body) as Array<{ code?: unknown; description?: unknown }>;
            expect(errors[0]?.code, `${what}: ${response.body.slice(0, 300)}`).toBe(response.statusCode);
            expect(typeof errors[0]?.description, what).toBe('string');
          } else {
            expect(response.headers['content-type'], what).toMatch(/^text\/xml/);
            expect(response.body, what).toContain(`<error><code>${response.statusCode}</code><description>`);
          }
        } else if (response.statusCode >= 400 && route.url.startsWith('/api/3/action/')) {
          // CKAN's own error shape, so that harvesters understand it: { success: false, error: { __type, message } }.
          expect(response.headers['content-type'], what).toMatch(/^application\/json/);
          const answer = JSON.parse(response.body) as {
            success?: unknown;
            error?: { __type?: unknown; message?: unknown };
          };
          expect(answer.success, `${what}: ${response.body.slice(0, 300)}`).toBe(false);
          expect(typeof answer.error?.__type, `${what}: ${response.body.slice(0, 300)}`).toBe('string');
          expect(typeof answer.error?.message, `${what}: ${response.body.slice(0, 300)}`).toBe('string');
        } else if (response.statusCode >= 400) {
          expect(response.headers['content-type'], what).toMatch(/^application\/json/);
          const error = (JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } }).error;
          expect(typeof error?.code, `${what}: ${response.body.slice(0, 300)}`).toBe('string');
          expect(typeof error?.message, `${what}: ${response.body.slice(0, 300)}`).toBe('string');
        }
        if (response.statusCode >= 400) {
          // A pattern the request itself carried may be echoed back (e.g. an unknown value named in the
          // message); only what the server adds is a leak.
          const sent = `${decodeSafely(url)} ${payload?.toString() ?? ''}`;
          for (const [leak, pattern] of LEAKS) {
            if (pattern.test(response.body) && !pattern.test(sent)) {
              throw new Error(`${leak} in the answer to ${what}: ${response.body.slice(0, 500)}`);
            }
          }
        }
      };

      for (const seed of SEEDS) {
        for (const route of routes) {
          await signEveryoneIn();
          try {
            await fc.assert(
              fc.asyncProperty(recipeFor(route, doc), (recipe) => send(route, recipe)),
              { seed, numRuns: RUNS_PER_ROUTE, interruptAfterTimeLimit: 20_000 },
            );
          } catch (error) {
            // fast-check keeps the property's own error (what the server answered and logged) as the cause.
            const cause = (error as Error).cause;
            const detail = cause instanceof Error ? `\n${cause.message}` : '';
            failures.push(
              `${route.method} ${route.url} (FUZZ_SEED=${seed} reproduces it): ${(error as Error).message}${detail}`.slice(
                0,
                6_000,
              ),
            );
          }
        }
      }
      console.info(
        `fuzzed ${routes.length} routes (${routes.filter((r) => r.url.startsWith('/api/v1/')).length} under /api/v1) ` +
          `with seed(s) ${SEEDS.join(', ')}: ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (process.env.FUZZ_STATS) console.info([...statuses].map(([k, n]) => `${k}: ${n}`).join('\n'));
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    240_000 * SEEDS.length,
  );
});

/** Values of identifier-like fields (id, code, caseNumber, username…) anywhere in a JSON answer, 40 per key. */
function identifiersIn(json: unknown): string[] {
  const found = new Map<string, string[]>();
  const walk = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && /^(id|\w+Id|code|\w+Code|caseNumber|username)$/.test(key)) {
        const values = found.get(key) ?? [];
        if (values.length < 40) found.set(key, [...values, item]);
      } else {
        walk(item, depth + 1);
      }
    }
  };
  walk(json, 0);
  return [...found.values()].flat();
}

function describeBody(body: BodyRecipe): string {
  switch (body.kind) {
    case 'json':
      return `json ${JSON.stringify(body.value)?.slice(0, 300)}`;
    case 'text':
      return `${body.contentType} ${JSON.stringify(body.text.slice(0, 200))}`;
    case 'huge':
      return `{"${body.field}": ${body.length} × "${body.char}"}`;
    case 'deep':
      return `${body.depth} nested arrays${body.wrapped ? ' in "title"' : ''}`;
    case 'bad-utf8':
      return `invalid UTF-8 bytes ${JSON.stringify(body.bytes)}`;
    case 'none':
      return 'none';
  }
}

function decodeSafely(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
