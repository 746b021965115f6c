import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
/** The patrol app's page in the build (web/patrol.html). */
const PATROL_PAGE = 'patrol.html';
/** The residents' public portal's page in the build (web/portal.html). */
const PORTAL_PAGE = 'portal.html';

/**
 * Serves the built web console at `/`. Unknown paths outside the API get index.html, so the console's
 * own routes (e.g. /cases/2026-000001) survive a reload. The grid workers' patrol app (a second entry of
 * the same build) lives at `/patrol/`: its paths get patrol.html. Its service worker (/patrol-sw.js) is
 * registered with the scope /patrol/ only, so it never controls the console. The residents' public portal
 * (a third entry) lives at `/portal/`: its paths get portal.html.
 */
export async function serveConsole(app: FastifyInstance) {
  const index = path.join(CONSOLE_DIR, 'index.html');
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send({ error: { code: 'ROUTE_ERR_NOT_FOUND', message: 'Not found', requestId: request.id } });
  if (!fs.existsSync(index)) {
    app.setNotFoundHandler(notFound);
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html')
        .send('<p>The web console is not built. Run <code>npm run build:web</code> (npm start does it for you).</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, wildcard: false });
  const patrolApp = fs.existsSync(path.join(CONSOLE_DIR, PATROL_PAGE));
  if (patrolApp) {
    // The app's scope ends in a slash: /patrol itself is outside it.
    app.get('/patrol', { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(`/patrol/${request.url.slice('/patrol'.length)}`, 301),
    );
  }
  const portal = fs.existsSync(path.join(CONSOLE_DIR, PORTAL_PAGE));
  if (portal) {
    app.get('/portal', { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(`/portal/${request.url.slice('/portal'.length)}`, 301),
    );
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/docs')) {
      const page =
        patrolApp && request.url.startsWith('/patrol/')
          ? PATROL_PAGE
          : portal && request.url.startsWith('/portal/')
            ? PORTAL_PAGE
            : 'index.html';
      return reply.type('text/html').sendFile(page);
    }
    return notFound(request, reply);
  });
}
