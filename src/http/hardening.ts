import { isUtf8 } from 'node:buffer';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route signs people in: it gets the strict per-IP limit on top of the global one. */
    rateLimitGroup?: 'sign-in';
  }
}

export interface HardeningOptions {
  /** Requests per minute from one IP address to any route. A hotline centre shares one NAT address. */
  perIpPerMinute?: number;
  /** Requests per minute from one IP address to routes with `config.rateLimitGroup: 'sign-in'`. */
  signInPerMinute?: number;
  /** The origin of the map tiles the city configured (MAP_TILE_URL): the console may fetch images from it. */
  mapTileOrigin?: string;
}

export const DEFAULT_PER_IP_PER_MINUTE = 1200;
export const DEFAULT_SIGN_IN_PER_MINUTE = 10;

/**
 * No legitimate body nests deeper (GeoJSON needs about 7 levels), and `rejectNulCharacters` screens
 * text for NUL down to this depth: anything deeper is refused before it reaches validation or a handler.
 */
export const MAX_JSON_DEPTH = 64;

/** Load-balancer probes must not be refused because some client of the same address is busy. */
const UNLIMITED_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * The console is a Vite build served from this origin (MapLibre, ECharts, Preact) and fetches nothing
 * from other hosts, and neither does Swagger UI at /docs (its assets are served by @fastify/swagger-ui
 * from this origin; its index page has no inline script, its validator badge is off). So one policy
 * serves both, and @fastify/swagger-ui's `staticCSP` must stay unset: its built-in policy would replace
 * this one on /docs with a weaker one (`https:` styles and fonts, `validator.swagger.io` images,
 * `upgrade-insecure-requests`).
 */
const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // Inline event-handler attributes are never needed (Preact and React attach listeners in script).
  'script-src-attr': ["'none'"],
  // MapLibre starts its worker from a bundled same-origin file, but may fall back to a blob: URL.
  'worker-src': ["'self'", 'blob:'],
  // MapLibre's and Swagger UI's control icons are data: SVGs; canvases are exported as blob: images.
  'img-src': ["'self'", 'data:', 'blob:'],
  // MapLibre, ECharts and Swagger UI set style attributes and inject style elements at run time.
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/** MapLibre fetches raster tiles (connect-src) and may draw them as images (img-src). */
function withMapTiles(policy: typeof CONTENT_SECURITY_POLICY, origin: string | undefined) {
  if (!origin) return policy;
  return {
    ...policy,
    'img-src': [...policy['img-src'], origin],
    'connect-src': [...policy['connect-src'], origin],
  };
}

/**
 * Security headers, request rate limits and a stricter JSON body parser for the whole application.
 * Call it on the root instance before any route is registered.
 */
export async function registerHardening(app: FastifyInstance, options: HardeningOptions = {}) {
  await app.register(helmet, {
    // Helmet's own defaults are not merged in: they add `upgrade-insecure-requests`, which makes browsers
    // fetch every asset over https and so breaks the console on a plain-http address on the city's LAN.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: withMapTiles(CONTENT_SECURITY_POLICY, options.mapTileOrigin),
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // HSTS keeps helmet's default (one year, includeSubDomains). Browsers ignore it over plain http, so
    // it only takes effect when a TLS-terminating proxy serves the console over https; from then on that
    // host (and its subdomains) is https-only for browsers for a year.
  });

  await registerRateLimits(app, options);
  registerStrictJsonParser(app);
}

/**
 * Counters live in each instance's memory. Behind a load balancer with sticky-free round robin each
 * instance then allows the limit on its own, so a client may get up to N times the limit from N
 * instances; that is acceptable because the limit exists to bound each instance's load, which it still
 * does. A limit shared by all instances would need a shared store (Redis, `redis` option of
 * @fastify/rate-limit). Memory is bounded: each limit keeps the 5,000 addresses seen most recently (an
 * LRU). The key is `request.ip`, the peer address: behind a reverse proxy Fastify's `trustProxy` must be
 * set, or every client shares the proxy's counter.
 */
async function registerRateLimits(app: FastifyInstance, options: HardeningOptions) {
  // `global: false`: the plugin would add its check as a route hook, which runs after the API's
  // authentication hook, so requests with bad tokens would never be counted. The hook below runs first.
  await app.register(rateLimit, { global: false });
  const limits = {
    perIp: app.createRateLimit({
      max: options.perIpPerMinute ?? DEFAULT_PER_IP_PER_MINUTE,
      timeWindow: 60_000,
    }),
    signIn: app.createRateLimit({
      max: options.signInPerMinute ?? DEFAULT_SIGN_IN_PER_MINUTE,
      timeWindow: 60_000,
    }),
  };

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions;
    if (route.url && UNLIMITED_ROUTES.has(route.url)) return;
    enforce(await limits.perIp(request), reply);
    if (route.config.rateLimitGroup === 'sign-in') enforce(await limits.signIn(request), reply);
  });
}

type LimitState = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

/** Refuses the request (429, with Retry-After) once the address has used up the limit. */
function enforce(state: LimitState, reply: FastifyReply) {
  if (state.isAllowed || !state.isExceeded) return;
  const retryAfterSeconds = Math.max(1, state.ttlInSeconds);
  reply.header('retry-after', retryAfterSeconds);
  reply.header('x-ratelimit-limit', state.max);
  reply.header('x-ratelimit-remaining', 0);
  throw new AppError(
    'HTTP_ERR_RATE_LIMITED',
    429,
    `Too many requests from this address; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

/**
 * Fastify's JSON parser with two refusals in front: a body that is not valid UTF-8 (decoding it would
 * silently turn, say, GBK text from a legacy hotline system into U+FFFD and store that) and a body
 * nested deeper than MAX_JSON_DEPTH. Prototype-poisoning protection and the empty-body and malformed-JSON
 * errors are Fastify's own; the body limit still applies to the bytes read.
 */
function registerStrictJsonParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
      if (!isUtf8(body)) {
        done(new AppError('REQUEST_ERR_NOT_UTF8', 400, 'The request body is not valid UTF-8'), undefined);
        return;
      }
      if (exceedsDepth(body, MAX_JSON_DEPTH)) {
        done(
          new AppError('REQUEST_ERR_TOO_DEEP', 400, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`, {
            maxDepth: MAX_JSON_DEPTH,
          }),
          undefined,
        );
        return;
      }
      parseJson(request, body.toString('utf8'), done);
    },
  );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/** Whether the JSON text opens more than `max` arrays/objects inside one another (brackets in strings do not count). */
export function exceedsDepth(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      if (++depth > max) return true;
    } else if (CLOSERS.has(byte)) {
      depth--;
    }
  }
  return false;
}
