/** Staff limited to areas see only the cases in those areas: in lists, counts, the map and details. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { generateGrid, PlacementIndex } from '../grid/index.ts';
import { actorForUsername } from '../organizations/index.ts';

forEachDatabase('jurisdiction', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let expected: string[];

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 80);
    ({ app, as } = await buildTestApp(database(), areas));
    // What 王网格 (芙蓉区) may see: the cases placed in 芙蓉区, nothing else.
    expected = (
      await database().db.selectFrom('cases').select('case_number').where('grid_code', 'like', '430102%').execute()
    )
      .map((r) => r.case_number)
      .sort();
  });

  const everyPage = async (username: string, query = '') => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/cases?limit=13${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.inject({ url, headers: await as(username) })).json();
      seen.push(...page.items.map((c: { caseNumber: string }) => c.caseNumber));
      cursor = page.nextCursor;
    } while (cursor);
    return seen.sort();
  };

  it('should list a grid worker exactly the cases in their grids, page after page', async () => {
    expect(expected.length).toBeGreaterThan(0);
    const all = await database()
      .db.selectFrom('cases')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(expected.length).toBeLessThan(Number(all.n));
    expect(await everyPage('gridworker')).toEqual(expected);
  });

  it('should count and map only those cases', async () => {
    const counts = (await app.inject({ url: '/api/v1/cases/counts', headers: await as('gridworker') })).json();
    expect(counts.total).toBe(expected.length);
    const cityWide = (await app.inject({ url: '/api/v1/cases/counts', headers: await as('dispatcher') })).json();
    expect(cityWide.total).toBeGreaterThan(counts.total);
    const map = (await app.inject({ url: '/api/v1/cases/map', headers: await as('gridworker') })).json();
    expect(map.features.length).toBeGreaterThan(0);
    for (const feature of map.features) expect(expected).toContain(feature.properties.caseNumber);
  });

  it('should refuse the details of a case outside their grids, however it is asked for', async () => {
    const elsewhere = await database()
      .db.selectFrom('cases')
      .select('case_number')
      .where('grid_code', 'not like', '430102%')
      .executeTakeFirstOrThrow();
    const detail = await app.inject({ url: `/api/v1/cases/${elsewhere.case_number}`, headers: await as('gridworker') });
    expect(detail.statusCode).toBe(404);
    const act = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${elsewhere.case_number}/actions`,
      headers: await as('gridworker'),
      payload: { action: 'verify_pass' },
    });
    expect(act.statusCode).toBe(404);
    // Filters only narrow what one may see; they never widen it.
    expect(await everyPage('gridworker', '&gridCode=4301')).toEqual(expected);
    expect(await everyPage('gridworker', '&gridCode=430103')).toEqual([]);
  });

  it('should let a grid worker report and move cases only within their grids', async () => {
    const report = (location: { longitude: number; latitude: number }) =>
      as('gridworker').then((headers) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers,
          payload: { title: '巡查发现', description: '', categoryCode: '010204', location },
        }),
      );
    const inside = await report({ longitude: 112.99, latitude: 28.195 });
    expect(inside.statusCode).toBe(201);
    const outside = await report({ longitude: 112.95, latitude: 28.23 }); // 岳麓区, across the river
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('CASE_ERR_OUTSIDE_YOUR_AREAS');
    const move = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${inside.json().caseNumber}/actions`,
      headers: await as('gridworker'),
      payload: { action: 'relocate', location: { longitude: 112.95, latitude: 28.23 } },
    });
    expect(move.statusCode).toBe(403);
  });

  it('should show who works in an area to staff of that area only', async () => {
    expect((await app.inject({ url: '/api/v1/grid/areas/430102', headers: await as('gridworker') })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ url: '/api/v1/grid/areas/430104', headers: await as('gridworker') })).statusCode).toBe(
      403,
    );
    expect((await app.inject({ url: '/api/v1/grid/areas/430102', headers: await as('citizen') })).statusCode).toBe(403);
    for (const url of ['/api/v1/grid/areas?level=grid', '/api/v1/grid/areas.geojson?level=grid&within=4301']) {
      expect((await app.inject({ url })).json().error.code).toBe('GRID_ERR_TOO_MANY');
    }
  });

  it('should let an administrator assign workers to an area and show them with the area', async () => {
    const admin = await as('admin');
    const assign = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/areas/430103/workers',
      headers: admin,
      payload: { usernames: ['gridworker'] },
    });
    expect(assign.statusCode, assign.body).toBe(200);
    expect(assign.json().workers.map((w: { username: string }) => w.username)).toEqual(['gridworker']);
    // 赵网格 (天心区) was assigned there by the demo; now only 王网格 is.
    const area = (await app.inject({ url: '/api/v1/grid/areas/430103', headers: admin })).json();
    expect(area.path.map((a: { code: string }) => a.code)).toEqual(['430100', '430103']);
    expect(area.workers.map((w: { username: string }) => w.username)).toEqual(['gridworker']);
    const tianxin = await database()
      .db.selectFrom('cases')
      .select('case_number')
      .where('grid_code', 'like', '430103%')
      .execute();
    const seen = await everyPage('gridworker');
    for (const c of tianxin) expect(seen).toContain(c.case_number);

    const refused = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/areas/430103/workers',
      headers: await as('dispatcher'),
      payload: { usernames: ['gridworker'] },
    });
    expect(refused.statusCode).toBe(403);
    const notWorkers = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/areas/430103/workers',
      headers: admin,
      payload: { usernames: ['dispatcher', 'nobody'] },
    });
    expect(notWorkers.statusCode).toBe(400);
    expect(notWorkers.json().error.details).toEqual({ unknown: ['nobody'], notGridWorkers: ['dispatcher'] });
  });

  it('should answer "everything under an area" from an index, for cases and for areas', async () => {
    // With sequential scans priced out, the planner shows whether an index can serve the prefix query.
    const plans = await database()
      .db.transaction()
      .execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const explain = async (query: ReturnType<typeof sql>) =>
          (await query.execute(trx)).rows.map((r) => Object.values(r as object).join(' ')).join('\n');
        return {
          cases: await explain(sql`explain select id from cases where grid_code like '430102%'`),
          areas: await explain(sql`explain select code from grid_areas where code like '430102%'`),
        };
      });
    expect(plans.cases).toMatch(/cases_grid_idx/);
    expect(plans.areas).toMatch(/grid_areas_code_prefix_idx/);
  });

  it('should move cases onto new unit grids when the grids are replaced, and refuse while cells are assigned', async () => {
    const { db } = database();
    const admin = (await actorForUsername(db, 'admin'))!;
    const someCase = await db
      .selectFrom('cases')
      .select('grid_code')
      .where('grid_code', 'like', '430102%')
      .executeTakeFirstOrThrow();
    const cell = someCase.grid_code!;
    const assign = (usernames: string[]) =>
      as('admin').then((headers) =>
        app.inject({ method: 'PUT', url: `/api/v1/grid/areas/${cell}/workers`, headers, payload: { usernames } }),
      );
    expect((await assign(['gridworker'])).statusCode).toBe(200);
    await expect(
      generateGrid(db, admin, { within: '430102', shape: { kind: 'square', meters: 200 }, replace: true }),
    ).rejects.toMatchObject({ code: 'GRID_ERR_CELLS_ASSIGNED', details: { cells: [cell] } });
    expect((await assign([])).statusCode).toBe(200);

    await generateGrid(db, admin, { within: '430102', shape: { kind: 'square', meters: 200 }, replace: true });
    const cells = await db.selectFrom('grid_areas').select(['code', 'geometry']).where('level', '=', 'grid').execute();
    const index = PlacementIndex.build(cells.map((c) => ({ code: c.code, depth: 0, geometry: c.geometry })));
    const moved = await db
      .selectFrom('cases')
      .select(['grid_code', 'longitude', 'latitude'])
      .where('grid_code', 'like', '430102%')
      .execute();
    expect(moved.length).toBeGreaterThan(0);
    for (const c of moved) expect(c.grid_code).toBe(index.locate(c.longitude!, c.latitude!) ?? '430102');
  });

  describe('responsibility', () => {
    it('should give an area the responsible body of the nearest area above it that has one', async () => {
      const admin = await as('admin');
      const bodies = (await app.inject({ url: '/api/v1/handling-bodies' })).json() as Array<{
        id: string;
        code: string;
      }>;
      const street = bodies.find((b) => b.code === 'street-wulipai')!;
      const set = await app.inject({
        method: 'PUT',
        url: '/api/v1/grid/areas/430102/responsible-body',
        headers: admin,
        payload: { bodyId: street.id },
      });
      expect(set.statusCode, set.body).toBe(200);
      const area = (await app.inject({ url: '/api/v1/grid/areas/430102', headers: admin })).json();
      expect(area.responsibleBody).toMatchObject({ code: 'street-wulipai', assignedArea: '430102' });
      const department = bodies.find((b) => b.code === 'ecology')!;
      const wrong = await app.inject({
        method: 'PUT',
        url: '/api/v1/grid/areas/430102/responsible-body',
        headers: admin,
        payload: { bodyId: department.id },
      });
      expect(wrong.statusCode).toBe(400);
      expect((await app.inject({ url: '/api/v1/grid/areas/999999', headers: admin })).statusCode).toBe(404);
    });
  });
});
