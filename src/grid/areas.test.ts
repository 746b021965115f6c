import fs from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import type { Actor } from '../organizations/index.ts';
import { actorForUsername, createUser } from '../organizations/index.ts';
import { AreaLocator, listAreas } from './areas.ts';
import { importAreas } from './boundary-import.ts';
import { convertPoint } from './crs.ts';

const districts = JSON.parse(
  fs.readFileSync(new URL('../demo/fixtures/changsha-districts.geojson', import.meta.url), 'utf8'),
) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, { adcode: number; name: string; center: [number, number] }>;

forEachDatabase('城市 areas (长沙)', (database) => {
  let admin: Actor;
  const locator = () => new AreaLocator(database().db);

  beforeAll(async () => {
    const { db } = database();
    await createUser(db, 'bootstrap', { username: 'admin', displayName: 'Admin', role: 'admin' });
    admin = (await actorForUsername(db, 'admin'))!;
    await importAreas(db, admin, districts, {
      level: 'district',
      codeProperty: 'adcode',
      nameProperty: 'name',
      crs: 'gcj02',
    });
  });

  it('should place each district’s DataV centre (GCJ-02, like the file) in that district', async () => {
    const areas = locator();
    await areas.reload();
    for (const feature of districts.features) {
      const [longitude, latitude] = convertPoint(feature.properties.center, 'gcj02');
      expect(areas.locate(longitude, latitude), feature.properties.name).toBe(String(feature.properties.adcode));
    }
  });

  it('should store boundaries in WGS-84, shifted from the GCJ-02 file by the national offset', async () => {
    const row = await database()
      .db.selectFrom('grid_areas')
      .select('geometry')
      .where('code', '=', '430102')
      .executeTakeFirstOrThrow();
    const stored = row.geometry.type === 'MultiPolygon' ? row.geometry.coordinates[0]![0]![0]! : [0, 0];
    const original = districts.features.find((f) => f.properties.adcode === 430102)!.geometry.coordinates[0]![0]![0]!;
    const expected = convertPoint(original as [number, number], 'gcj02');
    expect(stored[0]).toBeCloseTo(expected[0], 9);
    expect(stored[1]).toBeCloseTo(expected[1], 9);
    expect(Math.abs(stored[0]! - original[0]!)).toBeGreaterThan(0.001);
  });

  it('should rebuild a placement index when another instance changed the boundaries', async () => {
    const mine = locator();
    await mine.reload();
    expect(await mine.refreshIfChanged()).toBe(false);
    const square: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { adcode: '430199', name: '测试区' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [120, 30],
                [120.1, 30],
                [120.1, 30.1],
                [120, 30.1],
                [120, 30],
              ],
            ],
          },
        },
      ],
    };
    await importAreas(database().db, admin, square, {
      level: 'district',
      codeProperty: 'adcode',
      nameProperty: 'name',
      crs: 'wgs84',
    });
    expect(mine.locate(120.05, 30.05)).toBeNull();
    expect(await mine.refreshIfChanged()).toBe(true);
    expect(mine.locate(120.05, 30.05)).toBe('430199');
    await database().db.deleteFrom('grid_areas').where('code', '=', '430199').execute();
  });

  it('should refuse an import by anyone but an administrator, importing nothing', async () => {
    const dispatcher = { ...admin, role: 'dispatcher' as const };
    await expect(
      importAreas(database().db, dispatcher, districts, {
        level: 'district',
        codeProperty: 'adcode',
        nameProperty: 'name',
        crs: 'gcj02',
      }),
    ).rejects.toMatchObject({ code: 'GRID_ERR_FORBIDDEN' });
    expect(await listAreas(database().db)).toHaveLength(9); // the test square above was removed again
  });
});
