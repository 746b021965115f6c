import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerPlatformDatasets } from '../../src/hub/index.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { forEachDatabase } from '../db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../demo-city.ts';
import { importAsAdmin } from '../hub-imports.ts';

const FIXTURES = join(import.meta.dirname, '../../src/hub/fixtures');

/**
 * A harvester written from CKAN's documented action API (docs.ckan.org, "API guide": package_list,
 * package_search with q/fq/rows/start/sort, package_show, resource_show, organization_list/_show,
 * datastore_search with filters/q/limit/offset/sort/fields and its `_links.next`), speaking plain HTTP to a
 * listening server: it takes every public dataset and a DataStore table, then an incremental run with
 * `fq=metadata_modified:[<last run> TO *]` takes only what changed since.
 */
interface CkanAnswer<T> {
  help: string;
  success: boolean;
  result: T;
  error?: { __type: string; message: string };
}
interface Package {
  id: string;
  name: string;
  metadata_modified: string;
  organization: { name: string } | null;
  resources: { id: string; url: string; format: string; datastore_active: boolean }[];
}

class Harvester {
  calls = 0;
  constructor(readonly base: string) {}

  async call<T>(action: string, params: Record<string, string | number> = {}, body?: object) {
    this.calls++;
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const response = await fetch(`${this.base}/api/3/action/${action}${body ? '' : `?${query}`}`, {
      method: body ? 'POST' : 'GET',
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: response.status, answer: (await response.json()) as CkanAnswer<T> };
  }

  async result<T>(action: string, params: Record<string, string | number> = {}): Promise<T> {
    const { status, answer } = await this.call<T>(action, params);
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer.success).toBe(true);
    return answer.result;
  }

  /** Every dataset package_search finds for `fq`, a page of `rows` at a time. */
  async search(fq: string, rows = 2): Promise<Package[]> {
    const found: Package[] = [];
    for (let start = 0; ; start += rows) {
      const page = await this.result<{ count: number; results: Package[] }>('package_search', {
        q: '*:*',
        fq,
        rows,
        start,
        sort: 'name asc',
      });
      found.push(...page.results);
      if (start + rows >= page.count) {
        expect(found).toHaveLength(page.count);
        return found;
      }
    }
  }

  /** Every record of a DataStore table, following `_links.next` until a page comes back empty. */
  async records(resourceId: string, limit = 3) {
    const all: Record<string, unknown>[] = [];
    let next = `/api/3/action/datastore_search?resource_id=${resourceId}&limit=${limit}`;
    let total = -1;
    for (;;) {
      this.calls++;
      const answer = (await (await fetch(`${this.base}${next}`)).json()) as CkanAnswer<{
        records: Record<string, unknown>[];
        total: number;
        _links: { next: string };
      }>;
      expect(answer.success).toBe(true);
      total = answer.result.total;
      if (!answer.result.records.length) break;
      all.push(...answer.result.records);
      next = answer.result._links.next;
    }
    expect(all).toHaveLength(total);
    return all;
  }
}

forEachDatabase('a CKAN harvester over the action API', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let harvester: Harvester;
  let now = new Date(DEMO_NOW);
  const clock: Clock = { now: () => new Date(now) };

  const steward = async (method: 'PUT' | 'POST', url: string, payload: object) => {
    const answer = await app.inject({ method, url, headers: await as('steward'), payload });
    expect(answer.statusCode, answer.body).toBeLessThan(300);
    return answer.json();
  };
  const publish = (slug: string, isPublic: boolean) =>
    steward('PUT', `/api/v1/catalogue/datasets/${slug}/public`, { public: isPublic });

  beforeAll(async () => {
    const handle = database();
    const { areas } = await loadSmallDemoCity(handle, 30);
    await registerPlatformDatasets(handle.db, clock.now());
    await importAsAdmin(handle, clock, {
      path: join(FIXTURES, 'facilities-gbk.csv'),
      target: {
        kind: 'reference',
        dataset: { slug: 'facilities', titleZh: '公共设施', titleEn: 'Public facilities', licence: 'CC-BY-4.0' },
        keyColumn: '编号',
      },
    });
    await importAsAdmin(handle, clock, {
      path: join(FIXTURES, 'weather-utf16.txt'),
      target: {
        kind: 'reference',
        dataset: { slug: 'weather-sample', titleZh: '天气样例', titleEn: 'Weather sample' },
      },
    });
    ({ app, as } = await buildTestApp(handle, areas, clock));
    await publish('facilities', true);
    await publish('weather-sample', true);
    await publish('grid-areas', true);
    await steward('POST', '/api/v1/open-data/releases', {
      title: '案件统计',
      areaLevel: 'district',
      from: '2026-01',
      to: '2026-11',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    harvester = new Harvester(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  const PUBLIC = ['case-counts', 'facilities', 'grid-areas', 'weather-sample'];
  let firstRun = '';

  it('should list, page through, show and search every public dataset, and nothing else', async () => {
    // The harvest starts a minute after the last change; it remembers when it started.
    now = new Date(DEMO_NOW.getTime() + 60_000);
    firstRun = now.toISOString();
    const names = await harvester.result<string[]>('package_list');
    expect(names).toEqual(PUBLIC);
    const found = await harvester.search('', 1);
    expect(found.map((p) => p.name)).toEqual(PUBLIC);
    for (const name of names) {
      const shown = await harvester.result<Package>('package_show', { id: name });
      expect(shown).toEqual(found.find((p) => p.name === name));
      expect(await harvester.result<Package>('package_show', { id: shown.id })).toEqual(shown);
      for (const resource of shown.resources) {
        expect(await harvester.result('resource_show', { id: resource.id })).toEqual(resource);
      }
    }
    const withResources = await harvester.result<Package[]>('current_package_list_with_resources', {
      limit: 2,
      offset: 0,
    });
    const rest = await harvester.result<Package[]>('current_package_list_with_resources', { limit: 10, offset: 2 });
    expect([...withResources, ...rest].map((p) => p.name).sort()).toEqual(PUBLIC);
    const releases = found.find((p) => p.name === 'case-counts')!;
    expect(releases.resources.map((r) => r.format)).toEqual(['CSV', 'JSON', 'GeoJSON']);
    // What a resource says is where its data is.
    const csv = await fetch(releases.resources[0]!.url.replace(/^https?:\/\/[^/]+/, harvester.base));
    expect(csv.status).toBe(200);

    // Searching: words, field:value, negation, POST bodies, sorting.
    expect((await harvester.search('res_format:GeoJSON')).map((p) => p.name)).toEqual(['case-counts', 'grid-areas']);
    expect((await harvester.search('-res_format:GeoJSON')).map((p) => p.name)).toEqual([
      'facilities',
      'weather-sample',
    ]);
    expect((await harvester.search('name:facilities OR name:grid-areas')).map((p) => p.name)).toEqual([
      'facilities',
      'grid-areas',
    ]);
    expect(
      (await harvester.search('name:facilities OR name:grid-areas res_format:GeoJSON')).map((p) => p.name),
    ).toEqual(['grid-areas']);
    const words = await harvester.result<{ count: number; results: Package[] }>('package_search', { q: 'Facilities' });
    expect(words.results.map((p) => p.name)).toEqual(['facilities']);
    const posted = await harvester.call<{ count: number; results: Package[] }>(
      'package_search',
      {},
      { fq: 'name:facilities', rows: 5 },
    );
    expect(posted.answer.result.results.map((p) => p.name)).toEqual(['facilities']);
    const newest = await harvester.result<{ results: Package[] }>('package_search', {
      sort: 'metadata_modified desc, name asc',
      rows: 1,
    });
    expect(newest.results).toHaveLength(1);

    const organizations = await harvester.result<string[]>('organization_list');
    expect(organizations).toEqual(['urban-management']);
    const described = await harvester.result<{ name: string; title: string; package_count: number }[]>(
      'organization_list',
      { all_fields: 'true' },
    );
    expect(described).toMatchObject([
      { name: 'urban-management', title: '长沙市城市管理和综合执法局', package_count: 2 },
    ]);
    const owner = await harvester.result<{ name: string; package_count: number; packages: Package[] }>(
      'organization_show',
      {
        id: 'urban-management',
      },
    );
    expect(owner.packages.map((p) => p.name).sort()).toEqual(['case-counts', 'grid-areas']);
    expect(owner.package_count).toBe(2);
  });

  it('should read a DataStore table page by page, filtered, searched, sorted and with chosen fields', async () => {
    const facilities = await harvester.result<Package>('package_show', { id: 'facilities' });
    const table = facilities.resources.find((r) => r.datastore_active)!;
    const all = await harvester.records(table.id, 3);
    expect(all.map((r) => r.名称).sort()).toEqual(
      ['芙蓉区东湖街道社区卫生服务中心', '岳麓区望月湖养老院', '开福区四方坪小学', '雨花区"阳光"社区服务站'].sort(),
    );
    const byAlias = await harvester.result<{ total: number }>('datastore_search', { resource_id: 'facilities' });
    expect(byAlias.total).toBe(4);
    const filtered = await harvester.result<{ records: Record<string, unknown>[] }>('datastore_search', {
      resource_id: table.id,
      filters: JSON.stringify({ 名称: '岳麓区望月湖养老院' }),
      fields: '名称,床位数',
    });
    expect(filtered.records).toEqual([{ 名称: '岳麓区望月湖养老院', 床位数: 120 }]);
    const sorted = await harvester.result<{ records: Record<string, unknown>[] }>('datastore_search', {
      resource_id: table.id,
      sort: '床位数 desc',
      fields: '床位数',
    });
    expect(sorted.records.map((r) => r.床位数)).toEqual(
      [...sorted.records.map((r) => r.床位数)].sort((a, b) =>
        b === null ? -1 : a === null ? 1 : Number(b) - Number(a),
      ),
    );
    const searched = await harvester.result<{ total: number }>('datastore_search', {
      resource_id: table.id,
      q: '阳光',
    });
    expect(searched.total).toBe(1);
    const posted = await harvester.call<{ total: number }>(
      'datastore_search',
      {},
      {
        resource_id: table.id,
        filters: { 名称: ['岳麓区望月湖养老院', '开福区四方坪小学'] },
      },
    );
    expect(posted.answer.result.total).toBe(2);
  });

  it('should refuse SQL in sort, filters and fields as a validation error, and find nothing for SQL in q', async () => {
    const facilities = await harvester.result<Package>('package_show', { id: 'facilities' });
    const id = facilities.resources[0]!.id;
    const attempts: Record<string, string>[] = [
      { sort: '名称; drop table datastore.facilities; --' },
      { sort: '(select 1) desc' },
      { sort: '名称 desc nulls first, 1' },
      { filters: JSON.stringify({ '名称" = 名称 or "1': '1' }) },
      { filters: JSON.stringify({ _row_key: 'x' }) },
      { filters: '{"名称": {"$ne": null}}' },
      { filters: 'not json' },
      { filters: JSON.stringify({ 床位数: 'abc' }) },
      { filters: JSON.stringify({ 开放日期: 'yesterday' }) },
      { fields: '名称,pg_sleep(1)' },
      { fields: '*' },
    ];
    for (const attempt of attempts) {
      const { status, answer } = await harvester.call('datastore_search', { resource_id: id, ...attempt });
      expect(status, JSON.stringify(attempt)).toBe(409);
      expect(answer).toMatchObject({ success: false, error: { __type: 'Validation Error' } });
    }
    const { answer } = await harvester.call<{ total: number }>('datastore_search', {
      resource_id: id,
      q: "' or 1=1 --",
    });
    expect(answer.result.total).toBe(0);
    const injected = await harvester.call('datastore_search', { resource_id: "facilities' or '1'='1" });
    expect(injected.status).toBe(404);
    const rows = await sql<{ n: string }>`select count(*) as n from datastore.facilities`.execute(database().db);
    expect(Number(rows.rows[0]!.n)).toBe(4);
  });

  it('should answer with CKAN’s errors: not found, validation, unknown action; and hide what is not public', async () => {
    for (const id of ['cases', 'evaluations', 'nothing-here']) {
      const { status, answer } = await harvester.call('package_show', { id });
      expect(status).toBe(404);
      expect(answer).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
      expect(answer.help).toMatch(/help_show\?name=package_show$/);
      expect(
        (await fetch(answer.help.replace(/^https?:\/\/[^/]+/, harvester.base)).then((r) => r.json())).result,
      ).toMatch(/^package_show: /);
    }
    expect((await harvester.call('resource_show', { id: 'nope' })).status).toBe(404);
    expect((await harvester.call('organization_show', { id: 'public-security' })).status).toBe(404);
    const refused: Record<string, string | number>[] = [
      { rows: -1 },
      { rows: 'many' },
      { sort: 'secret asc' },
      { fq: 'password:x' },
      { fq: 'metadata_modified:[yesterday TO *]' },
      { fq: 'name:facilities OR' },
      { fq: 'name:facilities OR secret:x' },
      { q: 'name:[a TO b]' },
    ];
    for (const params of refused) {
      const { status, answer } = await harvester.call('package_search', params);
      expect(status, JSON.stringify(params)).toBe(409);
      expect(answer.error?.__type).toBe('Validation Error');
    }
    expect((await harvester.call('package_show')).status).toBe(409);
    const unknown = await harvester.call('package_delete', { id: 'facilities' });
    expect(unknown.status).toBe(400);
    expect(unknown.answer.success).toBe(false);
  });

  it('should fetch only what changed since the last run with fq=metadata_modified:[… TO *]', async () => {
    // An hour later: a release is published, a dataset is made public, another is withdrawn.
    now = new Date(DEMO_NOW.getTime() + 3_600_000);
    await steward('POST', '/api/v1/open-data/releases', {
      title: '案件统计（第二版）',
      areaLevel: 'district',
      from: '2026-06',
      to: '2026-11',
    });
    await publish('evaluations', true);
    await publish('weather-sample', false);

    const before = harvester.calls;
    const changed = await harvester.search(`metadata_modified:[${firstRun} TO *]`);
    expect(changed.map((p) => p.name)).toEqual(['case-counts', 'evaluations']);
    expect(changed.find((p) => p.name === 'case-counts')!.resources).toHaveLength(6);
    // A withdrawn dataset is seen by its absence from package_list, as CKAN's harvesters do.
    expect(await harvester.result<string[]>('package_list')).toEqual([
      'case-counts',
      'evaluations',
      'facilities',
      'grid-areas',
    ]);
    expect(harvester.calls - before).toBe(2);
    // Nothing changed since: an empty incremental run.
    const second = new Date(now.getTime() + 1000).toISOString();
    expect(await harvester.search(`metadata_modified:[${second} TO *]`)).toEqual([]);
    // CKAN's own timestamps (UTC without a zone) read back as the same instants.
    const evaluations = changed.find((p) => p.name === 'evaluations')!;
    expect(new Date(`${evaluations.metadata_modified}Z`).getTime()).toBe(now.getTime());
    const exact = await harvester.search(
      `metadata_modified:[${evaluations.metadata_modified}Z TO ${evaluations.metadata_modified}Z]`,
    );
    expect(exact.map((p) => p.name)).toEqual(['case-counts', 'evaluations']);
  });
});
