import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { runSubscriptionSweep } from './subscriptions.ts';

/** Following a case or an area: the public steps reach the resident once, through the outbox. */
forEachDatabase('subscriptions', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let handle: DatabaseHandle;
  const point = { longitude: 112.9901, latitude: 28.1951 };

  beforeAll(async () => {
    handle = database();
    const { areas } = await loadSmallDemoCity(handle, 8);
    ({ app, as } = await buildTestApp(handle, areas));
    // citizen2 agrees to be contacted: the outbox writes to no one else.
    const consent = await app.inject({
      method: 'PUT',
      url: '/api/v1/me/consents',
      headers: await as('citizen2'),
      payload: { contact: true },
    });
    expect(consent.statusCode, consent.body).toBe(200);
  }, 120_000);

  async function call(user: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
    return app.inject({ method, url: `/api/v1${url}`, headers: await as(user), payload });
  }

  async function publishedCase(title: string) {
    const created = await call('citizen', 'POST', '/cases', {
      title,
      description: title,
      categoryCode: '010204',
      location: point,
    });
    const caseNumber = created.json().caseNumber as string;
    await call('dispatcher', 'POST', `/cases/${caseNumber}/actions`, { action: 'register' });
    return caseNumber;
  }

  const messagesTo = async (user: string, template: string) =>
    handle.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.person_id', 'notifications.person_id')
      .select(['notifications.params'])
      .where('users.username', '=', user)
      .where('notifications.template', '=', template)
      .execute();

  describe('following a case', () => {
    it('should tell a follower of new public steps once, even with two sweeps at the same moment', async () => {
      const caseNumber = await publishedCase('人行道护栏倒了');
      const followed = await call('citizen2', 'POST', '/me/subscriptions', { caseNumber });
      expect(followed.statusCode, followed.body).toBe(201);
      // Following twice is following once.
      expect((await call('citizen2', 'POST', '/me/subscriptions', { caseNumber })).json().id).toBe(followed.json().id);
      const before = (await messagesTo('citizen2', 'followed_case_steps')).length;
      await call('dispatcher', 'POST', `/cases/${caseNumber}/actions`, {
        action: 'suspend',
        note: '等待材料',
        reviewDate: '2027-01-01',
      });
      const later = new Date(DEMO_NOW.getTime() + 60_000);
      await Promise.all([runSubscriptionSweep(handle.db, later), runSubscriptionSweep(handle.db, later)]);
      const after = await messagesTo('citizen2', 'followed_case_steps');
      expect(after.length - before).toBe(1);
      // The test's clock stands still, so the steps of the moment it was followed are told too.
      expect(after.at(-1)!.params).toMatchObject({ caseNumber, stepsZh: expect.stringMatching(/暂缓办理$/) });
      // Nothing new: nothing more is sent.
      await runSubscriptionSweep(handle.db, new Date(DEMO_NOW.getTime() + 120_000));
      expect((await messagesTo('citizen2', 'followed_case_steps')).length).toBe(after.length);
    });

    it('should list, and stop following; a resident cannot follow an unpublished case of someone else', async () => {
      const mine = await call('citizen2', 'GET', '/me/subscriptions');
      expect(mine.statusCode).toBe(200);
      const id = mine.json()[0].id as string;
      expect((await call('citizen', 'DELETE', `/me/subscriptions/${id}`)).statusCode).toBe(404);
      expect((await call('citizen2', 'DELETE', `/me/subscriptions/${id}`)).statusCode).toBe(204);
      expect(
        (await call('citizen2', 'GET', '/me/subscriptions')).json().map((s: { id: string }) => s.id),
      ).not.toContain(id);
      const created = await call('citizen', 'POST', '/cases', {
        title: '未立案',
        description: '未立案',
        categoryCode: '010204',
        location: point,
      });
      const unpublished = created.json().caseNumber as string;
      expect((await call('citizen2', 'POST', '/me/subscriptions', { caseNumber: unpublished })).statusCode).toBe(404);
      expect((await call('citizen', 'POST', '/me/subscriptions', { caseNumber: unpublished })).statusCode).toBe(201);
      expect((await call('citizen2', 'POST', '/me/subscriptions', {})).statusCode).toBe(400);
      expect((await call('dispatcher', 'GET', '/me/subscriptions')).statusCode).toBe(403);
    });
  });

  describe('following an area', () => {
    it('should send one digest an hour of the public steps in the area and category', async () => {
      const area = await call('citizen2', 'POST', '/me/subscriptions', { areaCode: '430102', categoryCode: '01' });
      expect(area.statusCode, area.body).toBe(201);
      await publishedCase('公交站牌破损');
      await publishedCase('路灯不亮');
      const before = (await messagesTo('citizen2', 'followed_area_digest')).length;
      // Within the hour: not yet.
      await runSubscriptionSweep(handle.db, new Date(DEMO_NOW.getTime() + 60_000));
      expect((await messagesTo('citizen2', 'followed_area_digest')).length).toBe(before);
      await runSubscriptionSweep(handle.db, new Date(DEMO_NOW.getTime() + 3_700_000));
      const digests = await messagesTo('citizen2', 'followed_area_digest');
      expect(digests.length - before).toBe(1);
      expect(Number(digests.at(-1)!.params.count)).toBeGreaterThanOrEqual(4);
      expect(digests.at(-1)!.params).toMatchObject({
        areaZh: '芙蓉区 / 城乡建设',
        areaEn: expect.stringContaining(' / '),
      });
    });
  });
});
