/** Security headers, rate limits and body guards: what every response carries and what every request meets. */
import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity, testAppDeps } from '../../test/demo-city.ts';
import type { AreaLocator } from '../grid/index.ts';
import { buildApp } from './app.ts';
import { handleError } from './error-handler.ts';
import { exceedsDepth, type HardeningOptions, MAX_JSON_DEPTH, registerHardening } from './hardening.ts';
import { CONSOLE_DIR } from './web.ts';

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "worker-src 'self' blob:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

function policyOf(response: Response): string[] {
  return String(response.headers['content-security-policy'] ?? '')
    .split(';')
    .map((directive) => directive.trim())
    .filter(Boolean);
}

function expectError(response: Response, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const { error } = response.json() as { error: { code: string; message: string } };
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  return error as { code: string; message: string; details?: Record<string, unknown> };
}

/** A bare app with the hardening and our error handler, and a route of each kind. */
async function smallApp(options?: HardeningOptions) {
  const app = Fastify();
  app.setErrorHandler(handleError);
  await registerHardening(app, options);
  app.get('/ping', async () => ({ pong: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/sign-in', { config: { rateLimitGroup: 'sign-in' } }, async () => ({ token: 't' }));
  app.post('/echo', async (request) => ({ body: request.body }));
  await app.ready();
  return app;
}

describe('security headers', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let areas: AreaLocator;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    ({ areas } = await loadSmallDemoCity(handle, 3));
    ({ app } = await buildTestApp(handle, areas));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it('should send the console policy, no referrer and no framing on API responses and errors alike', async () => {
    for (const response of [
      await app.inject({ url: '/healthz' }),
      await app.inject({ url: '/api/v1/cases' }),
      await app.inject({ url: '/api/v1/nothing-here' }),
    ]) {
      expect(policyOf(response)).toEqual(POLICY);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      // Helmet's default; browsers only heed it over https, i.e. behind a TLS-terminating proxy.
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    }
  });

  it('should forbid caching every answer for a signed-in user, which may hold personal data in clear', async () => {
    const { as } = await buildTestApp(handle, areas);
    const mine = await app.inject({ url: '/api/v1/me/personal-data', headers: await as('citizen') });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['cache-control']).toBe('no-store');
    const refused = await app.inject({ url: '/api/v1/cases' });
    expect(refused.headers['cache-control']).toBe('no-store');
    // Public reference data may be cached.
    expect((await app.inject({ url: '/api/v1/categories' })).headers['cache-control']).toBeUndefined();
  });

  it('should write anonymous refused changes to the audit trail as one entry per address, not one each', async () => {
    const { app: counted } = await buildTestApp(handle, areas);
    const before = await handle.db.selectFrom('audit_log').select('seq').execute();
    for (let i = 0; i < 200; i++) {
      const response = await counted.inject({
        method: 'POST',
        url: '/api/v1/cases',
        payload: { title: 'x', description: 'x', categoryCode: '010204', address: 'x' },
        remoteAddress: i % 2 ? '198.51.100.7' : '198.51.100.8',
      });
      expect(response.statusCode).toBe(401);
    }
    await counted.close(); // writes what was counted
    const entries = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'details', 'ip'])
      .where('seq', '>', before.length)
      .orderBy('seq')
      .execute();
    expect(entries.map((e) => [e.action, e.ip, (e.details as { refused: number }).refused])).toEqual([
      ['auth.refused_anonymous', '198.51.100.8', 100],
      ['auth.refused_anonymous', '198.51.100.7', 100],
    ]);
    expect(entries[0]!.details).toMatchObject({ routes: { 'POST /api/v1/cases': 100 } });
  });

  it('should serve the API documentation under the same policy, with every asset from this origin', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // No `staticCSP` from @fastify/swagger-ui replaces ours (its default allows https: styles and fonts).
    expect(policyOf(page)).toEqual(POLICY);
    const html = page.body;
    // script-src 'self' forbids inline scripts: every script must come from a file.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\/static\//);
      expect(content?.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const response = await app.inject({ url: new URL(asset, 'http://localhost/docs/').pathname });
      expect(response.statusCode, asset).toBe(200);
    }
    const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    // The validator badge would load an image from validator.swagger.io, which img-src forbids.
    expect(initializer.body).toContain('validatorUrl: null');
    expect((await app.inject({ url: '/docs/json' })).json()).toHaveProperty('openapi');
  });

  it.skipIf(!fs.existsSync(`${CONSOLE_DIR}/index.html`))(
    'should serve the built console with no inline script and no asset from another host',
    async () => {
      const page = await app.inject({ url: '/' });
      expect(policyOf(page)).toEqual(POLICY);
      for (const [, attributes, content] of page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        expect(attributes).toMatch(/\bsrc="\//);
        expect(content?.trim()).toBe('');
      }
      for (const [, url] of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) {
        expect(url).toMatch(/^\/[^/]/);
      }
    },
  );
});

describe('rate limits', () => {
  it('should refuse the request over the per-address limit with our error shape and Retry-After', async () => {
    const app = await smallApp({ perIpPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/ping' })).statusCode).toBe(200);
    const refused = await app.inject({ url: '/ping' });
    const error = expectError(refused, 429, 'HTTP_ERR_RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(error.details).toEqual({ retryAfterSeconds: retryAfter });
    // The security headers are on the refusal too.
    expect(refused.headers['content-security-policy']).toBeTruthy();
    // Another address has its own count; load-balancer probes are never refused.
    expect((await app.inject({ url: '/ping', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('should allow 1,200 requests a minute from one address by default, and 10 sign-ins', async () => {
    const app = await smallApp();
    for (let i = 0; i < 10; i++) {
      expect((await app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
    }
    expectError(
      await app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9' }),
      429,
      'HTTP_ERR_RATE_LIMITED',
    );
    // The sign-in limit is per address too, and does not touch other routes.
    expect((await app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.10' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ping', remoteAddress: '10.0.0.9' })).statusCode).toBe(200);

    const statuses = new Map<number, number>();
    for (let i = 0; i < 1201; i++) {
      const { statusCode } = await app.inject({ url: '/ping', remoteAddress: '10.0.0.20' });
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 1200, 429: 1 });
    await app.close();
  });

  it('should let options lift both limits', async () => {
    const app = await smallApp({ perIpPerMinute: 100_000, signInPerMinute: 100_000 });
    for (let i = 0; i < 50; i++) expect((await app.inject({ method: 'POST', url: '/sign-in' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('the limits in the real application', () => {
  let handle: TestDatabase;
  let areas: AreaLocator;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    ({ areas } = await loadSmallDemoCity(handle, 1));
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
  });

  // The real limits unless given: `hardening: undefined` leaves buildApp's defaults.
  const appWith = async (hardening?: HardeningOptions) =>
    buildApp({ ...(await testAppDeps(handle, areas)), hardening });

  it('should count requests with forged tokens too, before authentication refuses them', async () => {
    const app = await appWith({ perIpPerMinute: 2 });
    try {
      const forged = { authorization: 'Bearer forged' };
      expectError(await app.inject({ url: '/api/v1/me', headers: forged }), 401, 'AUTH_ERR_UNAUTHENTICATED');
      expectError(await app.inject({ url: '/api/v1/me', headers: forged }), 401, 'AUTH_ERR_UNAUTHENTICATED');
      expectError(await app.inject({ url: '/api/v1/me', headers: forged }), 429, 'HTTP_ERR_RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('should allow 10 password sign-ins a minute from one address, whatever the user names', async () => {
    const app = await appWith();
    try {
      // A different (unknown) user name each time: the per-user lockout never trips, only the address limit.
      const signIn = (i: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { username: `nobody-${i}`, password: 'guess' },
          remoteAddress: '10.1.2.3',
        });
      for (let i = 0; i < 10; i++) expect((await signIn(i)).statusCode).toBe(401);
      const refused = await signIn(10);
      expectError(refused, 429, 'HTTP_ERR_RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

describe('request bodies', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let dispatcher: Record<string, string>;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, 3);
    const built = await buildTestApp(handle, areas);
    app = built.app;
    dispatcher = { ...(await built.as('dispatcher')), 'content-type': 'application/json' };
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  const postCase = (payload: string | Buffer) =>
    app.inject({ method: 'POST', url: '/api/v1/cases', headers: dispatcher, payload });

  it('should answer 413 in our error shape for a 300 KiB JSON body', async () => {
    const body = JSON.stringify({ title: 't', categoryCode: '010204', description: 'x'.repeat(300 * 1024) });
    expectError(await postCase(body), 413, 'REQUEST_ERR_TOO_LARGE');
  });

  it('should answer 400 at once for JSON nested 10,000 levels deep', async () => {
    for (const payload of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      `{"title":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    ]) {
      const started = Date.now();
      const error = expectError(await postCase(payload), 400, 'REQUEST_ERR_TOO_DEEP');
      expect(error.details).toEqual({ maxDepth: MAX_JSON_DEPTH });
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it('should answer 400 for a body that is not UTF-8 rather than store replacement characters', async () => {
    // "路灯" in GBK, as a legacy hotline system might send it.
    const gbk = Buffer.concat([
      Buffer.from('{"title":"'),
      Buffer.from([0xc2, 0xb7, 0xb5, 0xc6]),
      Buffer.from('","description":"d","categoryCode":"010204","address":"a"}'),
    ]);
    expectError(await postCase(gbk), 400, 'REQUEST_ERR_NOT_UTF8');
  });

  it("should keep Fastify's own refusals of empty, malformed and prototype-poisoning JSON", async () => {
    expectError(await postCase(''), 400, 'REQUEST_ERR_EMPTY_BODY');
    expectError(await postCase('{"title": '), 400, 'REQUEST_ERR_MALFORMED_JSON');
    const poisoned = await postCase('{"title":"t","__proto__":{"admin":true}}');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error.code).toMatch(/^REQUEST_ERR_/);
  });

  it('should accept a body whose text merely contains brackets and quotes', async () => {
    const description = `${'[{'.repeat(200)} \\"quoted\\" ${'}]'.repeat(200)}`;
    const response = await postCase(
      `{"title":"路灯不亮","description":"${description}","categoryCode":"010204","address":"五一大道"}`,
    );
    expect(response.statusCode).toBe(201);
  });
});

describe('measuring nesting', () => {
  it('should count only brackets outside strings', () => {
    expect(exceedsDepth(Buffer.from('[[1]]'), 2)).toBe(false);
    expect(exceedsDepth(Buffer.from('[[[1]]]'), 2)).toBe(true);
    expect(exceedsDepth(Buffer.from('{"a":{"b":[]}}'), 2)).toBe(true);
    expect(exceedsDepth(Buffer.from('["[[[[", "\\"[[[["]'), 1)).toBe(false);
    expect(exceedsDepth(Buffer.from('[{}, {}, [], []]'), 2)).toBe(false);
  });
});
