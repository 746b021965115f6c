import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { DEMO_NOW, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { CITY_TIME_ZONE } from '../http/app.ts';
import { fixedClock } from '../lib/clock.ts';
import { type ImportDeps, runImport } from './import-runner.ts';
import { measureQuality } from './quality.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

forEachDatabase('data hub imports', (database) => {
  let handle: DatabaseHandle;
  let deps: ImportDeps;
  let userId: string;

  beforeAll(async () => {
    handle = database();
    await loadSmallDemoCity(handle, 2);
    deps = {
      db: handle.db,
      keyring: keyringOf(handle),
      // New York's points are placed on one demo area, so placement is seen to happen; the rest are outside.
      locateArea: (longitude, latitude) =>
        longitude > -74.3 && longitude < -73.6 && latitude > 40.4 && latitude < 41
          ? { code: '430102', snappedMetres: null }
          : null,
      cityTimeZone: CITY_TIME_ZONE,
      clock: fixedClock(DEMO_NOW),
    };
    userId = (
      await handle.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
    ).id;
  }, 120_000);

  const reference = (file: string, slug: string, keyColumn?: string) =>
    runImport(deps, {
      path: join(FIXTURES, file),
      target: { kind: 'reference', dataset: { slug, titleZh: slug, titleEn: slug }, keyColumn },
      userId,
    });

  const table = async (slug: string) =>
    (
      await sql<
        Record<string, unknown>
      >`select * from datastore.${sql.id(slug.replaceAll('-', '_'))} order by _row_key`.execute(handle.db)
    ).rows;

  it('should read a GBK CSV, quotes and all, into a typed table keyed on its own id', async () => {
    const summary = await reference('facilities-gbk.csv', 'facilities', '编号');
    expect(summary).toMatchObject({ format: 'csv', encoding: 'gb18030', read: 4, imported: 4, rejected: 0 });
    const rows = await table('facilities');
    expect(rows.map((r) => r.名称)).toEqual([
      '芙蓉区东湖街道社区卫生服务中心',
      '岳麓区望月湖养老院',
      '开福区四方坪小学',
      '雨花区"阳光"社区服务站',
    ]);
    expect(Number(rows[1]?.床位数)).toBe(120);
    expect(rows[2]?.床位数).toBeNull();
    // A day without a time of day is a date column (the PostgreSQL driver gives dates as text).
    expect(rows[0]?.开放日期).toBe('2015-03-01');
  });

  it('should read a UTF-16 tab-separated file as Excel saves "Unicode text"', async () => {
    const summary = await reference('weather-utf16.txt', 'weather-sample');
    expect(summary).toMatchObject({ encoding: 'utf-16le', imported: 3, rejected: 0 });
    const rows = await table('weather-sample');
    expect(rows.map((r) => r.天气).sort()).toEqual(['晴', '暴雨', '雷阵雨'].sort());
    expect(rows.map((r) => r['降水量(mm)']).sort()).toEqual([0, 12.5, 48]);
  });

  it('should read a workbook whose header is merged over two rows, its date cells in the city’s time', async () => {
    const summary = await reference('population-merged-header.xlsx', 'population-sample', '区县');
    expect(summary).toMatchObject({ format: 'xlsx', imported: 2, rejected: 0 });
    const columns = await handle.db
      .selectFrom('datasets')
      .select('columns')
      .where('slug', '=', 'population-sample')
      .executeTakeFirstOrThrow();
    expect(columns.columns.map((c) => [c.name, c.type])).toEqual([
      ['区县', 'text'],
      ['常住人口/男', 'integer'],
      ['常住人口/女', 'integer'],
      ['统计时点', 'timestamp'],
      ['备注', 'text'],
    ]);
    const rows = await table('population-sample');
    const furong = rows.find((r) => r.区县 === '芙蓉区');
    expect(Number(furong?.['常住人口/男'])).toBe(1000);
    // 2020-11-01 00:00 on the city's wall clock is 16:00 UTC the day before.
    expect(new Date(furong?.统计时点 as string).toISOString()).toBe('2020-10-31T16:00:00.000Z');
    expect(furong?.备注).toBe('示例\rdata'.replace('data', '数据'));
  });

  it('should decode Excel’s _x000D_ escapes in a message export imported as historical cases', async () => {
    const summary = await runImport(deps, {
      path: join(FIXTURES, 'messages-x000d.csv'),
      target: { kind: 'case_history', source: 'teddycup' },
      userId,
    });
    expect(summary).toMatchObject({ dataset: 'citizen-messages-history', imported: 2, rejected: 0, unplaced: 2 });
    const cases = await handle.db
      .selectFrom('case_sources')
      .innerJoin('cases', 'cases.id', 'case_sources.case_id')
      .select([
        'case_sources.source_id',
        'cases.description',
        'cases.status',
        'cases.created_at',
        'cases.closed_at',
        'cases.channel',
      ])
      .where('case_sources.source_key', '=', 'teddycup')
      .orderBy('case_sources.source_id')
      .execute();
    expect(cases.map((c) => c.description.includes('_x000D_'))).toEqual([false, false]);
    expect(cases[0]?.description).toContain('\r\n');
    expect(cases[1]?.description).toBe('站台顶棚破损\r漏雨。');
    expect(cases.map((c) => [c.source_id, c.status, c.channel])).toEqual([
      ['9001', 'closed', 'import'],
      ['9002', 'reported', 'import'],
    ]);
    expect(cases[0]?.created_at.toISOString()).toBe('2019-05-06T14:15:03.000Z');
    expect(cases[0]?.closed_at?.toISOString()).toBe('2019-05-09T02:00:00.000Z');
  });

  describe('a US 311 export through its template', () => {
    let first: Awaited<ReturnType<typeof runImport>>;
    const nyc = () =>
      runImport(deps, {
        path: join(FIXTURES, 'nyc-311-slice.csv'),
        target: { kind: 'case_history', source: 'nyc311' },
        userId,
        batchSize: 7,
      });

    beforeAll(async () => {
      first = await nyc();
    });

    it('should import every row as a historical case with its own times, statuses and a mapped category', async () => {
      expect(first).toMatchObject({
        read: 30,
        imported: 30,
        unchanged: 0,
        rejected: 0,
        unplaced: 23,
        unplacedByReason: { 'no point': 23 },
      });
      const cases = await handle.db
        .selectFrom('case_sources')
        .innerJoin('cases', 'cases.id', 'case_sources.case_id')
        .innerJoin('categories', 'categories.id', 'cases.category_id')
        .select([
          'case_sources.source_id',
          'cases.status',
          'cases.created_at',
          'cases.closed_at',
          'cases.grid_code',
          'categories.name_zh',
          'cases.case_number',
        ])
        .where('case_sources.source_key', '=', 'nyc311')
        .execute();
      expect(cases).toHaveLength(30);
      const dangling = cases.find((c) => c.source_id === '19937901');
      // 03/01/2011 10:41:13 AM in New York (UTC-5 in March before the clocks change).
      expect(dangling?.created_at.toISOString()).toBe('2011-03-01T15:41:13.000Z');
      expect(dangling?.closed_at?.toISOString()).toBe('2011-03-15T20:14:19.000Z');
      expect(dangling).toMatchObject({ status: 'closed', grid_code: '430102', name_zh: '基础设施' });
      expect(dangling?.case_number).toMatch(/^2011-\d{6}$/);
      expect(cases.filter((c) => c.grid_code).length).toBe(7);
      const mapped = await handle.db
        .selectFrom('category_mappings')
        .select('source_value')
        .where('source_key', '=', 'nyc311')
        .execute();
      expect(mapped.length).toBeGreaterThan(5);
    });

    it('should record the closure as an event the lifecycle knows, after the report', async () => {
      const events = await handle.db
        .selectFrom('case_events')
        .innerJoin('case_sources', 'case_sources.case_id', 'case_events.case_id')
        .select(['case_events.action', 'case_events.seq', 'case_events.created_at'])
        .where('case_sources.source_id', '=', '19937901')
        .orderBy('case_events.seq')
        .execute();
      expect(events.map((e) => e.action)).toEqual(['report', 'record_closure']);
    });

    it('should change nothing when the same file is imported again, and keep the lineage', async () => {
      const count = async () =>
        (
          await handle.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      const before = await count();
      const again = await nyc();
      expect(again).toMatchObject({ read: 30, imported: 0, unchanged: 30, rejected: 0 });
      expect(await count()).toBe(before);
      const versions = await handle.db
        .selectFrom('dataset_versions')
        .innerJoin('datasets', 'datasets.id', 'dataset_versions.dataset_id')
        .select(['dataset_versions.version', 'dataset_versions.rows_changed', 'dataset_versions.import_id'])
        .where('datasets.slug', '=', 'nyc-311-history')
        .execute();
      expect(versions).toEqual([{ version: 1, rows_changed: 30, import_id: first.importId }]);
      const dataset = await handle.db
        .selectFrom('datasets')
        .selectAll()
        .where('slug', '=', 'nyc-311-history')
        .executeTakeFirstOrThrow();
      expect(dataset).toMatchObject({ kind: 'case_history', row_count: 30 });
      expect(dataset.temporal_start?.toISOString().slice(0, 4)).toBe('2011');
    });
  });

  it('should measure a dataset’s quality column by column and keep it in the catalogue', async () => {
    const facilities = await measureQuality(handle.db, deps.clock, 'facilities');
    expect(facilities).toMatchObject({ rows: 4, rejectedShare: 0 });
    expect(facilities.columns.床位数).toEqual({ completeness: 0.75, validity: 1, uniqueness: 1 });
    expect(facilities.columns.类型).toEqual({ completeness: 1, validity: 1, uniqueness: 1 });
    const nyc = await measureQuality(handle.db, deps.clock, 'nyc-311-history');
    expect(nyc).toMatchObject({ rows: 30, placedShare: 0.2333 });
    expect(nyc.columns.point?.completeness).toBe(0.2333);
    expect(nyc.timelinessDays).toBeGreaterThan(5000);
    const stored = await handle.db
      .selectFrom('datasets')
      .select('quality')
      .where('slug', '=', 'nyc-311-history')
      .executeTakeFirstOrThrow();
    expect(stored.quality).toEqual(nyc);
  });

  it('should reject a file it cannot read with a clear reason', async () => {
    await expect(
      runImport(deps, {
        path: join(FIXTURES, 'README.md'),
        target: { kind: 'case_history', source: 'nyc311' },
        userId,
      }),
    ).rejects.toThrow(/not a format the importer reads/);
    await expect(
      runImport(deps, {
        path: join(FIXTURES, 'facilities-gbk.csv'),
        target: { kind: 'case_history', source: 'nyc311' },
        userId,
      }),
    ).rejects.toThrow(/lacks the columns the mapping needs: Unique Key, Created Date, Complaint Type, Descriptor/);
    await expect(
      runImport(deps, {
        path: join(FIXTURES, 'facilities-gbk.csv'),
        target: { kind: 'case_history', source: 'nope' },
        userId,
      }),
    ).rejects.toThrow(/no import source "nope"/);
  });
});
