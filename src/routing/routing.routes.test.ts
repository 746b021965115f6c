import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { actorForUsername, createCategory } from '../organizations/index.ts';

const cityTime = (local: string) => new Date(`${local}:00+08:00`);

forEachDatabase('routing rules', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let now = cityTime('2026-11-18T10:00');
  const body: Record<string, string> = {};
  const category: Record<string, string> = {};

  beforeAll(async () => {
    const { db } = database();
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
    for (const b of await db.selectFrom('handling_bodies').select(['id', 'code']).execute()) body[b.code] = b.id;
    for (const name of ['小区管理', '噪音污染']) {
      category[name] = (
        await db.selectFrom('categories').select('code').where('name_zh', '=', name).executeTakeFirstOrThrow()
      ).code;
    }
  });

  const tester = async (query: string) => {
    const response = await app.inject({ url: `/api/v1/routing-rules/test?${query}`, headers: await as('dispatcher') });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const report = async (categoryCode: string, username = 'citizen') => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as(username),
      payload: { title: '测试诉求', description: '', categoryCode, location: { longitude: 112.99, latitude: 28.195 } },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  const act = async (username: string, caseNumber: string, payload: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as(username),
      payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  describe('which rule applies', () => {
    it('should apply the most specific rule, by area and time of day, else the category default', async () => {
      const estate = await tester(`category=${category.小区管理}&gridCode=430102000000001`);
      expect(estate).toMatchObject({
        source: 'rule',
        leadBodyId: body['community-wulipai-1'],
        assistingBodyIds: [body['property-demo']],
      });
      // The same kind of problem outside 芙蓉区: no rule, the taxonomy's default body.
      const elsewhere = await tester(`category=${category.小区管理}&gridCode=430104`);
      expect(elsewhere).toMatchObject({ source: 'category_default', rule: null, assistingBodyIds: [] });
      // Noise at 23:00 city time goes to the police; at 10:00 to the ecology bureau (the default).
      const night = await tester(`category=${category.噪音污染}&at=2026-11-18T15:00:00Z`);
      expect(night).toMatchObject({ source: 'rule', leadBodyId: body['public-security'], localTime: '23:00' });
      const day = await tester(`category=${category.噪音污染}&at=2026-11-18T02:00:00Z`);
      expect(day).toMatchObject({ source: 'category_default', leadBodyId: body.ecology, localTime: '10:00' });
    });

    it('should send a case with no rule and no default body to the dispatcher', async () => {
      const { db } = database();
      const admin = (await actorForUsername(db, 'admin'))!;
      for (const code of ['98', '9801', '980101']) {
        await createCategory(db, admin, { code, nameZh: `无主 ${code}`, nameEn: `Unowned ${code}` });
      }
      expect(await tester('category=980101&gridCode=430102')).toMatchObject({ source: 'none', leadBodyId: null });
      const created = await report('980101');
      expect(created.suggestion).toEqual({ bodyId: null, assistingBodyIds: [], ruleId: null, source: 'none' });
      await act('dispatcher', created.caseNumber, { action: 'register' });
      const refused = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${created.caseNumber}/actions`,
        headers: await as('dispatcher'),
        payload: { action: 'dispatch' },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('CASE_ERR_NO_HANDLING_BODY');
    });
  });

  describe('editing the rules', () => {
    it('should let supervisors add, change and remove rules, and refuse bad ones clearly', async () => {
      const rule = {
        categoryCode: category.小区管理,
        areaCode: '430102',
        window: { start: '18:00', end: '08:00' },
        leadBodyId: body['street-wulipai'],
        note: '夜间小区问题由街道值班',
      };
      const asDispatcher = await app.inject({
        method: 'POST',
        url: '/api/v1/routing-rules',
        headers: await as('dispatcher'),
        payload: rule,
      });
      expect(asDispatcher.statusCode).toBe(403);
      for (const [bad, code] of [
        [{ ...rule, leadBodyId: '00000000-0000-4000-8000-000000000000' }, 'BODY_ERR_UNKNOWN'],
        [{ ...rule, areaCode: '999999' }, 'GRID_ERR_UNKNOWN_AREA'],
        [{ ...rule, categoryCode: '9999' }, 'CATEGORY_ERR_UNKNOWN'],
        [{ ...rule, window: { start: '18:00', end: '18:00' } }, 'ROUTING_ERR_BAD_WINDOW'],
        [{ ...rule, window: { start: '25:00', end: '08:00' } }, 'REQUEST_ERR_VALIDATION'],
      ] as const) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/routing-rules',
          headers: await as('supervisor'),
          payload: bad,
        });
        expect(response.statusCode, JSON.stringify(bad)).toBe(400);
        expect(response.json().error.code).toBe(code);
      }
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/routing-rules',
        headers: await as('supervisor'),
        payload: rule,
      });
      expect(created.statusCode, created.body).toBe(201);
      const { id } = created.json();
      // 20:00 city time falls in the window: the new, more specific rule (it has a window) wins.
      expect(await tester(`category=${category.小区管理}&gridCode=430102&at=2026-11-18T12:00:00Z`)).toMatchObject({
        leadBodyId: body['street-wulipai'],
        rule: { id },
      });
      const changed = await app.inject({
        method: 'PUT',
        url: `/api/v1/routing-rules/${id}`,
        headers: await as('admin'),
        payload: { ...rule, leadBodyId: body['street-dingwangtai'] },
      });
      expect(changed.json()).toMatchObject({ id, leadBodyId: body['street-dingwangtai'] });
      const removed = await app.inject({
        method: 'DELETE',
        url: `/api/v1/routing-rules/${id}`,
        headers: await as('supervisor'),
      });
      expect(removed.statusCode).toBe(204);
      const again = await app.inject({
        method: 'DELETE',
        url: `/api/v1/routing-rules/${id}`,
        headers: await as('supervisor'),
      });
      expect(again.statusCode).toBe(404);
    });
  });

  describe('the suggestion at work', () => {
    it('should offer the rule to the dispatcher, dispatch to it by default and bring in the assisting body', async () => {
      const created = await report(category.小区管理!);
      expect(created.suggestion).toMatchObject({
        bodyId: body['community-wulipai-1'],
        assistingBodyIds: [body['property-demo']],
      });
      expect(created.suggestion.ruleId).not.toBeNull();
      await act('dispatcher', created.caseNumber, { action: 'register' });
      const dispatched = await act('dispatcher', created.caseNumber, { action: 'dispatch' });
      expect(dispatched.assignedBody.id).toBe(body['community-wulipai-1']);
      expect(dispatched.assistingBodyIds).toEqual([body['property-demo']]);
      // The assisting property company sees the case; an unrelated body does not.
      const asProperty = await app.inject({
        url: `/api/v1/cases/${created.caseNumber}`,
        headers: await as('handler.property-demo'),
      });
      expect(asProperty.statusCode).toBe(200);
      const asWater = await app.inject({
        url: `/api/v1/cases/${created.caseNumber}`,
        headers: await as('handler.water-utility'),
      });
      expect(asWater.statusCode).toBe(404);
      const { db } = database();
      const dispatch = await db
        .selectFrom('case_dispatches')
        .innerJoin('cases', 'cases.id', 'case_dispatches.case_id')
        .select(['case_dispatches.overridden', 'case_dispatches.suggested_body_id'])
        .where('cases.case_number', '=', created.caseNumber)
        .executeTakeFirstOrThrow();
      expect(dispatch).toEqual({ overridden: false, suggested_body_id: body['community-wulipai-1'] });
    });

    it('should record and count a dispatch elsewhere as an override', async () => {
      const created = await report(category.小区管理!);
      await act('dispatcher', created.caseNumber, { action: 'register' });
      const dispatched = await act('dispatcher', created.caseNumber, { action: 'dispatch', bodyId: body.housing });
      expect(dispatched.assistingBodyIds).toEqual([]);
      const event = dispatched.events.at(-1);
      expect(event).toMatchObject({ action: 'dispatch', bodyId: body.housing });
      const { rows } = (
        await app.inject({ url: '/api/v1/evaluation/dispatchers?month=2026-11', headers: await as('supervisor') })
      ).json();
      expect(rows).toEqual([expect.objectContaining({ dispatches: 2, overrides: 1 })]);
      // (The unowned case above was never dispatched.)
    });

    it('should route by the time the case was reported: noise at night to the police', async () => {
      now = cityTime('2026-11-18T23:10');
      const created = await report(category.噪音污染!);
      expect(created.suggestion.bodyId).toBe(body['public-security']);
      now = cityTime('2026-11-19T10:00');
      const daytime = await report(category.噪音污染!);
      expect(daytime.suggestion.bodyId).toBe(body.ecology);
    });
  });
});
