import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { importAsAdmin } from '../../test/hub-imports.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { fixedClock } from '../lib/clock.ts';
import { DATA_CLASSIFICATION } from '../policy/index.ts';
import { registerPlatformDatasets } from './catalogue.ts';

/**
 * The catalogue as staff see it: the platform's own datasets registered from the live schema and the
 * data classification (idempotently), imported ones with their lineage, rejected rows and quality, and the
 * data steward's public switch (refused for personal data, audited).
 */
forEachDatabase('data catalogue (staff)', (database) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    handle = database();
    const { areas } = await loadSmallDemoCity(handle, 10);
    await registerPlatformDatasets(handle.db, DEMO_NOW);
    await importAsAdmin(handle, fixedClock(DEMO_NOW), {
      path: join(import.meta.dirname, 'fixtures/facilities-gbk.csv'),
      target: {
        kind: 'reference',
        dataset: { slug: 'facilities', titleZh: '公共设施', titleEn: 'Public facilities' },
        keyColumn: '编号',
      },
    });
    ({ app, as } = await buildTestApp(handle, areas));
  }, 120_000);

  const get = async (url: string, username = 'supervisor') => app.inject({ url, headers: await as(username) });

  it('should register the platform’s datasets with their columns typed and labelled as classified', async () => {
    const answer = await get('/api/v1/catalogue/datasets?kind=platform');
    expect(answer.statusCode, answer.body).toBe(200);
    const items = answer.json().items as {
      slug: string;
      owner: { code: string };
      personal: string;
      level: string;
      rowCount: number;
    }[];
    expect(items.map((d) => d.slug).sort()).toEqual(['case-counts', 'cases', 'evaluations', 'grid-areas']);
    expect(items.every((d) => d.owner.code === 'urban-management')).toBe(true);
    const cases = items.find((d) => d.slug === 'cases')!;
    expect(cases).toMatchObject({ level: 'important', personal: 'personal', rowCount: 10 });
    const detail = (await get('/api/v1/catalogue/datasets/cases')).json();
    const columns = new Map(detail.columns.map((c: { name: string }) => [c.name, c]));
    expect(columns.get('address')).toMatchObject({ type: 'text', level: 'important', personal: 'personal' });
    expect(columns.get('created_at')).toMatchObject({ type: 'timestamp', level: 'general' });
    expect(columns.get('created_at')).not.toHaveProperty('personal');
    expect(columns.get('rework_count')).toMatchObject({ type: 'integer' });
    expect(detail.columns.map((c: { name: string }) => c.name).sort()).toEqual(
      Object.keys(DATA_CLASSIFICATION.cases!).sort(),
    );
  });

  it('should register idempotently: a second start changes no metadata and moves no modified time', async () => {
    const before = await handle.db
      .selectFrom('datasets')
      .select(['slug', 'modified_at', 'columns'])
      .orderBy('slug')
      .execute();
    await registerPlatformDatasets(handle.db, new Date(DEMO_NOW.getTime() + 86_400_000));
    const after = await handle.db
      .selectFrom('datasets')
      .select(['slug', 'modified_at', 'columns'])
      .orderBy('slug')
      .execute();
    expect(after).toEqual(before);
  });

  it('should show an imported dataset’s lineage, rejected rows and quality when measured', async () => {
    let detail = (await get('/api/v1/catalogue/datasets/facilities')).json();
    expect(detail).toMatchObject({
      kind: 'reference',
      rowCount: 4,
      rejectedRows: 0,
      quality: null,
      hasQuality: false,
      isPublic: false,
    });
    expect(detail.versions).toMatchObject([
      { version: 1, rowCount: 4, rowsChanged: 4, madeBy: 'import of facilities-gbk.csv' },
    ]);
    expect(detail.imports).toMatchObject([
      { fileName: 'facilities-gbk.csv', encoding: 'gb18030', rowsRead: 4, rowsImported: 4, status: 'completed' },
    ]);
    expect(detail.versions[0].importId).toBe(detail.imports[0].id);
    const quality = {
      measuredAt: DEMO_NOW.toISOString(),
      rows: 4,
      columns: { 床位数: { completeness: 0.75, validity: 1, uniqueness: 0.75 } },
    };
    await handle.db
      .updateTable('datasets')
      .set({ quality: JSON.stringify(quality) })
      .where('slug', '=', 'facilities')
      .execute();
    detail = (await get('/api/v1/catalogue/datasets/facilities')).json();
    expect(detail).toMatchObject({ quality, hasQuality: true });
    expect((await get('/api/v1/catalogue/datasets/no-such-set')).statusCode).toBe(404);
  });

  it('should let the data steward publish general data, refuse personal data, and audit the change', async () => {
    const put = async (slug: string, isPublic: boolean, username = 'steward') =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/catalogue/datasets/${slug}/public`,
        headers: await as(username),
        payload: { public: isPublic },
      });
    expect((await put('facilities', true, 'dispatcher')).statusCode).toBe(403);
    const published = await put('facilities', true);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ isPublic: true });
    const refused = await put('cases', true);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('HUB_ERR_NOT_PUBLISHABLE');
    expect(
      (await get('/api/v1/catalogue/datasets?public=true'))
        .json()
        .items.map((d: { slug: string }) => d.slug)
        .sort(),
    ).toEqual(['case-counts', 'facilities']);
    const audit = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'details'])
      .where('action', '=', 'catalogue.publish')
      .execute();
    expect(audit.map((a) => a.subject_id)).toContain('PUT /api/v1/catalogue/datasets/:slug/public');
    expect(audit.some((a) => JSON.stringify(a.details).includes('facilities'))).toBe(true);
  });
});
