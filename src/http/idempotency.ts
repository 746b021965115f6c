import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { Type } from 'typebox';
import { type CommitHook, withCommitHook } from '../db/commit-hooks.ts';
import type { Db } from '../db/database.ts';
import {
  badIdempotencyKey,
  type ClaimOptions,
  claimIdempotencyKey,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_TTL_HOURS,
  type IdempotencyKeyRef,
  isIdempotencyKey,
  markAppliedQuery,
  releaseIdempotencyKey,
  requestFingerprint,
  type StoredAnswer,
  storeIdempotentAnswer,
} from '../idempotency/index.ts';
import { alsoBeforeCommit } from './auth.ts';

/**
 * Idempotent submissions over HTTP (idempotency/idempotency.ts has the rules). A route opts in with
 * `config: { idempotent: true }`; a signed-in caller sending `Idempotency-Key` then gets, for a retry of
 * the same request, the first answer again (with `Idempotent-Replayed: true`) instead of a second effect.
 *
 *   preValidation  a malformed key: 400 IDEMPOTENCY_ERR_BAD_KEY (before the schema's own check)
 *   preHandler     claims the key (or replays, or refuses: 422 reused, 409 in progress / answer lost)
 *   commit         each transaction of the request that changes data marks the key 'applied' inside itself
 *   onSend         stores the answer (status, body, Location); on a 5xx lets go of a key nothing committed for
 *
 * Requests without the header, and anonymous ones (nobody to own the key), are untouched.
 */

const HEADER = 'idempotency-key';

/** The request header, as a route's `headers` schema declares it (added to every idempotent route). */
export const IdempotencyKeyHeaders = Type.Object({
  'Idempotency-Key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description:
        'Makes the request safe to retry (IETF draft "The Idempotency-Key HTTP Header Field"): a unique key per ' +
        `request, e.g. a UUID. A retry with the same key and the same request within ${IDEMPOTENCY_KEY_TTL_HOURS} h ` +
        'gets the first answer again, with `Idempotent-Replayed: true`, and does nothing twice; the same key ' +
        'with another request is refused (422 IDEMPOTENCY_ERR_KEY_REUSED).',
    }),
  ),
});

export interface IdempotencyDeps extends ClaimOptions {
  db: Db;
}

/** A request that sent a well-formed key and is signed in: its key, and whether this request holds it. */
interface KeyedRequest {
  deps: IdempotencyDeps;
  ref: IdempotencyKeyRef;
  claimed: boolean;
  settled: boolean;
}

const keyed = new WeakMap<FastifyRequest, KeyedRequest>();

/**
 * The key's own bookkeeping is no change of the request: run outside the request's commit hook (a hook
 * that adds nothing), so it neither carries the request's audit entry nor marks the key applied itself.
 */
const NOTHING_TO_ADD: CommitHook = { beforeCommit: async () => {} };
const bookkeeping = <T>(work: () => Promise<T>): Promise<T> => withCommitHook(NOTHING_TO_ADD, work);

/** After a failure, the key is let go of again this much later should the database be away (ms). */
const RELEASE_RETRIES_MS = [2_000, 10_000, 30_000];

/** Registers the hooks on an instance whose routes may opt in; after `authenticate` and `auditChanges`. */
export function idempotentSubmissions(app: FastifyInstance, deps: IdempotencyDeps) {
  const retries = new Set<NodeJS.Timeout>();
  app.addHook('onClose', async () => {
    for (const timer of retries) clearTimeout(timer);
  });

  app.addHook('onRoute', (route) => {
    const config = route.config as { idempotent?: boolean | 'in-handler'; public?: boolean } | undefined;
    if (!config?.idempotent) return;
    if (config.public) {
      throw new Error(`${route.method} ${route.url}: an idempotent route cannot be public (keys belong to a user)`);
    }
    route.schema = { ...route.schema, headers: withKeyHeader(route.schema?.headers) };
  });

  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = request.headers[HEADER];
    if (key === undefined) return;
    if (!isIdempotencyKey(key)) throw badIdempotencyKey(IDEMPOTENCY_KEY_MAX_LENGTH);
    if (!request.actor) return;
    keyed.set(request, {
      deps,
      ref: { ownerUserId: request.actor.userId, key },
      claimed: false,
      settled: false,
    });
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.idempotent !== true) return;
    if ((await claimIdempotency(request, reply, fingerprintOf(request))) === 'replayed') return reply;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = keyed.get(request);
    if (!state?.claimed || state.settled) return payload;
    state.settled = true;
    const { db } = state.deps;
    const status = reply.statusCode;
    if (status >= 500) {
      const release = () => bookkeeping(() => releaseIdempotencyKey(db, state.ref));
      await release().catch((error) => {
        request.log.warn({ err: error }, 'could not let go of the Idempotency-Key after a failure; trying again');
        retryLater(release, request, retries);
      });
      return payload;
    }
    const location = reply.getHeader('location');
    // Our answers are JSON text; a stream or bytes cannot be kept, and its retries are told it was lost.
    const body = typeof payload === 'string' ? withoutPersonalData(payload) : payload == null ? '' : null;
    const answer: StoredAnswer | null =
      body === null ? null : { status, body, location: typeof location === 'string' ? location : null };
    await bookkeeping(() => storeIdempotentAnswer(db, state.ref, answer)).catch((error) =>
      // The row stays as it is: a retry waits, then is told the request is in progress or its answer lost.
      request.log.error({ err: error }, 'could not store the answer to an Idempotency-Key'),
    );
    return payload;
  });
}

/**
 * Fields of our answers that may carry personal data in clear (a reporter unmasked under a grant, where a
 * photo was taken). A replay may come later, after the grant ended, or through a credential without the
 * personal-data scope, and the stored answer sits in the database for a day: it keeps neither. A retry
 * that needs them reads the resource again, as the person it is then.
 */
const PERSONAL_FIELDS = new Set(['reporter', 'evidence']);

export function withoutPersonalData(json: string): string {
  if (!json) return json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, PERSONAL_FIELDS.has(key) ? null : strip(inner)]),
    );
  };
  return JSON.stringify(strip(parsed));
}

function retryLater(work: () => Promise<unknown>, request: FastifyRequest, timers: Set<NodeJS.Timeout>, attempt = 0) {
  const delay = RELEASE_RETRIES_MS[attempt];
  if (delay === undefined) {
    request.log.error('gave up letting go of the Idempotency-Key: retries may take it over once it is stale');
    return;
  }
  const timer = setTimeout(() => {
    timers.delete(timer);
    work().catch(() => retryLater(work, request, timers, attempt + 1));
  }, delay);
  timer.unref();
  timers.add(timer);
}

/** The request's fingerprint: method, route URL with its parameters, and `content` (the JSON body by default). */
export function fingerprintOf(request: FastifyRequest, content: unknown = request.body): string {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const url = (request.routeOptions.url ?? request.url.split('?')[0]!).replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(String(params[name] ?? '')),
  );
  return requestFingerprint(request.method, url, content);
}

/**
 * Claims the request's Idempotency-Key, for a route with `config: { idempotent: 'in-handler' }` whose
 * fingerprint is known only once its handler has read the body (a multipart upload: hash the bytes).
 * Call it once, after reading the body and before changing anything:
 *
 *   const fingerprint = fingerprintOf(request, { sha256: upload.sha256, stage: fields.stage });
 *   if ((await claimIdempotency(request, reply, fingerprint)) === 'replayed') return reply;
 *   // … carry out the request: its answer is stored for retries when it is sent
 *
 * 'run': go on; either no key was sent (or nobody is signed in) or this request now holds the key.
 * 'replayed': the first answer has been sent (status, body, Location, `Idempotent-Replayed: true`): return
 * `reply` and do nothing else. A refusal is thrown, as AppError: 422 IDEMPOTENCY_ERR_KEY_REUSED (another
 * request under this key), 409 IDEMPOTENCY_ERR_IN_PROGRESS (the first still at work after 30 s of waiting;
 * Retry-After) or 409 IDEMPOTENCY_ERR_ANSWER_LOST (it took effect but its answer was lost).
 * (`config: { idempotent: true }` routes are claimed by the preHandler hook with the JSON body.)
 */
export async function claimIdempotency(
  request: FastifyRequest,
  reply: FastifyReply,
  fingerprint: string,
): Promise<'run' | 'replayed'> {
  if (!request.routeOptions.config.idempotent) {
    throw new Error(
      `${request.method} ${request.routeOptions.url} claims an Idempotency-Key without config.idempotent`,
    );
  }
  const state = keyed.get(request);
  if (!state) return 'run';
  if (state.claimed) throw new Error('The Idempotency-Key of this request is claimed already');
  const { db } = state.deps;
  const claim = await bookkeeping(() => claimIdempotencyKey(db, state.ref, fingerprint, state.deps));
  if (!claim.run) {
    replay(reply, claim.answer);
    return 'replayed';
  }
  state.claimed = true;
  const mark = markAppliedQuery(db, state.ref);
  alsoBeforeCommit(request, async (execute) => {
    await execute(mark);
  });
  return 'run';
}

function replay(reply: FastifyReply, answer: StoredAnswer) {
  reply.code(answer.status).header('idempotent-replayed', 'true');
  if (answer.location !== null) reply.header('location', answer.location);
  if (!answer.body) return reply.send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(answer.body);
}

/** A route's headers schema with the key's added (an object schema's properties merged). */
function withKeyHeader(headers: FastifySchema['headers']): FastifySchema['headers'] {
  if (headers === undefined) return IdempotencyKeyHeaders;
  const existing = headers as { type?: string; properties?: Record<string, unknown> };
  if (existing.type !== 'object') throw new Error('an idempotent route needs its headers schema to be an object');
  return { ...existing, properties: { ...existing.properties, ...IdempotencyKeyHeaders.properties } };
}
