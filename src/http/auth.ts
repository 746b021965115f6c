import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AuditKeys, appendAudit } from '../audit/index.ts';
import { type ActiveSession, actorForToken, SESSION_COOKIE, type SessionTimes, sessionFor } from '../auth/index.ts';
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

/**
 * Every change made through the API goes into the audit trail (who, what, on which object, the outcome,
 * from where), refused ones included. Written once the response is out, so it cannot hold the request up;
 * steps that touch personal data are also audited inside their own transaction by their domain. Changes
 * refused because nobody signed in are counted per address and written once a minute (AnonymousRefusals).
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

  app.addHook('onResponse', async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.public || !request.routeOptions.url) return;
    const route = `${request.method} ${request.routeOptions.url}`;
    if (!request.actor) {
      refusals.count(request.ip, route, deps.clock.now());
      return;
    }
    const body = request.body as { action?: unknown } | undefined;
    try {
      await appendAudit(deps.db, deps.keys, {
        at: deps.clock.now(),
        actorUserId: request.actor.userId,
        actorRole: request.actor.role,
        action: request.routeOptions.config.action ?? 'unknown',
        subjectType: 'route',
        subjectId: route,
        details: {
          params: request.params,
          status: reply.statusCode,
          ...(typeof body?.action === 'string' ? { step: body.action } : {}),
        },
        ip: request.ip,
        requestId: request.id,
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not write the audit entry for this change');
    }
  });
}
