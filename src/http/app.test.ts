import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

forEachDatabase('the HTTP application', (database) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app } = await buildTestApp(database(), areas));
  });

  it('should answer liveness and readiness probes', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('should serve an OpenAPI document in which every API route declares its responses', async () => {
    const ui = await app.inject({ url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
    const document = (await app.inject({ url: '/docs/json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    const CREATED = [
      'post /api/v1/cases',
      'post /api/v1/routing-rules',
      'post /api/v1/me/data-requests',
      'post /api/v1/auth/tokens',
      'post /api/v1/cases/{caseNumber}/media',
      'post /api/v1/patrols',
      'post /api/v1/users',
      'post /api/v1/handling-bodies',
      'post /api/v1/knowledge/articles',
      'post /api/v1/me/subscriptions',
      'post /api/v1/open-data/releases',
      'post /api/v1/sensors/device-types',
      'post /api/v1/sensors/devices',
      'post /api/v1/sharing/requests',
    ];
    const NO_CONTENT = [
      'post /api/v1/auth/sign-out',
      'put /api/v1/users/{username}/reach',
      'post /api/v1/media/{id}/publication',
      'post /api/v1/patrols/{id}/end',
    ];
    const ACCEPTED = ['post /api/v1/auth/code', 'post /api/v1/catalogue/imports'];
    const apiPaths = Object.keys(document.paths).filter((p) => p.startsWith('/api/v1/'));
    expect(apiPaths).toEqual(
      expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{caseNumber}', '/api/v1/cases/{caseNumber}/actions']),
    );
    for (const path of apiPaths) {
      for (const [method, operation] of Object.entries(document.paths[path]!)) {
        // Creating answers 201, deleting 204, accepting for later 202, everything else 200.
        const key = `${method} ${path}`;
        const success =
          method === 'delete' || NO_CONTENT.includes(key)
            ? '204'
            : CREATED.includes(key)
              ? '201'
              : ACCEPTED.includes(key)
                ? '202'
                : '200';
        expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).toContain(success);
      }
    }
  });

  it('should locate a point in any coordinate system, with the path of areas above it', async () => {
    // 芙蓉区's DataV centre, in GCJ-02.
    const located = (await app.inject({ url: '/api/v1/grid/locate?lon=112.988094&lat=28.193106&crs=gcj02' })).json();
    // The demo has 100 m unit grids over 芙蓉区: the point lands on one of them.
    expect(located.code).toMatch(/^430102\d{9}$/);
    expect(located.outsideJurisdiction).toBe(false);
    expect(located.path.map((a: { code: string }) => a.code)).toEqual(['430100', '430102', located.code]);
    expect(located.longitude).toBeLessThan(112.988094);
    const far = (await app.inject({ url: '/api/v1/grid/locate?lon=116.4&lat=39.9' })).json();
    expect(far).toMatchObject({ code: null, outsideJurisdiction: true, path: [] });
    expect((await app.inject({ url: '/api/v1/grid/locate?lon=500&lat=1' })).statusCode).toBe(400);
  });

  it('should echo a request id, or make one', async () => {
    const given = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await app.inject({ url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should serve the taxonomy and the areas without signing in', async () => {
    const level1 = (await app.inject({ url: '/api/v1/categories?level=1' })).json() as Array<{
      nameZh: string;
      nameEn: string;
    }>;
    expect(level1).toHaveLength(15);
    expect(level1.every((c) => c.nameZh && c.nameEn && c.nameEn !== c.nameZh)).toBe(true);
    const children = (await app.inject({ url: '/api/v1/categories?parent=01' })).json() as Array<{ code: string }>;
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((c) => /^01\d\d$/.test(c.code))).toBe(true);
    const areas = (await app.inject({ url: '/api/v1/grid/areas' })).json() as Array<{ level: string }>;
    expect(areas.filter((a) => a.level === 'district')).toHaveLength(9);
    const geojson = await app.inject({ url: '/api/v1/grid/areas.geojson' });
    expect(geojson.headers['content-type']).toContain('application/geo+json');
    expect(geojson.json().features).toHaveLength(10);
  });
});
