/** The optional tile layer a city configures for its maps (MAP_TILE_URL): read, served, and allowed by the CSP. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { testAppDeps } from '../../test/demo-city.ts';
import { readConfig } from '../config.ts';
import { buildApp } from '../http/app.ts';
import { AreaLocator } from './areas.ts';

const TIANDITU =
  'https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=city-key';

describe('MAP_TILE_URL', () => {
  it('should configure no tiles by default', () => {
    expect(readConfig({}).mapTiles).toBeUndefined();
  });

  it('should read a tile template, its origin and its credit (the host unless given)', () => {
    expect(readConfig({ MAP_TILE_URL: TIANDITU }).mapTiles).toEqual({
      url: TIANDITU,
      origin: 'https://t0.tianditu.gov.cn',
      attribution: 't0.tianditu.gov.cn',
    });
    expect(readConfig({ MAP_TILE_URL: TIANDITU, MAP_TILE_ATTRIBUTION: '© 天地图' }).mapTiles?.attribution).toBe(
      '© 天地图',
    );
  });

  it('should refuse an address that is not an http(s) tile template', () => {
    expect(() => readConfig({ MAP_TILE_URL: 'https://gis.example.gov.cn/tiles/{z}/{x}.png' })).toThrow(/\{y\}/);
    expect(() => readConfig({ MAP_TILE_URL: 'ftp://gis.example.gov.cn/{z}/{x}/{y}.png' })).toThrow(/http/);
    expect(() => readConfig({ MAP_TILE_URL: 'gis/{z}/{x}/{y}.png' })).toThrow(/http/);
  });
});

describe('GET /grid/basemap', () => {
  let handle: TestDatabase;
  const apps: FastifyInstance[] = [];
  const appWith = async (env: Record<string, string>) => {
    const deps = await testAppDeps(handle, new AreaLocator(handle.db));
    const app = await buildApp({ ...deps, config: { ...deps.config, mapTiles: readConfig(env).mapTiles } });
    apps.push(app);
    return app;
  };
  const policy = (response: { headers: Record<string, unknown> }) =>
    Object.fromEntries(
      String(response.headers['content-security-policy'])
        .split(';')
        .map((directive) => directive.trim().split(' '))
        .map(([name, ...values]) => [name, values]),
    );

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await handle.close();
  });

  it('should tell the console there are no tiles, and let it fetch from nowhere else', async () => {
    const response = await (await appWith({})).inject({ url: '/api/v1/grid/basemap' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ tiles: null });
    expect(policy(response)['connect-src']).toEqual(["'self'"]);
  });

  it('should serve the configured tiles and allow the browser to fetch them', async () => {
    const response = await (await appWith({ MAP_TILE_URL: TIANDITU, MAP_TILE_ATTRIBUTION: '© 天地图' })).inject({
      url: '/api/v1/grid/basemap',
    });
    expect(response.json()).toEqual({ tiles: { url: TIANDITU, attribution: '© 天地图' } });
    expect(policy(response)['connect-src']).toEqual(["'self'", 'https://t0.tianditu.gov.cn']);
    expect(policy(response)['img-src']).toContain('https://t0.tianditu.gov.cn');
  });
});
