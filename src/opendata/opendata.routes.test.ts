import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseKind, forEachDatabase, type TestDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { exposedCells } from '../../test/suppression-audit.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import { actorForUsername } from '../organizations/index.ts';
import { CASES_DATASET, publishRelease } from './releases.ts';

/**
 * Open-data releases through the API: what the public downloads leaves no small cell published and no
 * suppressed cell recoverable (audited by LP from the download alone), downloads never change, and the
 * privacy budget refuses a release past it, atomically, also when releases race from two app instances.
 */
forEachDatabase('open-data releases', (database, kind: DatabaseKind) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const period = { from: '2025-12', to: '2026-11' };

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 60);
    ({ app, as } = await buildTestApp(database(), areas));
  }, 180_000);

  async function publish(body: Record<string, unknown>) {
    return app.inject({
      method: 'POST',
      url: '/api/v1/open-data/releases',
      headers: await as('steward'),
      payload: { title: '案件统计', areaLevel: 'district', ...period, ...body },
    });
  }

  async function download(id: string, format: string) {
    const answer = await app.inject({ url: `/api/v1/public/open-data/releases/${id}/data.${format}` });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer;
  }

  /** The published table as a reader rebuilds it from the JSON download: shape, values, suppressed. */
  function readerView(
    json: {
      rows: { value: number | null }[];
    },
    sizes: [number, number, number],
  ) {
    return {
      extendedShape: sizes.map((n) => n + 1),
      values: json.rows.map((r) => r.value ?? 0),
      suppressed: json.rows.map((r) => r.value === null),
    };
  }

  async function spent(): Promise<number> {
    const budgets = await app.inject({ url: '/api/v1/open-data/budgets', headers: await as('steward') });
    return budgets.json().items.find((b: { dataset: string }) => b.dataset === CASES_DATASET).spentEpsilon;
  }

  describe('suppression', () => {
    it('should publish counts by category × district × month that a solver cannot recover a suppressed cell of', async () => {
      const published = await publish({});
      expect(published.statusCode, published.body).toBe(201);
      const release = published.json();
      expect(release).toMatchObject({ threshold: 5, protectionMargin: 5, epsilon: null, mechanism: null, periods: 12 });
      expect(release.suppressedCells).toBeGreaterThan(0);
      const json = (await download(release.id, 'json')).json();
      const values = json.rows.map((r: { value: number | null }) => r.value);
      expect(values.filter((v: number | null) => v !== null && v > 0 && v < 5)).toEqual([]);
      const grandTotal = json.rows.at(-1);
      expect(grandTotal).toMatchObject({ categoryCode: 'TOTAL', areaCode: 'TOTAL', period: 'TOTAL' });
      const view = readerView(json, [release.categories, release.areas, release.periods]);
      expect(exposedCells(view, 5)).toEqual([]);
    });

    it('should serve the same numbers on every download, as CSV, JSON and GeoJSON at the areas’ centroids', async () => {
      const release = (await publish({ threshold: 3 })).json();
      const first = await download(release.id, 'csv');
      const again = await download(release.id, 'csv');
      expect(again.body).toBe(first.body);
      expect(first.headers['content-type']).toContain('text/csv');
      const lines = first.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('category_code,category_name,area_code,area_name,period,count,status');
      expect(lines).toHaveLength(1 + (release.categories + 1) * (release.areas + 1) * (release.periods + 1));
      const geo = JSON.parse((await download(release.id, 'geojson')).body);
      expect(geo.type).toBe('FeatureCollection');
      const districts = new Set(geo.features.map((f: { properties: { areaCode: string } }) => f.properties.areaCode));
      expect(districts.size).toBe(release.areas);
      for (const feature of geo.features) {
        expect(feature.geometry.type).toBe('Point');
        const [longitude, latitude] = feature.geometry.coordinates;
        expect(longitude).toBeGreaterThan(111);
        expect(latitude).toBeGreaterThan(27);
      }
      // The database refuses to change or remove what was published.
      const { db } = database();
      await expect(
        db.updateTable('open_data_releases').set({ cells: '[]' }).where('id', '=', release.id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom('open_data_releases').where('id', '=', release.id).execute()).rejects.toThrow(
        /append-only/,
      );
      const listed = await app.inject({ url: '/api/v1/public/open-data/releases' });
      expect(listed.json().items.map((r: { id: string }) => r.id)).toContain(release.id);
      const unknown = await app.inject({
        url: '/api/v1/public/open-data/releases/00000000-0000-4000-8000-000000000000/data.csv',
      });
      expect(unknown.statusCode).toBe(404);
      const badFormat = await app.inject({ url: `/api/v1/public/open-data/releases/${release.id}/data.xlsx` });
      expect(badFormat.statusCode).toBe(400);
    });

    it('should coarsen points to their unit grid cell, published at the cell’s centroid', async () => {
      const release = (await publish({ areaLevel: 'grid' })).json();
      expect(release.areas).toBeGreaterThan(0);
      const geo = JSON.parse((await download(release.id, 'geojson')).body);
      const points = await database()
        .db.selectFrom('cases')
        .select(['longitude', 'latitude'])
        .where('longitude', 'is not', null)
        .execute();
      const casePoints = new Set(points.map((p) => `${p.longitude},${p.latitude}`));
      for (const feature of geo.features) {
        expect(feature.properties.areaCode).toMatch(/^43010[0-9]{10}$/);
        expect(casePoints.has(feature.geometry.coordinates.join(','))).toBe(false);
      }
    });

    it('should not count the cases of a reporter who withdrew consent to statistics and open data', async () => {
      const grandTotal = async () => {
        const release = (await publish({ threshold: 1 })).json();
        return (await download(release.id, 'json')).json().rows.at(-1).value as number;
      };
      const before = await grandTotal();
      const { db } = database();
      const month = sql<string>`to_char(cases.created_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
      const reporter = await db
        .selectFrom('cases')
        .innerJoin('persons', 'persons.id', 'cases.reporter_person_id')
        .select(['persons.id', db.fn.countAll<string>().as('cases')])
        .where('cases.status', 'not in', ['merged', 'cancelled'])
        .where('cases.grid_code', 'is not', null)
        .where(month, '>=', period.from)
        .where(month, '<=', period.to)
        .groupBy('persons.id')
        .orderBy('cases', 'desc')
        .executeTakeFirstOrThrow();
      await db.updateTable('persons').set({ statistics_consent: false }).where('id', '=', reporter.id).execute();
      try {
        expect(await grandTotal()).toBe(before - Number(reporter.cases));
      } finally {
        await db.updateTable('persons').set({ statistics_consent: true }).where('id', '=', reporter.id).execute();
      }
    });

    it('should refuse a period backwards, longer than 36 months or with no such month, with the error shape', async () => {
      const backwards = await publish({ from: '2026-10', to: '2026-09' });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().error.code).toBe('OPENDATA_ERR_PERIOD');
      const tooLong = await publish({ from: '2023-01', to: '2026-11' });
      expect(tooLong.json().error.code).toBe('OPENDATA_ERR_PERIOD');
      const badMonth = await publish({ from: '2026-13', to: '2026-11' });
      expect(badMonth.statusCode).toBe(400);
    });
  });

  describe('the privacy budget', () => {
    it('should spend ε per noisy release, keep the noise as published, and refuse a release past the budget', async () => {
      const before = await spent();
      const geometric = await publish({ epsilon: 0.4 });
      expect(geometric.statusCode, geometric.body).toBe(201);
      expect(geometric.json()).toMatchObject({ epsilon: 0.4, mechanism: 'geometric' });
      const first = (await download(geometric.json().id, 'json')).body;
      expect((await download(geometric.json().id, 'json')).body).toBe(first);
      for (const row of JSON.parse(first).rows) if (row.value !== null) expect(Number.isInteger(row.value)).toBe(true);
      const laplace = await publish({ epsilon: 0.4, mechanism: 'laplace' });
      expect(laplace.statusCode, laplace.body).toBe(201);
      expect(await spent()).toBeCloseTo(before + 0.8, 9);
      const releases = (await app.inject({ url: '/api/v1/public/open-data/releases' })).json().items.length;
      const refused = await publish({ epsilon: 0.4 });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'OPENDATA_ERR_BUDGET_EXCEEDED' });
      expect(await spent()).toBeCloseTo(before + 0.8, 9);
      expect((await app.inject({ url: '/api/v1/public/open-data/releases' })).json().items).toHaveLength(releases);
      // Exactly what remains is still allowed (ε in millionths: 0.2 fills 1.0 with no rounding error).
      const filling = await publish({ epsilon: 0.2 });
      expect(filling.statusCode, filling.body).toBe(201);
      const budgets = await app.inject({ url: '/api/v1/open-data/budgets', headers: await as('steward') });
      const cases = budgets.json().items.find((b: { dataset: string }) => b.dataset === CASES_DATASET);
      expect(cases).toMatchObject({ totalEpsilon: 1, spentEpsilon: 1, remainingEpsilon: 0 });
      expect(cases.ledger.map((l: { epsilon: number }) => l.epsilon).sort()).toEqual([0.2, 0.4, 0.4]);
      expect(cases.ledger[0].query).toContain('district');
      // A release without noise spends nothing, so it is still allowed.
      expect((await publish({})).statusCode).toBe(201);
    });

    it('should not set a budget below what is spent, nor for an unknown dataset', async () => {
      const headers = await as('steward');
      const below = await app.inject({
        method: 'PUT',
        url: `/api/v1/open-data/budgets/${CASES_DATASET}`,
        headers,
        payload: { totalEpsilon: 0.5 },
      });
      expect(below.statusCode).toBe(409);
      const unknown = await app.inject({
        method: 'PUT',
        url: '/api/v1/open-data/budgets/weather',
        headers,
        payload: { totalEpsilon: 1 },
      });
      expect(unknown.statusCode).toBe(404);
    });

    it('should let exactly as many concurrent releases through as the budget holds, from two app instances', async () => {
      const handle = database() as TestDatabase;
      const headers = await as('steward');
      const raised = await app.inject({
        method: 'PUT',
        url: `/api/v1/open-data/budgets/${CASES_DATASET}`,
        headers,
        payload: { totalEpsilon: (await spent()) + 1 },
      });
      expect(raised.statusCode, raised.body).toBe(200);
      const before = await spent();
      // A second instance: its own pool of connections to the same server (PGlite is one process's database).
      const other: DatabaseHandle | null =
        kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: handle.url! }) : null;
      try {
        const steward = (await actorForUsername(handle.db, 'steward'))!;
        const instances = [handle.db, other?.db ?? handle.db];
        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            publishRelease(
              { db: instances[i % 2]!, timeZone: 'Asia/Shanghai' },
              steward,
              { title: `并发 ${i}`, areaLevel: 'district', ...period, epsilon: 0.3 },
              new Date(),
            ),
          ),
        );
        const passed = attempts.filter((a) => a.status === 'fulfilled');
        expect(passed).toHaveLength(3);
        for (const a of attempts) {
          if (a.status === 'rejected') expect(a.reason).toMatchObject({ code: 'OPENDATA_ERR_BUDGET_EXCEEDED' });
        }
        expect(await spent()).toBeCloseTo(before + 0.9, 9);
        const ledger = await handle.db
          .selectFrom('privacy_ledger')
          .select(({ fn }) => fn.sum<number>('microepsilon').as('sum'))
          .executeTakeFirstOrThrow();
        const budget = await handle.db
          .selectFrom('open_data_budgets')
          .select('spent_microepsilon')
          .where('dataset', '=', CASES_DATASET)
          .executeTakeFirstOrThrow();
        expect(Number(ledger.sum)).toBe(budget.spent_microepsilon);
      } finally {
        await other?.close();
      }
    });
  });
});
