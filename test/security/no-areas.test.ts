import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';

/**
 * Reach fails closed: staff placed by area who have no areas see no case at all, and the whole city is a
 * grant of its own. The attack: an administrator takes a grid worker off their only grid, and the worker
 * (with an empty list of areas, which used to mean "no limit") suddenly saw, unmasked and reported across
 * the whole city.
 */
forEachDatabase('staff without areas', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let allCases: number;
  let inFurong: number;
  let furongCase: string;

  beforeAll(async () => {
    const handle = database();
    const { areas } = await loadSmallDemoCity(handle, 40);
    ({ app, as } = await buildTestApp(handle, areas));
    const counts = await sql<{ all: number; furong: number; one: string }>`
      select count(*)::int as all, count(*) filter (where grid_code like '430102%')::int as furong,
        min(case_number) filter (where grid_code like '430102%') as one from cases`.execute(handle.db);
    ({ all: allCases, furong: inFurong, one: furongCase } = counts.rows[0]!);
    expect(inFurong).toBeGreaterThan(0);
    expect(inFurong).toBeLessThan(allCases);
  }, 120_000);

  const get = async (username: string, url: string) => app.inject({ url, headers: await as(username) });
  const total = async (username: string) => (await get(username, '/api/v1/cases/counts')).json().total as number;
  const setWorkers = async (usernames: string[]) => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/areas/430102/workers',
      headers: await as('admin'),
      payload: { usernames },
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const setReach = async (username: string, reach: unknown) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/users/${username}/reach`,
      headers: await as('admin'),
      payload: { reach },
    });

  it('should show a grid worker taken off their only grid no case at all, not the whole city', async () => {
    expect(await total('gridworker')).toBe(inFurong);
    await setWorkers([]);
    try {
      expect((await get('gridworker', '/api/v1/auth/session')).json().user.jurisdiction).toEqual([]);
      expect(await total('gridworker')).toBe(0);
      expect((await get('gridworker', '/api/v1/cases?limit=100')).json().items).toEqual([]);
      expect((await get('gridworker', '/api/v1/cases/map')).json().features).toEqual([]);
      expect((await get('gridworker', '/api/v1/cases/queue')).json().items).toEqual([]);
      expect((await get('gridworker', `/api/v1/cases/${furongCase}`)).statusCode).toBe(404);
      const unmask = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${furongCase}/reporter/unmask`,
        headers: await as('gridworker'),
        payload: { purpose: 'verification_callback', reason: '核查回访电话' },
      });
      expect(unmask.statusCode).toBe(404);
      const report = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('gridworker'),
        payload: {
          title: '井盖缺失',
          description: '巡查发现',
          categoryCode: '010204',
          location: { longitude: 112.99, latitude: 28.195 },
        },
      });
      expect(report.statusCode).toBe(403);
      expect(report.json().error).toMatchObject({ code: 'CASE_ERR_OUTSIDE_YOUR_AREAS', details: { areas: [] } });
      expect(report.json().error.message).toMatch(/no areas/);
      // The administrator sees why.
      const staff = (await get('admin', '/api/v1/users')).json() as Array<{ username: string; reach: unknown }>;
      expect(staff.find((u) => u.username === 'gridworker')?.reach).toEqual([]);
      expect(staff.find((u) => u.username === 'dispatcher')?.reach).toBe('city');
      expect(staff.find((u) => u.username.startsWith('handler.'))?.reach).toBeNull();
    } finally {
      await setWorkers(['gridworker']);
    }
    expect(await total('gridworker')).toBe(inFurong);
  });

  it('should give the city only as an explicit grant, to the roles that may have it', async () => {
    expect(await total('dispatcher')).toBe(allCases);
    expect((await setReach('dispatcher', [])).statusCode).toBe(204);
    expect(await total('dispatcher')).toBe(0);
    expect((await setReach('dispatcher', ['430102'])).statusCode).toBe(204);
    expect(await total('dispatcher')).toBe(inFurong);
    expect((await setReach('dispatcher', 'city')).statusCode).toBe(204);
    expect(await total('dispatcher')).toBe(allCases);

    for (const [username, reach] of [
      ['gridworker', 'city'],
      ['handler.property-demo', ['430102']],
      ['citizen', 'city'],
      ['dispatcher', ['999999']],
    ] as const) {
      const refused = await setReach(username, reach);
      expect(refused.statusCode, `${username} ${JSON.stringify(reach)}`).toBe(400);
      expect(refused.json().error.code).toBe('USER_ERR_REACH');
    }
    expect((await setReach('nobody-at-all', 'city')).statusCode).toBe(404);
    expect(await total('gridworker')).toBe(inFurong);
    expect(await total('dispatcher')).toBe(allCases);
  });
});
