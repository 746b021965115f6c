import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { PLACEMENT_SNAP_METRES } from '../grid/index.ts';
import { packGeometry } from '../grid/placement.ts';

forEachDatabase('placing a reported point just outside every area', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  /** The westernmost vertex of all the city's boundaries: a point due west of it is that far from every area. */
  let west: { longitude: number; latitude: number };
  const metresWest = (metres: number) => ({
    longitude: west.longitude - metres / (111_320 * Math.cos((west.latitude * Math.PI) / 180)),
    latitude: west.latitude,
  });

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas));
    const rows = await database().db.selectFrom('grid_areas').select('geometry').execute();
    west = { longitude: Infinity, latitude: 0 };
    for (const ring of rows.flatMap((r) => packGeometry(r.geometry).flat())) {
      for (let i = 0; i < ring.length; i += 2) {
        if (ring[i]! < west.longitude) west = { longitude: ring[i]!, latitude: ring[i + 1]! };
      }
    }
  });

  const report = async (location: { longitude: number; latitude: number }) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('citizen'),
      payload: { title: '河堤护栏损坏', description: '江边步道护栏断了', categoryCode: '010204', location },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { caseNumber: string };
  };
  const detail = async (caseNumber: string) =>
    (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('dispatcher') })).json();

  describe(`within the tolerance (${PLACEMENT_SNAP_METRES} m)`, () => {
    it('should place a point 30 m outside on the nearest area, and show the dispatcher it was snapped', async () => {
      const { caseNumber } = await report(metresWest(30));
      expect(await detail(caseNumber)).toMatchObject({
        gridCode: expect.stringMatching(/^4301/),
        outsideJurisdiction: false,
        placementSnappedMetres: 30,
      });
    });

    it('should drop the mark when the case is moved into an area', async () => {
      const { caseNumber } = await report(metresWest(30));
      const inside = { longitude: 112.99, latitude: 28.195 };
      const moved = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/actions`,
        headers: await as('dispatcher'),
        payload: { action: 'relocate', location: inside },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ gridCode: expect.stringMatching(/^430102/), placementSnappedMetres: null });
    });
  });

  describe('beyond the tolerance', () => {
    it('should leave the point outside the jurisdiction, to the dispatcher', async () => {
      const { caseNumber } = await report(metresWest(PLACEMENT_SNAP_METRES + 20));
      expect(await detail(caseNumber)).toMatchObject({
        gridCode: null,
        outsideJurisdiction: true,
        placementSnappedMetres: null,
      });
      const flagged = (
        await app.inject({ url: '/api/v1/cases?outsideJurisdiction=true', headers: await as('dispatcher') })
      ).json().items;
      expect(flagged.map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);
    });
  });
});
