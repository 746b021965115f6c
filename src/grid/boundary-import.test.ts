import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import type { AppError } from '../lib/app-error.ts';
import { type Actor, actorForUsername, createUser } from '../organizations/index.ts';
import type { BoundaryProblem } from './boundary-checks.ts';
import { importAreas } from './boundary-import.ts';

const fixture = (name: string) =>
  JSON.parse(
    fs.readFileSync(new URL(`./fixtures/boundaries/${name}`, import.meta.url), 'utf8'),
  ) as GeoJSON.FeatureCollection;
const mapping = { level: 'district', codeProperty: 'code', nameProperty: 'name', crs: 'wgs84' } as const;

async function problemsOf(work: Promise<unknown>): Promise<BoundaryProblem[]> {
  const error = (await work.then(
    () => null,
    (e: unknown) => e,
  )) as AppError | null;
  expect(error?.code).toBe('GRID_ERR_INVALID_BOUNDARIES');
  return error?.details?.problems as BoundaryProblem[];
}

forEachDatabase('boundary import checks', (database) => {
  let admin: Actor;
  const count = async () =>
    Number(
      (
        await database()
          .db.selectFrom('grid_areas')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    await createUser(database().db, 'bootstrap', { username: 'admin', displayName: 'Admin', role: 'admin' });
    admin = (await actorForUsername(database().db, 'admin'))!;
  });

  describe('a file with broken features', () => {
    it('should name every problem feature and what is wrong with it, and import nothing', async () => {
      const problems = await problemsOf(
        importAreas(database().db, admin, fixture('broken-boundaries.geojson'), mapping),
      );
      const byFeature = Object.fromEntries(problems.map((p) => [p.feature, p.problem]));
      expect(byFeature).toMatchObject({
        1: 'self_intersection',
        2: 'bad_ring',
        3: 'not_a_polygon',
        4: 'missing_code',
        5: 'duplicate_code',
        6: 'overlaps_sibling',
        7: 'bad_coordinates',
        8: 'bad_ring',
      });
      expect(problems.find((p) => p.feature === 1)).toMatchObject({
        code: '900002',
        name: '蝴蝶结 bowtie',
        detail: 'the outer ring crosses itself near 113.025000, 28.005000',
      });
      expect(problems.find((p) => p.feature === 2)?.detail).toMatch(/not closed/);
      expect(problems.find((p) => p.feature === 6)?.detail).toMatch(/900001/);
      expect(problems.every((p) => p.feature !== 0 || p.problem === 'overlaps_sibling')).toBe(true);
      expect(await count()).toBe(0);
    });
  });

  describe('a valid file', () => {
    it('should import holes and MultiPolygons, and rewind clockwise rings with a warning', async () => {
      const report = await importAreas(database().db, admin, fixture('valid-boundaries.geojson'), mapping);
      expect(report.imported).toBe(3);
      expect(report.warnings.map((w) => [w.code, w.problem])).toContainEqual(['910001', 'rewound']);
      expect(report.warnings.every((w) => w.severity === 'warning')).toBe(true);
      const stored = await database()
        .db.selectFrom('grid_areas')
        .select(['code', 'geometry'])
        .orderBy('code')
        .execute();
      expect(stored.map((s) => s.geometry.type)).toEqual(['Polygon', 'Polygon', 'MultiPolygon']);
      expect((stored[1]!.geometry as GeoJSON.Polygon).coordinates).toHaveLength(2);
    });

    it('should refuse a new area that overlaps one already stored at its level', async () => {
      const overlapping: GeoJSON.FeatureCollection = {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '910009', name: 'overlaps 910001' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [113.205, 28.0],
                  [113.215, 28.0],
                  [113.215, 28.01],
                  [113.205, 28.01],
                  [113.205, 28.0],
                ],
              ],
            },
          },
        ],
      };
      const before = await count();
      const problems = await problemsOf(importAreas(database().db, admin, overlapping, mapping));
      expect(problems[0]).toMatchObject({ code: '910009', problem: 'overlaps_sibling' });
      expect(await count()).toBe(before);
    });
  });

  describe('parts of a MultiPolygon', () => {
    it('should import parts touching at a single vertex, and refuse parts crossing through shared corners', async () => {
      const touching = fixture('touching-parts.geojson').features[0]!;
      const before = await count();
      const problems = await problemsOf(importAreas(database().db, admin, fixture('touching-parts.geojson'), mapping));
      expect(problems.filter((p) => p.severity === 'error')).toEqual([
        expect.objectContaining({
          feature: 1,
          code: '930002',
          problem: 'self_intersection',
          detail: expect.stringMatching(
            /^polygon 1 and polygon 2 cross at a shared point near 113\.7[02]0000, 28\.000000$/,
          ),
        }),
      ]);
      expect(await count()).toBe(before);

      const alone = { type: 'FeatureCollection' as const, features: [touching] };
      expect((await importAreas(database().db, admin, alone, mapping)).imported).toBe(1);
    });

    it('should name the areas of a file that carries codes only by their codes, with one warning', async () => {
      const feature: GeoJSON.Feature = {
        type: 'Feature',
        properties: { code: '930003' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [113.8, 28.0],
              [113.81, 28.0],
              [113.81, 28.01],
              [113.8, 28.0],
            ],
          ],
        },
      };
      const report = await importAreas(
        database().db,
        admin,
        { type: 'FeatureCollection', features: [feature] },
        mapping,
      );
      expect(report.imported).toBe(1);
      expect(report.warnings).toEqual([expect.objectContaining({ feature: -1, problem: 'named_by_code' })]);
      const stored = await database()
        .db.selectFrom('grid_areas')
        .select(['name_zh', 'name_en'])
        .where('code', '=', '930003')
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ name_zh: '930003', name_en: '930003' });
      // A file where only some features have a name is broken: each unnamed one is an error.
      const mixed = fixture('touching-parts.geojson');
      mixed.features[1] = { ...mixed.features[1]!, properties: { code: '930004' } };
      const problems = await problemsOf(importAreas(database().db, admin, mixed, mapping));
      expect(problems).toContainEqual(expect.objectContaining({ feature: 1, problem: 'missing_name' }));
    });
  });

  describe('children and their parent', () => {
    it('should refuse a child that sticks out of its parent, and an unknown parent', async () => {
      await importAreas(database().db, admin, fixture('parent.geojson'), { ...mapping, level: 'district' });
      const before = await count();
      const problems = await problemsOf(
        importAreas(database().db, admin, fixture('children.geojson'), {
          ...mapping,
          level: 'street',
          parentCode: '920000',
        }),
      );
      expect(problems.map((p) => [p.code, p.problem])).toEqual([['920002', 'outside_parent']]);
      expect(problems[0]!.detail).toMatch(/50\.\d+ % of it lies outside 920000/);
      const unknown = await problemsOf(
        importAreas(database().db, admin, fixture('children.geojson'), {
          ...mapping,
          level: 'street',
          parentCode: '999999',
        }),
      );
      expect(unknown[0]).toMatchObject({ problem: 'unknown_parent' });
      expect(await count()).toBe(before);
    });
  });
});
