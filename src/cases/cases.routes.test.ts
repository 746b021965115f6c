import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { AreaLocator } from '../grid/index.ts';
import type { CaseSummary } from './cases.queries.ts';

/** A case summary as it arrives over HTTP: dates are ISO strings. */
type CaseSummaryJson = Omit<CaseSummary, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

forEachDatabase('cases API', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 30);
    ({ app, as } = await buildTestApp(database(), areas));
  });

  const act = async (username: string, caseNumber: string, body: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as(username),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  describe('the closed loop over HTTP', () => {
    it('should take a citizen report through every step to closure, recording each event', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('citizen'),
        payload: {
          title: '小区门口路灯不亮',
          description: '芙蓉区五一大道旁路灯连续三晚不亮',
          categoryCode: '010204',
          location: { longitude: 112.99, latitude: 28.195 },
        },
      });
      expect(created.statusCode).toBe(201);
      const caseNumber = created.json().caseNumber as string;
      expect(caseNumber).toMatch(/^2026-\d{6}$/);
      expect(created.headers.location).toBe(`/api/v1/cases/${caseNumber}`);
      expect(created.json()).toMatchObject({ status: 'reported', channel: 'web' });
      // On the demo's 100 m unit grids of 芙蓉区: a 15-digit code under 430102.
      expect(created.json().gridCode).toMatch(/^430102\d{9}$/);

      await act('dispatcher', caseNumber, { action: 'register' });
      const dispatched = await act('dispatcher', caseNumber, { action: 'dispatch' });
      expect(dispatched.assignedBody.code).toBe('urban-management');
      await act('handler.urban-management', caseNumber, { action: 'accept' });
      await act('handler.urban-management', caseNumber, { action: 'handle', note: '已更换灯泡' });
      await act('gridworker', caseNumber, { action: 'verify_fail', note: '仍有一盏不亮' });
      await act('handler.urban-management', caseNumber, { action: 'handle', note: '全部更换' });
      await act('gridworker', caseNumber, { action: 'verify_pass' });
      const closed = await act('supervisor', caseNumber, { action: 'close' });

      expect(closed.status).toBe('closed');
      expect(closed.reworkCount).toBe(1);
      expect(closed.closedAt).toBeTruthy();
      expect(closed.events.map((e: { action: string }) => e.action)).toEqual([
        'report',
        'register',
        'dispatch',
        'accept',
        'handle',
        'verify_fail',
        'handle',
        'verify_pass',
        'close',
      ]);
      expect(closed.events[0].actorName).toBeNull(); // the citizen is not named to staff

      const reporterView = await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('citizen') });
      expect(reporterView.json().allowedActions).toEqual(['reopen']);
      const reopened = await act('citizen', caseNumber, { action: 'reopen', note: '又坏了' });
      expect(reopened.status).toBe('reopened');
    });

    it('should take a point in GCJ-02 (as AMap gives it), store it in WGS-84 and place it', async () => {
      // The DataV centre of 芙蓉区, which DataV publishes in GCJ-02.
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('gridworker'),
        payload: {
          title: '井盖缺失',
          description: '',
          categoryCode: '010204',
          location: { longitude: 112.988094, latitude: 28.193106, crs: 'gcj02' },
        },
      });
      expect(response.statusCode).toBe(201);
      const { location, gridCode } = response.json();
      expect(gridCode).toMatch(/^430102\d{9}$/);
      // The national offset here is some hundreds of metres to the south-east.
      expect(location.longitude).toBeLessThan(112.988094 - 0.003);
      expect(location.latitude).toBeGreaterThan(28.193106 + 0.002);
    });

    it('should accept a point outside the city, flag it and leave it to the dispatcher', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('citizen'),
        payload: {
          title: '在北京看到的问题',
          description: '',
          categoryCode: '010204',
          location: { longitude: 116.4, latitude: 39.9 },
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ gridCode: null, outsideJurisdiction: true, status: 'reported' });
      const flagged = (
        await app.inject({ url: '/api/v1/cases?outsideJurisdiction=true', headers: await as('dispatcher') })
      ).json().items;
      expect(flagged.map((c: { caseNumber: string }) => c.caseNumber)).toContain(response.json().caseNumber);
      expect(flagged.every((c: { outsideJurisdiction: boolean }) => c.outsideJurisdiction)).toBe(true);
    });

    it('should offer each user exactly the actions the loop gives their role', async () => {
      const caseNumber = (
        await app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: await as('dispatcher'),
          payload: { title: '噪音扰民', description: '夜间施工', categoryCode: '140101', address: '岳麓区' },
        })
      ).json().caseNumber;
      const allowed = async (username: string) =>
        (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as(username) })).json().allowedActions;
      expect(await allowed('dispatcher')).toEqual(['register', 'cancel', 'relocate', 'merge', 'answer']);
      // A grid worker sees only cases in their grids: this one has an address but no point.
      expect(
        (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('gridworker') })).statusCode,
      ).toBe(404);
      await act('dispatcher', caseNumber, { action: 'register' });
      expect(await allowed('supervisor')).toEqual(['cancel', 'dispatch', 'suspend', 'relocate', 'merge', 'answer']);
    });
  });

  describe('wrong turns in the loop', () => {
    const hotlineCase = async (reporter?: { name?: string; phone?: string }) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: await as('dispatcher'),
          payload: {
            title: '来电：路面塌陷',
            description: '',
            categoryCode: '010204',
            location: { longitude: 112.99, latitude: 28.195 },
            reporter,
          },
        })
      ).json().caseNumber as string;

    it('should let a body return a case and still show it to that body afterwards', async () => {
      const caseNumber = await hotlineCase();
      await act('dispatcher', caseNumber, { action: 'register' });
      await act('dispatcher', caseNumber, { action: 'dispatch' });
      const returned = await act('handler.urban-management', caseNumber, { action: 'return', note: '应由区政府处理' });
      expect(returned.status).toBe('returned');
      expect(returned.assignedBody).toBeNull();
      expect(returned.allowedActions).toEqual([]);
      const list = (
        await app.inject({ url: '/api/v1/cases?limit=100', headers: await as('handler.urban-management') })
      ).json();
      expect(list.items.some((c: { caseNumber: string }) => c.caseNumber === caseNumber)).toBe(true);
      const other = await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('handler.ecology') });
      expect(other.statusCode).toBe(404);
    });

    it('should let the desk re-dispatch a case the body has not accepted yet', async () => {
      const caseNumber = await hotlineCase();
      await act('dispatcher', caseNumber, { action: 'register' });
      await act('dispatcher', caseNumber, { action: 'dispatch' });
      const ecology = (await app.inject({ url: '/api/v1/handling-bodies' }))
        .json()
        .find((b: { code: string }) => b.code === 'ecology');
      const redispatched = await act('supervisor', caseNumber, { action: 'dispatch', bodyId: ecology.id });
      expect(redispatched.assignedBody.code).toBe('ecology');
      await act('handler.ecology', caseNumber, { action: 'accept' });
    });

    it('should let the desk reopen a closed case for a caller on record, and nobody for an anonymous one', async () => {
      const close = async (caseNumber: string) => {
        await act('dispatcher', caseNumber, { action: 'register' });
        await act('dispatcher', caseNumber, { action: 'dispatch' });
        await act('handler.urban-management', caseNumber, { action: 'accept' });
        await act('handler.urban-management', caseNumber, { action: 'handle', note: '已修复' });
        await act('gridworker', caseNumber, { action: 'verify_pass' });
        await act('dispatcher', caseNumber, { action: 'close' });
      };
      const known = await hotlineCase({ phone: '13900000000' });
      await close(known);
      expect((await act('dispatcher', known, { action: 'reopen', note: '来电人反映又塌陷' })).status).toBe('reopened');
      const anonymous = await hotlineCase();
      await close(anonymous);
      const refused = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${anonymous}/actions`,
        headers: await as('dispatcher'),
        payload: { action: 'reopen', note: '?' },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.details.reason).toBe('not_reporter');
    });
  });

  describe('moving a case on the map', () => {
    it('should place a relocated case anew on the grid, keeping its status and recording where', async () => {
      const created = (
        await app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: await as('dispatcher'),
          payload: { title: '位置报错的案件', description: '', categoryCode: '010204', address: '不详' },
        })
      ).json();
      expect(created.gridCode).toBeNull();
      // The desk moves it: a grid worker sees only cases in their grids, and this one has no point yet.
      const moved = await act('dispatcher', created.caseNumber, {
        action: 'relocate',
        location: { longitude: 112.988094, latitude: 28.193106, crs: 'gcj02' },
        address: '芙蓉区人民政府附近',
      });
      expect(moved.status).toBe('reported');
      expect(moved.gridCode).toMatch(/^430102\d{9}$/);
      expect(moved.address).toBe('芙蓉区人民政府附近');
      expect(moved.events.at(-1)).toMatchObject({ action: 'relocate', fromStatus: 'reported', toStatus: 'reported' });
      const missing = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${created.caseNumber}/actions`,
        headers: await as('dispatcher'),
        payload: { action: 'relocate' },
      });
      expect(missing.json().error).toMatchObject({ code: 'CASE_ERR_MISSING_INPUT', details: { field: 'location' } });
    });
  });

  describe('the case list', () => {
    it('should page through every case once, newest first, with a cursor', async () => {
      const headers = await as('dispatcher');
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/cases?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await app.inject({ url, headers })).json();
        seen.push(...page.items.map((c: { caseNumber: string }) => c.caseNumber));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      const total = await database()
        .db.selectFrom('cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(seen.length).toBe(Number(total.n));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('should filter by status, category, channel, area, body, date and text', async () => {
      const headers = await as('dispatcher');
      const list = async (query: string) =>
        (await app.inject({ url: `/api/v1/cases?limit=100&${query}`, headers })).json().items as CaseSummaryJson[];
      const all = await list('');
      const closed = await list('status=closed');
      expect(closed.length).toBeGreaterThan(0);
      expect(closed.every((c) => c.status === 'closed')).toBe(true);
      const closedOrReported = await list('status=closed&status=reported');
      expect(closedOrReported.length).toBe(all.filter((c) => ['closed', 'reported'].includes(c.status)).length);
      expect((await list('category=01')).every((c) => c.category.code.startsWith('01'))).toBe(true);
      expect((await list('channel=import')).every((c) => c.channel === 'import')).toBe(true);
      const furong = await list('gridCode=430102');
      expect(furong.length).toBeGreaterThan(0);
      expect(furong.every((c) => c.gridCode?.startsWith('430102'))).toBe(true);
      const bodyId = all.find((c) => c.assignedBody)!.assignedBody!.id;
      const ofBody = await list(`bodyId=${bodyId}`);
      expect(ofBody.length).toBeGreaterThan(0);
      expect(ofBody.every((c) => c.assignedBody?.id === bodyId)).toBe(true);
      const word = all[0]!.title.slice(2, 6);
      expect((await list(`q=${encodeURIComponent(word)}`)).some((c) => c.caseNumber === all[0]!.caseNumber)).toBe(true);
      const middle = all[Math.floor(all.length / 2)]!.createdAt;
      const recent = await list(`from=${encodeURIComponent(middle)}`);
      expect(recent.every((c) => c.createdAt >= middle)).toBe(true);
      expect(recent.length).toBeLessThan(all.length);
    });

    it('should treat the end of a date range as exclusive and LIKE wildcards in text as plain characters', async () => {
      const headers = await as('dispatcher');
      const list = async (query: string) =>
        (await app.inject({ url: `/api/v1/cases?limit=100&${query}`, headers })).json().items as CaseSummaryJson[];
      const all = await list('');
      const pivot = all[Math.floor(all.length / 2)]!.createdAt;
      const before = await list(`to=${encodeURIComponent(pivot)}`);
      expect(before.every((c) => c.createdAt < pivot)).toBe(true);
      expect(before.length + (await list(`from=${encodeURIComponent(pivot)}`)).length).toBe(all.length);
      for (const wildcard of ['%', '_', '\\', '%_%']) {
        expect(await list(`q=${encodeURIComponent(wildcard)}`)).toEqual([]);
      }
    });

    it('should show a citizen only their own cases and a handler only their body’s', async () => {
      const mine = (await app.inject({ url: '/api/v1/cases?limit=100', headers: await as('citizen') })).json().items;
      const citizenId = (await app.inject({ url: '/api/v1/me', headers: await as('citizen') })).json().userId;
      const reportedBy = await database()
        .db.selectFrom('cases')
        .select('case_number')
        .where('reported_by_user_id', '=', citizenId)
        .execute();
      expect(mine.map((c: { caseNumber: string }) => c.caseNumber).sort()).toEqual(
        reportedBy.map((r) => r.case_number).sort(),
      );

      const handlerCases = (
        await app.inject({ url: '/api/v1/cases?limit=100', headers: await as('handler.urban-management') })
      ).json().items;
      // Exactly the cases dispatched to the body, now or before.
      const urban = await database()
        .db.selectFrom('handling_bodies')
        .select('id')
        .where('code', '=', 'urban-management')
        .executeTakeFirstOrThrow();
      const ofBody = await database()
        .db.selectFrom('cases')
        .select('case_number')
        .where((eb) =>
          eb.or([
            eb('assigned_body_id', '=', urban.id),
            eb(
              'id',
              'in',
              eb
                .selectFrom('case_events')
                .select('case_id')
                .where('action', '=', 'dispatch')
                .where(sql<string>`details->>'bodyId'`, '=', urban.id),
            ),
          ]),
        )
        .execute();
      expect(handlerCases.map((c: { caseNumber: string }) => c.caseNumber).sort()).toEqual(
        ofBody.map((r) => r.case_number).sort(),
      );
      expect(handlerCases.length).toBeGreaterThan(0);

      const someoneElses = await database()
        .db.selectFrom('cases')
        .select('case_number')
        .where('reported_by_user_id', '!=', citizenId)
        .executeTakeFirstOrThrow();
      const peek = await app.inject({ url: `/api/v1/cases/${someoneElses.case_number}`, headers: await as('citizen') });
      expect(peek.statusCode).toBe(404);
    });

    it('should never put the reporter’s personal data in a response', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('dispatcher'),
        payload: {
          title: '来电反映积水',
          description: '路面积水',
          categoryCode: '010204',
          address: '天心区',
          reporter: { name: '赵来电', phone: '13812345678' },
        },
      });
      expect(created.statusCode).toBe(201);
      const detail = await app.inject({
        url: `/api/v1/cases/${created.json().caseNumber}`,
        headers: await as('dispatcher'),
      });
      const list = await app.inject({ url: '/api/v1/cases?limit=100', headers: await as('dispatcher') });
      for (const body of [created.body, detail.body, list.body]) {
        expect(body).not.toContain('13812345678');
        expect(body).not.toContain('赵来电');
      }
      // Staff see the reporter only masked (until they unmask for a purpose); the list not at all.
      expect(list.body).not.toContain('reporter');
      expect(detail.json().reporter).toMatchObject({
        masked: true,
        identity: { name: '赵**', phone: '138****5678' },
        grant: null,
      });
    });
  });

  describe('what a citizen may ask for, and what the desk decides', () => {
    const report = async (payload: Record<string, unknown>, username = 'citizen2') =>
      app.inject({ method: 'POST', url: '/api/v1/cases', headers: await as(username), payload });

    it('should take a citizen’s priority as a request the desk confirms when registering', async () => {
      const created = await report({
        title: '小区路灯坏了',
        description: '晚上很黑',
        categoryCode: '010204',
        location: { longitude: 112.99, latitude: 28.195 },
        priority: 'urgent',
      });
      expect(created.statusCode, created.body).toBe(201);
      const caseNumber = created.json().caseNumber as string;
      const detail = (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('dispatcher') })).json();
      // No 30-minute wall-clock deadlines because a citizen said so: normal until the desk decides.
      expect(detail).toMatchObject({ priority: 'normal', requestedPriority: 'urgent' });
      const registered = await act('dispatcher', caseNumber, { action: 'register', priority: 'high' });
      expect(registered.priority).toBe('high');
      expect(registered.events.at(-1)).toMatchObject({ action: 'register' });
    });

    it('should let the desk survey only callers on record, never a citizen on their own web case', async () => {
      const created = await report({
        title: '人行道砖松动',
        description: '五一大道',
        categoryCode: '010204',
        location: { longitude: 112.99, latitude: 28.195 },
      });
      const caseNumber = created.json().caseNumber as string;
      for (const [username, step] of [
        ['dispatcher', { action: 'register' }],
        ['dispatcher', { action: 'dispatch' }],
        ['handler.urban-management', { action: 'accept' }],
        ['handler.urban-management', { action: 'handle', note: '已修复' }],
        ['gridworker', { action: 'verify_pass' }],
        ['dispatcher', { action: 'close' }],
      ] as const) {
        await act(username, caseNumber, step);
      }
      const byDesk = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/survey`,
        headers: await as('dispatcher'),
        payload: { satisfaction: 'satisfied', solved: true },
      });
      expect(byDesk.statusCode).toBe(403);
      expect(byDesk.json().error.code).toBe('CASE_ERR_FORBIDDEN');
      const byCitizen = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/survey`,
        headers: await as('citizen2'),
        payload: { satisfaction: 'satisfied', solved: true },
      });
      expect(byCitizen.statusCode, byCitizen.body).toBe(200);
    });

    it('should store a description that masking makes longer than the limit typed', async () => {
      const created = await report({
        title: '联系邮箱 a@b.cc',
        description: 'a@b.cc '.repeat(1428),
        categoryCode: '010204',
        address: '芙蓉区',
      });
      expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
      const detail = await app.inject({
        url: `/api/v1/cases/${created.json().caseNumber}`,
        headers: await as('dispatcher'),
      });
      expect(detail.json().description.length).toBeGreaterThan(10_000);
      expect(detail.json().description).not.toContain('a@b.cc');
    });
  });

  describe('the intake quota', () => {
    it('should refuse a citizen account its cases past the day’s quota, and say when to come back', async () => {
      const handle = database();
      const { app: limited, as: limitedAs } = await buildTestApp(handle, new AreaLocator(handle.db), undefined, {
        citizenCasesPerDay: 3,
      });
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++) {
          const response = await limited.inject({
            method: 'POST',
            url: '/api/v1/cases',
            headers: await limitedAs('citizen'),
            payload: { title: `第${i}次反映`, description: '同一处', categoryCode: '010204', address: '芙蓉区' },
          });
          statuses.push(response.statusCode);
          if (response.statusCode === 429) {
            expect(response.json().error.code).toBe('CASE_ERR_QUOTA');
            expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
          }
        }
        // The citizen already reported some demo cases "today"; whatever is left of the 3, then refusal.
        expect(statuses.at(-1)).toBe(429);
        expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
        // The desk is not limited: it takes the calls.
        const desk = await limited.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: await limitedAs('dispatcher'),
          payload: { title: '来电', description: '来电反映', categoryCode: '010204', address: '芙蓉区' },
        });
        expect(desk.statusCode).toBe(201);
      } finally {
        await limited.close();
      }
    });
  });
});
