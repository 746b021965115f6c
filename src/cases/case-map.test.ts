/** The cases on the map carry whether they are overdue, as the lists' red light says. */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

forEachDatabase('case map', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 80);
    ({ app, as } = await buildTestApp(database(), areas));
  });

  it('should mark as overdue exactly the located cases whose running deadline has passed', async () => {
    const headers = await as('dispatcher');
    const map = (await app.inject({ url: '/api/v1/cases/map', headers })).json() as {
      features: Array<{ properties: { caseNumber: string; overdue: boolean } }>;
    };
    const red = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = (
        await app.inject({ url: `/api/v1/cases?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers })
      ).json() as {
        items: Array<{ caseNumber: string; deadline: { light: string } | null }>;
        nextCursor: string | null;
      };
      for (const c of page.items) if (c.deadline?.light === 'red') red.add(c.caseNumber);
      cursor = page.nextCursor;
    } while (cursor);
    const overdue = map.features.filter((f) => f.properties.overdue).map((f) => f.properties.caseNumber);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(map.features.length);
    const located = new Set(map.features.map((f) => f.properties.caseNumber));
    expect(overdue.sort()).toEqual([...red].filter((n) => located.has(n)).sort());
  });
});
