import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { systemClock } from '../lib/clock.ts';

/** GET /cases/changes: the steps of cases, live, each to those who may see the case and nobody else. */
forEachDatabase('live case changes', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let base: string;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 6);
    ({ app, as } = await buildTestApp(database(), areas, systemClock));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(() => app?.close());

  /** Everything a user's stream says in `seconds`, while `meanwhile` runs. */
  async function heard(username: string, seconds: number, meanwhile: () => Promise<void>): Promise<string> {
    const response = await fetch(`${base}/api/v1/cases/changes?seconds=${seconds}`, { headers: await as(username) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = response.text();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await meanwhile();
    return body;
  }

  const report = async (username: string, title: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as(username),
      payload: { title, description: '实时', categoryCode: '010204', address: '芙蓉区五一大道' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().caseNumber as string;
  };

  it('should tell a citizen the steps of their own case and not those of anyone else’s', async () => {
    let own = '';
    let other = '';
    const citizenHeard = await heard('citizen', 2, async () => {
      own = await report('citizen', '自己的反映');
      other = await report('dispatcher', '别人的来电');
    });
    expect(citizenHeard).toContain(`"caseNumber":"${own}","action":"report","status":"reported"`);
    expect(citizenHeard).not.toContain(other);
  });

  it('should tell the desk every step in the city, in order', async () => {
    let caseNumber = '';
    const deskHeard = await heard('dispatcher', 2, async () => {
      caseNumber = await report('citizen', '按顺序');
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/actions`,
        headers: await as('supervisor'),
        payload: { action: 'register' },
      });
      expect(response.statusCode).toBe(200);
    });
    const steps = [...deskHeard.matchAll(/"caseNumber":"([^"]+)","action":"(\w+)"/g)]
      .filter((m) => m[1] === caseNumber)
      .map((m) => m[2]);
    expect(steps).toEqual(['report', 'register']);
  });

  it('should refuse a stream to nobody signed in, and end one when its seconds are up', async () => {
    expect((await fetch(`${base}/api/v1/cases/changes`)).status).toBe(401);
    const started = Date.now();
    const response = await fetch(`${base}/api/v1/cases/changes?seconds=0`, { headers: await as('dispatcher') });
    expect(await response.text()).toContain('event: ready');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should tell anyone the public steps of one published case, and nothing of an unpublished one', async () => {
    const caseNumber = await report('citizen', '公开跟踪');
    const act = (action: string, extra: object = {}) =>
      as('dispatcher').then((headers) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseNumber}/actions`,
          headers,
          payload: { action, ...extra },
        }),
      );
    // Not yet registered: not public, so there is no stream of it.
    expect((await fetch(`${base}/api/v1/public/cases/${caseNumber}/changes?seconds=0`)).status).toBe(404);
    await act('register');
    const other = await report('citizen', '另一件');
    const response = await fetch(`${base}/api/v1/public/cases/${caseNumber}/changes?seconds=2`);
    expect(response.status).toBe(200);
    const body = response.text();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await act('suspend', { note: '等待', reviewDate: '2027-01-01' });
    const told = await body;
    expect(told).toContain(`"caseNumber":"${caseNumber}","action":"suspend","status":"suspended"`);
    expect(told).not.toContain(other);
  });
});
