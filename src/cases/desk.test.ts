import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { listAudit } from '../audit/index.ts';

/** Cases made here carry this word, so each check sees only its own among the demo city's. */
const MARK = '桌面测试';
const UNKNOWN_BODY = '00000000-0000-4000-8000-000000000000';

forEachDatabase("the dispatcher's desk", (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let now = DEMO_NOW;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
  });

  const report = async (fields: Record<string, unknown>, minutesAgo = 0) => {
    const at = now;
    now = new Date(DEMO_NOW.getTime() - minutesAgo * 60_000);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('dispatcher'),
        payload: { description: '', categoryCode: '010204', channel: 'hotline', address: '芙蓉区五一大道', ...fields },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { caseNumber: string; version: number; suggestion: { source: string } };
    } finally {
      now = at;
    }
  };
  const desk = async (query: string, username = 'dispatcher') =>
    app.inject({ url: `/api/v1/cases/desk?q=${encodeURIComponent(MARK)}&${query}`, headers: await as(username) });
  const post = async (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...(await as('dispatcher')), ...headers }, payload });

  describe('the queue', () => {
    let old: string;
    let fresh: string;
    let urgent: string;
    let web: string;

    beforeAll(async () => {
      old = (await report({ title: `${MARK} 路灯不亮`, description: '灯'.repeat(300) }, 300)).caseNumber;
      urgent = (await report({ title: `${MARK} 燃气泄漏`, priority: 'urgent', description: '闻到燃气味' }, 60))
        .caseNumber;
      fresh = (await report({ title: `${MARK} 井盖缺失`, description: '五一大道井盖缺失' }, 5)).caseNumber;
      web = (await report({ title: `${MARK} 网上反映`, channel: 'web', categoryCode: '010203' }, 10)).caseNumber;
    });

    it('should list the new cases oldest first, each with its description, suggestion and actions', async () => {
      const response = await desk('');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual([old, urgent, web, fresh]);
      expect(body.total).toBe(4);
      expect(body.counts).toEqual({ new: 4, redispatch: 0 });
      const first = body.items[0];
      expect(first.description).toBe('灯'.repeat(240));
      expect(first.descriptionTruncated).toBe(true);
      expect(first.suggestion.source).toBe('category_default');
      expect(first.suggestion.bodyId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.allowedActions).toContain('register');
      expect(first.version).toBe(1);
      expect(body.items[3].descriptionTruncated).toBe(false);
    });

    it('should sort newest first or by priority', async () => {
      const order = async (sort: string) =>
        (await desk(`sort=${sort}`)).json().items.map((c: { caseNumber: string }) => c.caseNumber);
      expect(await order('newest')).toEqual([fresh, web, urgent, old]);
      expect(await order('priority')).toEqual([urgent, old, web, fresh]);
    });

    it('should filter by channel, category, area and age on the server', async () => {
      const numbers = async (query: string) =>
        (await desk(query)).json().items.map((c: { caseNumber: string }) => c.caseNumber);
      expect(await numbers('channel=web')).toEqual([web]);
      expect(await numbers('category=0102')).toEqual([old, urgent, web, fresh]);
      expect(await numbers('category=03')).toEqual([]);
      // Reported by address only, placed from the text in 芙蓉区 (430102).
      expect(await numbers('gridCode=430102')).toEqual([old, urgent, web, fresh]);
      expect(await numbers('gridCode=430111')).toEqual([]);
      expect(await numbers('minAgeMinutes=30')).toEqual([old, urgent]);
      expect(await numbers('maxAgeMinutes=30')).toEqual([web, fresh]);
      expect(await numbers('minAgeMinutes=30&maxAgeMinutes=120')).toEqual([urgent]);
      expect((await desk('channel=web')).json().counts).toEqual({ new: 1, redispatch: 0 });
    });

    it('should refuse bad filters with 400 and other roles with 403', async () => {
      expect((await desk('sort=random')).statusCode).toBe(400);
      expect((await desk('minAgeMinutes=-1')).statusCode).toBe(400);
      expect((await desk('view=closed')).statusCode).toBe(400);
      expect((await desk('', 'handler.urban-management')).statusCode).toBe(403);
      expect((await desk('', 'citizen')).statusCode).toBe(403);
    });
  });

  describe('register and dispatch in one step', () => {
    it('should register and dispatch to the suggestion, two events in the history', async () => {
      const created = await report({ title: `${MARK} 一步派遣` });
      const response = await post(`/cases/${created.caseNumber}/register-and-dispatch`, { version: created.version });
      expect(response.statusCode, response.body).toBe(200);
      const detail = response.json();
      expect(detail.status).toBe('dispatched');
      expect(detail.assignedBody.id).toBe(detail.suggestion.bodyId);
      expect(detail.events.map((e: { action: string }) => e.action)).toEqual(['report', 'register', 'dispatch']);
      expect(detail.events[2].overridden).toBe(false);
    });

    it('should do neither step when the dispatch cannot be made', async () => {
      const created = await report({ title: `${MARK} 无此单位` });
      const response = await post(`/cases/${created.caseNumber}/register-and-dispatch`, { bodyId: UNKNOWN_BODY });
      expect(response.statusCode).toBe(400);
      const after = await app.inject({ url: `/api/v1/cases/${created.caseNumber}`, headers: await as('dispatcher') });
      expect(after.json()).toMatchObject({ status: 'reported', version: 1 });
    });

    it('should refuse a stale version with 409 and change nothing', async () => {
      const created = await report({ title: `${MARK} 过期版本` });
      await post(`/cases/${created.caseNumber}/actions`, { action: 'register' });
      const response = await post(`/cases/${created.caseNumber}/register-and-dispatch`, { version: created.version });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('CASE_ERR_STALE');
    });

    it('should answer a retry with the same Idempotency-Key without acting twice', async () => {
      const created = await report({ title: `${MARK} 重试` });
      const key = { 'idempotency-key': `desk-${created.caseNumber}` };
      const first = await post(`/cases/${created.caseNumber}/register-and-dispatch`, {}, key);
      const again = await post(`/cases/${created.caseNumber}/register-and-dispatch`, {}, key);
      expect(first.statusCode).toBe(200);
      expect(again.statusCode).toBe(200);
      expect(again.json().events).toHaveLength(3);
    });
  });

  describe('batch actions', () => {
    it('should act on each case on its own and say what happened to each, audited under the case', async () => {
      const a = await report({ title: `${MARK} 批量一` });
      const b = await report({ title: `${MARK} 批量二` });
      const c = await report({ title: `${MARK} 批量三` });
      // Meanwhile someone registered b (the version the desk saw is stale) and cancelled c.
      await post(`/cases/${b.caseNumber}/actions`, { action: 'register' });
      await post(`/cases/${c.caseNumber}/actions`, { action: 'cancel', note: '重复来电' });
      const response = await post('/cases/batch-actions', {
        action: 'register_and_dispatch',
        cases: [a, b, c].map((x) => ({ caseNumber: x.caseNumber, version: x === c ? undefined : x.version })),
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().results).toEqual([
        { caseNumber: a.caseNumber, ok: true, status: 'dispatched' },
        { caseNumber: b.caseNumber, ok: false, error: { code: 'CASE_ERR_STALE', message: expect.any(String) } },
        {
          caseNumber: c.caseNumber,
          ok: false,
          error: { code: 'CASE_ERR_ILLEGAL_TRANSITION', message: expect.any(String) },
        },
      ]);
      for (const [x, ok] of [
        [a, true],
        [b, false],
        [c, false],
      ] as const) {
        const entries = await listAudit(database().db, { subjectType: 'case', subjectId: x.caseNumber, limit: 5 });
        expect(entries.map((e) => [e.action, e.details.step, e.details.ok])).toEqual([
          ['case.batch', 'register_and_dispatch', ok],
        ]);
      }
    });

    it('should cancel obvious spam with one note, and refuse a cancel without one', async () => {
      const spam = [await report({ title: `${MARK} 广告1` }), await report({ title: `${MARK} 广告2` })];
      const cases = spam.map((x) => ({ caseNumber: x.caseNumber }));
      const refused = await post('/cases/batch-actions', { action: 'cancel', cases });
      expect(refused.statusCode).toBe(400);
      const response = await post('/cases/batch-actions', { action: 'cancel', note: '骚扰信息', cases });
      expect(response.json().results.map((r: { status: string }) => r.status)).toEqual(['cancelled', 'cancelled']);
    });

    it('should refuse an empty or oversized batch and other roles', async () => {
      expect((await post('/cases/batch-actions', { action: 'register', cases: [] })).statusCode).toBe(400);
      const many = Array.from({ length: 51 }, (_, i) => ({ caseNumber: `2026-${String(900000 + i)}` }));
      expect((await post('/cases/batch-actions', { action: 'register', cases: many })).statusCode).toBe(400);
      const handler = await app.inject({
        method: 'POST',
        url: '/api/v1/cases/batch-actions',
        headers: await as('handler.urban-management'),
        payload: { action: 'register', cases: [{ caseNumber: '2026-000001' }] },
      });
      expect(handler.statusCode).toBe(403);
    });
  });

  describe("a caller's earlier cases", () => {
    const caller = '13912345678';
    let earlier: string[];

    beforeAll(async () => {
      earlier = [
        (await report({ title: `${MARK} 来电一`, reporter: { name: '王五', phone: caller } }, 120)).caseNumber,
        (await report({ title: `${MARK} 来电二`, reporter: { phone: '+86 139-1234-5678' } }, 60)).caseNumber,
      ];
      await report({ title: `${MARK} 别人`, reporter: { phone: '13800000000' } });
    });

    it('should find them by the number in any spelling, newest first, with the number masked', async () => {
      const response = await post('/cases/caller-history', { phone: '139 1234 5678' });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.phone).toBe('139****5678');
      expect(body.total).toBe(2);
      expect(body.items.map((c: { caseNumber: string }) => c.caseNumber)).toEqual([...earlier].reverse());
      expect(body.items[0]).toMatchObject({ status: 'reported', channel: 'hotline', title: `${MARK} 来电二` });
      expect(response.body).not.toContain(caller);
      expect(response.body).not.toContain('王五');
    });

    it("should record the look-up in each caller's access record and in the audit trail", async () => {
      const before = await database().db.selectFrom('personal_data_accesses').select('id').execute();
      await post('/cases/caller-history', { phone: caller });
      const accesses = await database()
        .db.selectFrom('personal_data_accesses')
        .select(['purpose', 'fields', 'person_id'])
        .where('id', 'not in', before.length ? before.map((r) => r.id) : [-1])
        .execute();
      expect(accesses).toHaveLength(2);
      expect(accesses.every((a) => a.purpose === 'caller_history' && a.fields.join() === 'caseHistory')).toBe(true);
      const [entry] = await listAudit(database().db, { action: 'personal_data.caller_history', limit: 1 });
      expect(entry).toMatchObject({ subjectType: 'phone', subjectId: '139****5678', purpose: 'caller_history' });
      expect(entry!.details.cases).toEqual([...earlier].reverse());
      expect(JSON.stringify(entry)).not.toContain(caller);
    });

    it('should answer an unknown number with nothing, still audited', async () => {
      const response = await post('/cases/caller-history', { phone: '13700000001' });
      expect(response.json()).toEqual({ phone: '137****0001', total: 0, items: [] });
      const [entry] = await listAudit(database().db, { action: 'personal_data.caller_history', limit: 1 });
      expect(entry!.subjectId).toBe('137****0001');
    });

    it('should refuse what is not a phone number with 400, and roles off the desk with 403', async () => {
      expect((await post('/cases/caller-history', { phone: 'abc' })).statusCode).toBe(400);
      expect((await post('/cases/caller-history', { phone: '12' })).statusCode).toBe(400);
      expect((await post('/cases/caller-history', {})).statusCode).toBe(400);
      const handler = await app.inject({
        method: 'POST',
        url: '/api/v1/cases/caller-history',
        headers: await as('handler.urban-management'),
        payload: { phone: caller },
      });
      expect(handler.statusCode).toBe(403);
    });
  });
});
