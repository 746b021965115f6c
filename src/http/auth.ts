import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AuditEntry, type AuditKeys, appendAudit, appendOn } from '../audit/index.ts';
import { type ActiveSession, actorForToken, SESSION_COOKIE, type SessionTimes, sessionFor } from '../auth/index.ts';
import { type CommitHook, type Execute, withCommitHook } from '../db/commit-hooks.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import type { Actor } from '../organizations/index.ts';
import { type Action, authorize, isAction } from '../policy/index.ts';
import { AnonymousRefusals } from './anonymous-refusals.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by the auth hook on every route that is not `config.public`. */
    actor: Actor;
    /** The console session the request came with, if it came with one (not with a bearer token). */
    session: ActiveSession | null;
  }
  interface FastifyContextConfig {
    /** The route may be called without signing in. */
    public?: boolean;
    /** What the route does, in the policy's terms (policy/policy.ts); every other route needs one. */
    action?: Action;
    /**
     * A retry with the same Idempotency-Key gets the first answer instead of a second effect
     * (http/idempotency.ts): `true` claims the key before the handler, from the JSON body; 'in-handler'
     * leaves the claim to a handler that reads its body itself (an upload), through `claimIdempotency`.
     */
    idempotent?: boolean | 'in-handler';
  }
}

const unauthenticated = (message: string) => new AppError('AUTH_ERR_UNAUTHENTICATED', 401, message);
const csrfRefused = () =>
  new AppError(
    'AUTH_ERR_CSRF',
    403,
    'A change made with a session cookie needs the x-csrf-token header of that session',
  );

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

export interface AuthHookDeps {
  db: Db;
  clock: Clock;
  sessions: SessionTimes;
}

/**
 * Who is calling, and whether they may: resolves `Authorization: Bearer <token>` (systems) or the session
 * cookie (the console; changes also need the session's CSRF token), then asks the policy about the
 * route's action before anything else runs. A route that names no action and is not public cannot even
 * be registered, so no route can forget to ask.
 */
export function authenticate(app: FastifyInstance, deps: AuthHookDeps) {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route) => {
    const config = route.config as { public?: boolean; action?: string } | undefined;
    if (config?.public) return;
    if (!config?.action || !isAction(config.action)) {
      throw new Error(
        `${route.method} ${route.url} has no policy action: give it config.action (one of policy/policy.ts) or config.public`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    const now = deps.clock.now();
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token, extra] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
        throw unauthenticated('Use "Authorization: Bearer <token>"');
      }
      const actor = await actorForToken(deps.db, token, now);
      if (!actor) throw unauthenticated('The token is not valid (unknown, revoked or expired)');
      request.actor = actor;
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await sessionFor(deps.db, cookie, now, deps.sessions) : undefined;
      if (session) {
        if (!SAFE_METHODS.has(request.method) && !sameSecret(request.headers['x-csrf-token'], session.csrfToken)) {
          throw csrfRefused();
        }
        request.actor = session.actor;
        request.session = session;
      }
    }
    const config = request.routeOptions.config;
    // An unknown route answers 404 to everyone: there is nothing there to protect.
    if (config.public || request.is404) return;
    if (!request.actor) {
      throw unauthenticated(
        request.cookies[SESSION_COOKIE]
          ? 'Your session has ended: sign in again'
          : 'Sign in first: this needs a session or "Authorization: Bearer <token>"',
      );
    }
    authorize(request.actor, config.action!);
  });
}

/** How often the anonymous refusals counted are written to the trail. */
const REFUSALS_FLUSH_MS = 60_000;

export interface AuditChangesDeps {
  db: Db;
  clock: Clock;
  keys: AuditKeys;
}

/** The audit entry of a change through the API: who, what, on which object, from where. */
function routeEntry(request: FastifyRequest, at: Date, details: Record<string, unknown>): AuditEntry {
  const body = request.body as { action?: unknown } | undefined;
  return {
    at,
    actorUserId: request.actor.userId,
    actorRole: request.actor.role,
    action: request.routeOptions.config.action ?? 'unknown',
    subjectType: 'route',
    subjectId: `${request.method} ${request.routeOptions.url}`,
    details: {
      params: request.params,
      ...(typeof body?.action === 'string' ? { step: body.action } : {}),
      ...details,
    },
    ip: request.ip,
    requestId: request.id,
  };
}

/**
 * The audit of one request's changes: every transaction of the request that changes data appends the
 * request's entry inside itself, just before it commits (db/commit-hooks.ts), so no change commits
 * without its entry, whether the client goes away or the process dies a moment later. Transactions that
 * commit after the handler is done (work it left running) are not the request's.
 */
class RequestChanges implements CommitHook {
  committed = 0;
  #open = true;

  constructor(
    private readonly request: FastifyRequest,
    private readonly deps: AuditChangesDeps,
  ) {}

  async beforeCommit(execute: Execute): Promise<void> {
    if (!this.#open) return;
    this.committed++;
    await appendOn(
      execute,
      this.deps.keys,
      routeEntry(this.request, this.deps.clock.now(), { committed: true, transaction: this.committed }),
    );
    for (const work of alsoOf.get(this.request) ?? []) await work(execute);
  }

  close() {
    this.#open = false;
  }
}

const changesOf = new WeakMap<FastifyRequest, RequestChanges>();
const alsoOf = new WeakMap<FastifyRequest, ((execute: Execute) => Promise<void>)[]>();

/**
 * More work to commit with each of the request's changes, inside the same transaction, after its audit
 * entry: e.g. marking its Idempotency-Key applied (http/idempotency.ts), so that the change and the mark
 * commit together or not at all. May be called before the handler runs (in a hook).
 */
export function alsoBeforeCommit(request: FastifyRequest, work: (execute: Execute) => Promise<void>): void {
  alsoOf.set(request, [...(alsoOf.get(request) ?? []), work]);
}

/**
 * Every change made through the API goes into the audit trail, refused ones included. A change that
 * commits carries its entry in its own transaction (RequestChanges). A request that changed nothing (it
 * was refused, or had nothing to store) is recorded once the response is out, with its status, as is one
 * refused after part of it committed. Changes refused because nobody signed in are counted per address and
 * written once a minute (AnonymousRefusals). Steps that touch personal data are audited by their domain too.
 */
export function auditChanges(app: FastifyInstance, deps: AuditChangesDeps) {
  const refusals = new AnonymousRefusals();
  const flush = async () => {
    for (const entry of refusals.drain(deps.clock.now())) {
      await appendAudit(deps.db, deps.keys, entry).catch((error) =>
        app.log.error({ err: error }, 'could not write the audit entry for refused anonymous requests'),
      );
    }
  };
  const timer = setInterval(() => void flush(), REFUSALS_FLUSH_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });

  const changes = (method: string | string[], config: { public?: boolean } | undefined) =>
    ![method].flat().every((m) => SAFE_METHODS.has(m)) && !config?.public;
  app.addHook('onRoute', (route) => {
    if (!changes(route.method, route.config as { public?: boolean } | undefined)) return;
    const handler = route.handler;
    route.handler = async function (this: FastifyInstance, request, reply) {
      const requestChanges = new RequestChanges(request, deps);
      changesOf.set(request, requestChanges);
      try {
        return await withCommitHook(requestChanges, () => handler.call(this, request, reply));
      } finally {
        requestChanges.close();
      }
    };
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!changes(request.method, request.routeOptions.config) || !request.routeOptions.url) return;
    if (!request.actor) {
      refusals.count(request.ip, `${request.method} ${request.routeOptions.url}`, deps.clock.now());
      return;
    }
    if (changesOf.get(request)?.committed && reply.statusCode < 400) return;
    try {
      await appendAudit(deps.db, deps.keys, routeEntry(request, deps.clock.now(), { status: reply.statusCode }));
    } catch (error) {
      request.log.error({ err: error }, 'could not write the audit entry for this change');
    }
  });
}
