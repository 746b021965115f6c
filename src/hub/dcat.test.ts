import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import jsonld from 'jsonld';
import { Parser, type Quad, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import { CITY_TIME_ZONE } from '../http/app.ts';
import { fixedClock } from '../lib/clock.ts';
import { registerPlatformDatasets } from './catalogue.ts';
import { runImport } from './import-runner.ts';

const SHAPES = join(import.meta.dirname, '../../test/fixtures/dcat-ap/dcat-ap-2.1.1-core.shapes.ttl');
const DCAT = 'http://www.w3.org/ns/dcat#';

/** jsonld may not reach the network: the catalogue's context is inline, and any remote one is refused. */
const offline = async (url: string): Promise<never> => {
  throw new Error(`no network: refused to load ${url}`);
};

async function quadsOf(document: object): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(document as jsonld.JsonLdDocument, {
    format: 'application/n-quads',
    documentLoader: offline,
  })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

async function validate(document: object) {
  const shapes = new Parser({ format: 'text/turtle' }).parse(await readFile(SHAPES, 'utf8'));
  const validator = new SHACLValidator(new Store(shapes));
  const data = validator.factory.dataset(await quadsOf(document));
  const report = await validator.validate(data);
  return {
    conforms: report.conforms,
    problems: report.results.map(
      (r) => `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join('; ')}`,
    ),
    data,
  };
}

/**
 * Every public catalogue entry's DCAT JSON-LD conforms to the DCAT-AP 2.1.1 shapes (hand-written from the
 * specification: test/fixtures/dcat-ap), read offline by `jsonld` and checked by `rdf-validate-shacl`.
 */
forEachDatabase('DCAT-AP catalogue', (database) => {
  let app: FastifyInstance;
  let catalogue: Record<string, unknown> & { 'dcat:dataset': Record<string, unknown>[] };

  beforeAll(async () => {
    const handle = database();
    const { areas } = await loadSmallDemoCity(handle, 20);
    const clock = fixedClock(DEMO_NOW);
    await registerPlatformDatasets(handle.db, DEMO_NOW);
    const admin = await handle.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    await runImport(
      { db: handle.db, keyring: keyringOf(handle), locateArea: () => null, cityTimeZone: CITY_TIME_ZONE, clock },
      {
        path: join(import.meta.dirname, 'fixtures/facilities-gbk.csv'),
        target: {
          kind: 'reference',
          // No description and a licence that is not an SPDX id: the export still conforms.
          dataset: {
            slug: 'facilities',
            titleZh: '公共设施',
            titleEn: 'Public facilities',
            licence: '长沙市政府数据开放许可',
          },
          keyColumn: '编号',
        },
        userId: admin.id,
      },
    );
    let as: (username: string) => Promise<Record<string, string>>;
    ({ app, as } = await buildTestApp(handle, areas, clock));
    for (const slug of ['facilities', 'grid-areas', 'evaluations']) {
      const answer = await app.inject({
        method: 'PUT',
        url: `/api/v1/catalogue/datasets/${slug}/public`,
        headers: await as('steward'),
        payload: { public: true },
      });
      expect(answer.statusCode, answer.body).toBe(200);
    }
    const release = await app.inject({
      method: 'POST',
      url: '/api/v1/open-data/releases',
      headers: await as('steward'),
      payload: { title: '案件统计', areaLevel: 'district', from: '2026-01', to: '2026-11' },
    });
    expect(release.statusCode, release.body).toBe(201);
    const answer = await app.inject({ url: '/api/v1/public/catalogue.jsonld' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/ld\+json/);
    catalogue = answer.json();
  }, 180_000);

  it('should list every public dataset, and only those', () => {
    const identifiers = catalogue['dcat:dataset'].map((d) => d['dct:identifier']).sort();
    expect(identifiers).toEqual(['case-counts', 'evaluations', 'facilities', 'grid-areas']);
  });

  it('should conform to the DCAT-AP shapes, the catalogue and every entry in it', async () => {
    const { conforms, problems, data } = await validate(catalogue);
    expect(problems).toEqual([]);
    expect(conforms).toBe(true);
    // The shapes did see what they check: 4 datasets, with distributions.
    const typed = (type: string) =>
      [...data.match(null, null, null)].filter(
        (q) => q.predicate.value.endsWith('#type') && q.object.value === `${DCAT}${type}`,
      );
    expect(typed('Dataset')).toHaveLength(4);
    expect(typed('Distribution').length).toBeGreaterThanOrEqual(5);
    // Each entry alone, with the catalogue's context, conforms too.
    for (const entry of catalogue['dcat:dataset']) {
      const alone = await validate({ '@context': catalogue['@context'], ...entry });
      expect(alone.problems, String(entry['dct:identifier'])).toEqual([]);
    }
  });

  it('should write titles in Chinese and English, and dates as xsd:dateTime', async () => {
    const quads = await quadsOf(catalogue);
    const titles = quads.filter(
      (q) => q.predicate.value === 'http://purl.org/dc/terms/title' && q.subject.value.endsWith('#dataset-facilities'),
    );
    expect(titles.map((q) => [(q.object as { language: string }).language, q.object.value]).sort()).toEqual([
      ['en', 'Public facilities'],
      ['zh', '公共设施'],
    ]);
    const modified = quads.find(
      (q) =>
        q.predicate.value === 'http://purl.org/dc/terms/modified' && q.subject.value.endsWith('#dataset-facilities'),
    );
    expect((modified!.object as { datatype: { value: string } }).datatype.value).toBe(
      'http://www.w3.org/2001/XMLSchema#dateTime',
    );
  });

  it('should fail the shapes when a mandatory property is missing or a range is wrong (the check can fail)', async () => {
    const [first, ...rest] = catalogue['dcat:dataset'];
    const { 'dct:description': _dropped, ...withoutDescription } = first!;
    const broken = { ...catalogue, 'dcat:dataset': [withoutDescription, ...rest] };
    const missing = await validate(broken);
    expect(missing.conforms).toBe(false);
    expect(missing.problems.join('\n')).toMatch(/description/i);

    const sharing = catalogue['dcat:dataset'].filter((d) => (d['dcat:distribution'] as unknown[]).length > 0);
    const wrongRange = {
      ...catalogue,
      'dcat:dataset': sharing.map((d) => ({
        ...d,
        'dcat:distribution': (d['dcat:distribution'] as Record<string, unknown>[]).map((x) => ({
          ...x,
          'dcat:accessURL': 'not an IRI',
        })),
      })),
    };
    const notIri = await validate(wrongRange);
    expect(notIri.conforms).toBe(false);
    expect(notIri.problems.join('\n')).toMatch(/accessURL/);
    const { 'dct:publisher': _publisher, ...anonymous } = catalogue;
    expect((await validate(anonymous)).conforms).toBe(false);
  });

  it('should not fetch a remote context: a document naming one is refused offline', async () => {
    await expect(quadsOf({ '@context': 'https://www.w3.org/ns/dcat.jsonld', '@type': 'Dataset' })).rejects.toThrow();
  });
});
