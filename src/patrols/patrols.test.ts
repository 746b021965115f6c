/**
 * Patrol tracks and coverage (有效巡查): points placed on unit grid cells, a retried batch stored once,
 * nothing after the end, coverage for the worker and their supervisor only, and tracks gone after 30 days.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { deleteOldTracks } from './patrols.ts';

const minutesAfter = (minutes: number) => new Date(DEMO_NOW.getTime() + minutes * 60_000).toISOString();

forEachDatabase('patrols', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas));
  });

  const post = async (username: string, url: string, payload: object) =>
    app.inject({ method: 'POST', url: `/api/v1${url}`, headers: await as(username), payload });
  const coverage = async (username: string, of?: string) =>
    app.inject({ url: `/api/v1/patrols/coverage${of ? `?username=${of}` : ''}`, headers: await as(username) });

  it('records a track on the unit grid cells it passes, a batch sent twice once, and shows this week’s coverage', async () => {
    const before = (await coverage('gridworker')).json();
    expect(before.unitCells).toBeGreaterThan(100);
    expect(before.visited).toBe(0);

    const started = await post('gridworker', '/patrols', { startedAt: minutesAfter(-30) });
    expect(started.statusCode, started.body).toBe(201);
    const { id } = started.json();
    // Along 五一大道 in 芙蓉区, about 300 m: three or four 100 m cells.
    const points = [0, 1, 2, 3].map((i) => ({
      recordedAt: minutesAfter(-20 + i),
      longitude: 112.985 + i * 0.001,
      latitude: 28.195,
      accuracyM: 8,
    }));
    const batch = await post('gridworker', `/patrols/${id}/points`, { points });
    expect(batch.json()).toEqual({ stored: 4 });
    expect((await post('gridworker', `/patrols/${id}/points`, { points })).json()).toEqual({ stored: 0 });

    const after = (await coverage('gridworker')).json();
    expect(after.visited).toBeGreaterThanOrEqual(3);
    expect(after.share).toBeCloseTo(after.visited / after.unitCells, 10);
    expect(after.cells.slice(0, after.visited).every((c: { visited: boolean }) => c.visited)).toBe(true);
    // The supervisor sees it too; another grid worker and a citizen do not.
    expect((await coverage('supervisor', 'gridworker')).json().visited).toBe(after.visited);
    const team = (await app.inject({ url: '/api/v1/patrols/coverage/team', headers: await as('supervisor') })).json();
    expect(team.workers.find((w: { username: string }) => w.username === 'gridworker')).toMatchObject({
      visited: after.visited,
      unitCells: after.unitCells,
    });
    expect((await coverage('gridworker.430103', 'gridworker')).statusCode).toBe(404);
    expect((await coverage('citizen')).statusCode).toBe(403);

    // Only one's own patrol; nothing after its end; a start in the future is a wrong clock.
    expect((await post('gridworker.430103', `/patrols/${id}/points`, { points })).statusCode).toBe(404);
    expect((await post('gridworker', `/patrols/${id}/end`, { endedAt: minutesAfter(-10) })).statusCode).toBe(204);
    const late = [{ recordedAt: minutesAfter(-5), longitude: 112.99, latitude: 28.195 }];
    expect((await post('gridworker', `/patrols/${id}/points`, { points: late })).statusCode).toBe(409);
    expect((await post('gridworker', '/patrols', { startedAt: minutesAfter(60) })).statusCode).toBe(400);
    // No backfilling a week of coverage: points before the start, or an end before it, are refused.
    const early = [{ recordedAt: minutesAfter(-3 * 24 * 60), longitude: 112.99, latitude: 28.195 }];
    const other = (await post('gridworker', '/patrols', { startedAt: minutesAfter(-5) })).json().id;
    expect((await post('gridworker', `/patrols/${other}/points`, { points: early })).statusCode).toBe(400);
    expect((await post('gridworker', `/patrols/${other}/end`, { endedAt: minutesAfter(-60) })).statusCode).toBe(400);
  });

  it('forgets tracks after 30 days', async () => {
    const { db } = database();
    expect(await deleteOldTracks(db, new Date(DEMO_NOW.getTime() + 29 * 86_400_000))).toBe(0);
    expect(await deleteOldTracks(db, new Date(DEMO_NOW.getTime() + 31 * 86_400_000))).toBeGreaterThan(0);
    const { n } = await db
      .selectFrom('patrol_points')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });
});
