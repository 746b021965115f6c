import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { type Actor, actorForToken } from '../organizations/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by the auth hook on every route that is not `config.public`. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** The route may be called without signing in. */
    public?: boolean;
  }
}

const unauthenticated = (message: string) => new AppError('AUTH_ERR_UNAUTHENTICATED', 401, message);

/**
 * Resolves `Authorization: Bearer <token>` to the acting user for every route in the scope. A route is
 * closed unless it says `config: { public: true }`; a bad token is refused even on public routes.
 * (API tokens for now; sessions and scoped tokens come with the people-and-permissions work.)
 */
export function authenticate(app: FastifyInstance, db: Db) {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('Use "Authorization: Bearer <token>"');
      const actor = await actorForToken(db, token);
      if (!actor) throw unauthenticated('The token is not valid');
      request.actor = actor;
    } else if (!request.routeOptions.config.public) {
      throw unauthenticated('Sign in first: this needs "Authorization: Bearer <token>"');
    }
  });
}
