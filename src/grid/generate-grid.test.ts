import fs from 'node:fs';
import area from '@turf/area';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { type Actor, actorForUsername, createUser } from '../organizations/index.ts';
import { AreaLocator } from './areas.ts';
import { importAreas } from './boundary-import.ts';
import { convertGeometry } from './crs.ts';
import { cellCode, type GeneratedGridReport, generateGrid } from './generate-grid.ts';
import { containsPoint, PlacementIndex } from './placement.ts';

const districts = JSON.parse(
  fs.readFileSync(new URL('../demo/fixtures/changsha-districts.geojson', import.meta.url), 'utf8'),
) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, { adcode: number; name: string }>;
const furong = districts.features.find((f) => f.properties.adcode === 430102)!;
const furongWgs84 = convertGeometry(furong.geometry, 'gcj02');

it('should code cells with the parent code and a sequence filling 15 digits', () => {
  expect(cellCode('430102001001', 7)).toBe('430102001001007');
  // Straight into a district or street, the missing segments are 000, which no real street or community has.
  expect(cellCode('430102', 4571)).toBe('430102000004571');
  expect(cellCode('430102001', 571)).toBe('430102001000571');
  expect(() => cellCode('430102001', 1000)).toThrow(/more than 999 cells; import its communities first/);
  expect(() => cellCode('430102001001', 1000)).toThrow(/more than 999 cells/);
  expect(() => cellCode('4301', 1)).toThrow(/not that of a district, street or community/);
});

/** 3,000 random points of 芙蓉区 each lie in exactly one cell: no gaps, no overlaps. */
function expectEveryPointInOneCell(rows: Array<{ code: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon }>) {
  const index = PlacementIndex.build(rows.map((c) => ({ code: c.code, depth: 0, geometry: c.geometry })));
  const packed = furongWgs84.coordinates.map((rings) => rings.map((ring) => Float64Array.from(ring.flat())));
  const corners = furongWgs84.coordinates.flat(2) as Array<[number, number]>;
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  const [minX, minY, maxX, maxY] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  let seed = 42;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let tested = 0; tested < 3000; ) {
    const x = minX + random() * (maxX - minX);
    const y = minY + random() * (maxY - minY);
    if (!containsPoint(packed, x, y)) continue;
    tested++;
    expect(index.touching(x, y, 0)).toHaveLength(1);
  }
}

forEachDatabase('unit grid generation (芙蓉区, 100 m)', (database) => {
  let admin: Actor;
  let report: GeneratedGridReport;

  beforeAll(async () => {
    const { db } = database();
    await createUser(db, 'bootstrap', { username: 'admin', displayName: 'Admin', role: 'admin' });
    admin = (await actorForUsername(db, 'admin'))!;
    await importAreas(
      db,
      admin,
      { type: 'FeatureCollection', features: [furong] },
      {
        level: 'district',
        codeProperty: 'adcode',
        nameProperty: 'name',
        crs: 'gcj02',
      },
    );
    report = await generateGrid(db, admin, { within: '430102', shape: { kind: 'square', meters: 100 } });
  }, 120_000);

  const cells = async () =>
    database()
      .db.selectFrom('grid_areas')
      .select(['code', 'geometry'])
      .where('level', '=', 'grid')
      .orderBy('code')
      .execute();

  it('should number every cell under the district, 15 digits, in order', async () => {
    const rows = await cells();
    expect(rows.length).toBe(report.cells);
    expect(report.cells).toBeGreaterThan(4000);
    for (const [i, row] of rows.entries()) expect(row.code).toBe(cellCode('430102', i + 1));
  });

  it('should cover the district’s area to within 0.5 %', async () => {
    const total = (await cells()).reduce(
      (sum, c) => sum + area({ type: 'Feature', properties: {}, geometry: c.geometry }),
      0,
    );
    const district = area({ type: 'Feature', properties: {}, geometry: furongWgs84 });
    expect(Math.abs(total / district - 1)).toBeLessThan(0.005);
  });

  it('should make whole cells of 100 m × 100 m and put every point of the district in exactly one cell', async () => {
    const rows = await cells();
    // Uncut cells are axis-aligned squares; their ground area must be 100 m × 100 m to within half a percent.
    const axisAligned = (g: GeoJSON.Polygon | GeoJSON.MultiPolygon) =>
      g.type === 'Polygon' &&
      g.coordinates.length === 1 &&
      new Set(g.coordinates[0]!.map(([x]) => x)).size === 2 &&
      new Set(g.coordinates[0]!.map(([, y]) => y)).size === 2;
    const sizes = rows
      .filter((c) => axisAligned(c.geometry))
      .map((c) => area({ type: 'Feature', properties: {}, geometry: c.geometry }))
      .filter((m2) => m2 > 9_000);
    expect(sizes.length).toBeGreaterThan(rows.length * 0.8);
    expect(Math.min(...sizes)).toBeGreaterThan(9_950);
    expect(Math.max(...sizes)).toBeLessThan(10_050);

    expectEveryPointInOneCell(rows);
  });

  it('should place a point on the finest level: its unit grid cell', async () => {
    const areas = new AreaLocator(database().db);
    await areas.reload();
    expect(areas.locate(112.99, 28.195)).toMatch(/^430102\d{9}$/);
  });

  it('should cut H3 hexagons too: covering the district, one cell for every point', async () => {
    const hexagons = await generateGrid(database().db, admin, {
      within: '430102',
      shape: { kind: 'h3', resolution: 9 },
      replace: true,
    });
    const rows = await cells();
    expect(rows.length).toBe(hexagons.cells);
    const total = rows.reduce((sum, c) => sum + area({ type: 'Feature', properties: {}, geometry: c.geometry }), 0);
    expect(Math.abs(total / area({ type: 'Feature', properties: {}, geometry: furongWgs84 }) - 1)).toBeLessThan(0.005);
    expectEveryPointInOneCell(rows);
    await generateGrid(database().db, admin, {
      within: '430102',
      shape: { kind: 'square', meters: 100 },
      replace: true,
    });
  });

  it('should give each community its own cells, numbered within it, where the area has communities', async () => {
    const { db } = database();
    // Two communities splitting a corner of 芙蓉区 (made up for the test: the demo has no community boundaries).
    const half = (x0: number, x1: number): GeoJSON.Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x0, 28.19],
          [x1, 28.19],
          [x1, 28.2],
          [x0, 28.2],
          [x0, 28.19],
        ],
      ],
    });
    await importAreas(
      db,
      admin,
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { code: '430102001001', name: '甲社区' }, geometry: half(112.99, 113.0) },
          { type: 'Feature', properties: { code: '430102001002', name: '乙社区' }, geometry: half(113.0, 113.01) },
        ],
      },
      { level: 'community', codeProperty: 'code', nameProperty: 'name', crs: 'wgs84', parentCode: '430102' },
    );
    const report = await generateGrid(db, admin, {
      within: '430102',
      shape: { kind: 'square', meters: 100 },
      replace: true,
    });
    const rows = await cells();
    expect(rows.length).toBe(report.cells);
    // The communities' cells are numbered within them; the rest of the district keeps cells of its own.
    expect(rows.every((c) => /^430102(001001|001002|000)/.test(c.code))).toBe(true);
    expect(rows.some((c) => c.code.startsWith('430102000'))).toBe(true);
    expectEveryPointInOneCell(rows);
    expect(rows.some((c) => c.code === '430102001001001')).toBe(true);
    expect(rows.some((c) => c.code === '430102001002001')).toBe(true);
    await db.deleteFrom('grid_areas').where('level', '=', 'grid').execute();
    await db.deleteFrom('grid_areas').where('level', '=', 'community').execute();
    await generateGrid(db, admin, { within: '430102', shape: { kind: 'square', meters: 100 }, replace: true });
  });

  it('should refuse to generate twice unless told to replace, and refuse non-administrators', async () => {
    await expect(
      generateGrid(database().db, admin, { within: '430102', shape: { kind: 'square', meters: 100 } }),
    ).rejects.toMatchObject({
      code: 'GRID_ERR_CELLS_EXIST',
    });
    await expect(
      generateGrid(
        database().db,
        { ...admin, role: 'dispatcher' },
        { within: '430102', shape: { kind: 'square', meters: 100 } },
      ),
    ).rejects.toMatchObject({ code: 'GRID_ERR_FORBIDDEN' });
    const again = await generateGrid(database().db, admin, {
      within: '430102',
      shape: { kind: 'square', meters: 200 },
      replace: true,
    });
    expect(again.cells).toBeLessThan(report.cells / 3);
    expect((await cells()).length).toBe(again.cells);
  });
});
