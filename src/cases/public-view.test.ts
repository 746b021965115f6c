import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

/** The public list and case page: what anyone, signed in or not, may read of published cases. */
forEachDatabase('the public view of cases', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 12);
    ({ app, as } = await buildTestApp(database(), areas));
  }, 120_000);

  const publicCase = (caseNumber: string) => app.inject({ url: `/api/v1/public/cases/${caseNumber}` });

  async function reportAsCitizen(title: string) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('citizen'),
      payload: { title, description: '夜里十二点还在吵', categoryCode: '010204', address: '芙蓉区五一大道' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().caseNumber as string;
  }

  it('should publish a consenting citizen’s case only once the desk has registered it, numbers masked however written', async () => {
    // The demo citizen consented to publication; the number is written to slip past simple patterns.
    const caseNumber = await reportAsCitizen('楼上住户王某电话138—1234—5678深夜噪音');
    const before = await publicCase(caseNumber);
    expect(before.statusCode).toBe(404);
    const registered = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'register' },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    const shown = await publicCase(caseNumber);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json().title).toBe('楼上住户王某电话138****5678深夜噪音');
    const list = await app.inject({ url: '/api/v1/public/cases?limit=100' });
    expect(list.body).toContain(caseNumber);
    for (const body of [shown.body, list.body]) expect(body.replace(/\D/g, '')).not.toContain('12345678');
  });

  it('should not tell, through the page cursor, that an unpublished case exists', async () => {
    const unpublished = await reportAsCitizen('未登记的反映');
    const afterUnpublished = await app.inject({ url: `/api/v1/public/cases?before=${unpublished}` });
    const afterUnknown = await app.inject({ url: '/api/v1/public/cases?before=2026-999999' });
    expect(afterUnpublished.statusCode).toBe(200);
    expect(afterUnpublished.json()).toEqual([]);
    expect(afterUnpublished.body).toBe(afterUnknown.body);
    // A published case still pages on.
    const page = (await app.inject({ url: '/api/v1/public/cases?limit=2' })).json() as Array<{ caseNumber: string }>;
    if (page.length === 2) {
      const next = (await app.inject({ url: `/api/v1/public/cases?before=${page[1]!.caseNumber}` })).json();
      expect(next.map((c: { caseNumber: string }) => c.caseNumber)).not.toContain(page[0]!.caseNumber);
    }
  });
});
