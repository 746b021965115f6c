import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** A browser's upload: the fields, then the file. */
async function form(fields: Record<string, string>, file: string, name = path.basename(file)) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  body.append('file', new Blob([fs.readFileSync(file)]), name);
  const request = new Request('http://localhost/', { method: 'POST', body });
  return {
    contentType: request.headers.get('content-type') as string,
    payload: Buffer.from(await request.arrayBuffer()),
  };
}

/** Importing from the console: upload, follow the import to its end, download its rejected rows. */
forEachDatabase('imports from the console', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const handle = database();
    const { areas } = await loadSmallDemoCity(handle, 0);
    ({ app, as } = await buildTestApp(handle, areas));
  }, 120_000);

  async function upload(fields: Record<string, string>, file: string, name?: string) {
    const { contentType, payload } = await form(fields, file, name);
    return app.inject({
      method: 'POST',
      url: '/api/v1/catalogue/imports',
      headers: { ...(await as('steward')), 'content-type': contentType },
      payload,
    });
  }

  async function finished(id: string) {
    for (let i = 0; i < 200; i++) {
      const state = (await app.inject({ url: `/api/v1/catalogue/imports/${id}`, headers: await as('steward') })).json();
      if (state.status !== 'running') return state;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the import did not end');
  }

  it('should import an uploaded export as historical cases, in the background, and keep its rejected rows', async () => {
    const started = await upload({ source: 'teddycup' }, path.join(FIXTURES, 'messages-x000d.csv'), '附件4.csv');
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ dataset: 'citizen-messages-history', fileName: '附件4.csv', format: 'csv' });
    const done = await finished(started.json().id);
    expect(done).toMatchObject({
      status: 'completed',
      rowsRead: 2,
      rowsImported: 2,
      rowsUnplaced: 2,
      unplacedByReason: { 'no point': 2 },
    });
    // The quality is measured once the rows are in.
    let detail = { quality: null as { rows: number } | null };
    for (let i = 0; i < 100 && !detail.quality; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const url = '/api/v1/catalogue/datasets/citizen-messages-history';
      detail = (await app.inject({ url, headers: await as('steward') })).json();
    }
    expect(detail.quality).toMatchObject({ rows: 2 });
  });

  it('should type reference data into its own table and list the rows it rejected', async () => {
    const started = await upload(
      { dataset: 'beds', title: '床位', key: '编号' },
      path.join(FIXTURES, 'facilities-gbk.csv'),
    );
    expect(started.statusCode, started.body).toBe(202);
    const done = await finished(started.json().id);
    expect(done).toMatchObject({ status: 'completed', encoding: 'gb18030', rowsImported: 4, rowsRejected: 0 });
    const csv = await app.inject({
      url: `/api/v1/catalogue/imports/${done.id}/rejected.csv`,
      headers: await as('steward'),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe('\uFEFFrow,column,reason,value\r\n');
  });

  it('should refuse a file it cannot read, or a form that names no target, with a clear reason', async () => {
    const readme = await upload({ source: 'nyc311' }, path.join(FIXTURES, 'README.md'));
    expect(readme.statusCode).toBe(400);
    expect(readme.json().error.message).toMatch(/not a format the importer reads/);
    const wrong = await upload({ source: 'nyc311' }, path.join(FIXTURES, 'facilities-gbk.csv'));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toMatch(/lacks the columns/);
    const neither = await upload({}, path.join(FIXTURES, 'facilities-gbk.csv'));
    expect(neither.statusCode).toBe(400);
    const unknown = await app.inject({
      url: '/api/v1/catalogue/imports/00000000-0000-4000-8000-000000000000',
      headers: await as('steward'),
    });
    expect(unknown.statusCode).toBe(404);
  });
});
