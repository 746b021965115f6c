import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import { listAudit } from '../audit/index.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { CITY_TIME_ZONE } from '../http/app.ts';
import { registerPlatformDatasets, runImport } from '../hub/index.ts';
import { fixedClock } from '../lib/clock.ts';

const DAY = 86_400_000;
const at = (days: number) => new Date(DEMO_NOW.getTime() + days * DAY);

const REQUESTER = 'handler.ecology';
const OWNER = 'handler.urban-management';
const OTHER = 'handler.housing';
const GRANTED = ['address', 'case_number', 'status'];
const PURPOSE = '核查餐饮油烟扰民投诉的分布，安排执法检查';

/**
 * Sharing between departments, end to end through the API: the Ecology and Environment Bureau asks the
 * Urban Management Bureau for its cases; the owner approves fewer fields for a shorter period; the
 * grant reads only those fields, each read audited with its purpose and shown to the residents whose
 * cases it returned; once the period is over the grant is refused; a second request is refused with a
 * reason and gives no access.
 */
forEachDatabase('sharing between departments', (database) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  // The clock the app reads: moved forward to let a grant expire.
  let now = DEMO_NOW;
  let caseCount = 0;

  beforeAll(async () => {
    handle = database();
    const { areas } = await loadSmallDemoCity(handle, 12);
    await registerPlatformDatasets(handle.db, DEMO_NOW);
    caseCount = Number(
      (
        await handle.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    ({ app, as } = await buildTestApp(handle, areas, { now: () => new Date(now) }));
  }, 120_000);

  const call = async (method: 'GET' | 'POST', url: string, username: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: await as(username), ...(payload ? { payload } : {}) });

  const ask = (username: string, body: Partial<Record<string, unknown>> = {}) =>
    call('POST', '/sharing/requests', username, {
      dataset: 'cases',
      fields: ['case_number', 'category_id', 'status', 'address', 'created_at'],
      purpose: PURPOSE,
      legalBasis: 'statutory_duty',
      from: DEMO_NOW.toISOString(),
      to: at(30).toISOString(),
      ...body,
    });

  describe('request → approval (narrowed) → access → expiry → refusal', () => {
    let requestId: string;
    let grantId: string;

    it('should take a request for another body’s dataset, waiting for the owner’s decision', async () => {
      const answer = await ask(REQUESTER);
      expect(answer.statusCode, answer.body).toBe(201);
      const request = answer.json();
      requestId = request.id;
      expect(request).toMatchObject({
        dataset: { slug: 'cases' },
        requestingBody: { code: 'ecology' },
        ownerBody: { code: 'urban-management' },
        purpose: PURPOSE,
        legalBasis: 'statutory_duty',
        status: 'pending',
        state: 'pending',
        grant: null,
      });
      expect(request.fields.sort()).toEqual(['address', 'case_number', 'category_id', 'created_at', 'status']);
      const waiting = (await call('GET', '/sharing/requests?side=to_decide', OWNER)).json().items;
      expect(waiting.map((r: { id: string }) => r.id)).toContain(requestId);
      const mine = (await call('GET', '/sharing/requests?side=requested', REQUESTER)).json().items;
      expect(mine.map((r: { id: string }) => r.id)).toEqual([requestId]);
    });

    it('should not let the requesting body decide its own request, nor a third body see it', async () => {
      const own = await call('POST', `/sharing/requests/${requestId}/approve`, REQUESTER, {});
      expect(own.statusCode).toBe(403);
      expect(own.json().error.code).toBe('SHARING_ERR_NOT_OWNER');
      const third = await call('GET', `/sharing/requests/${requestId}`, OTHER);
      expect(third.statusCode).toBe(404);
      const thirdDecides = await call('POST', `/sharing/requests/${requestId}/refuse`, OTHER, { reason: 'x' });
      expect(thirdDecides.statusCode).toBe(404);
    });

    it('should refuse an approval wider than what was asked', async () => {
      const wider = await call('POST', `/sharing/requests/${requestId}/approve`, OWNER, {
        fields: ['case_number', 'description'],
      });
      expect(wider.statusCode).toBe(400);
      expect(wider.json().error.code).toBe('SHARING_ERR_WIDER_THAN_ASKED');
      const longer = await call('POST', `/sharing/requests/${requestId}/approve`, OWNER, { to: at(60).toISOString() });
      expect(longer.statusCode).toBe(400);
    });

    it('should approve fewer fields for a shorter period, as a grant, audited', async () => {
      const answer = await call('POST', `/sharing/requests/${requestId}/approve`, OWNER, {
        fields: ['case_number', 'status', 'address'],
        to: at(7).toISOString(),
      });
      expect(answer.statusCode, answer.body).toBe(200);
      const request = answer.json();
      expect(request).toMatchObject({ status: 'approved', state: 'active' });
      expect(request.grant.fields.sort()).toEqual(GRANTED);
      expect(request.grant).toMatchObject({
        validFrom: DEMO_NOW.toISOString(),
        validUntil: at(7).toISOString(),
        endKind: null,
      });
      grantId = request.grant.id;
      const [entry] = await listAudit(handle.db, { action: 'sharing.approve', limit: 1 });
      expect(entry).toMatchObject({ subjectType: 'share_request', subjectId: requestId });
      expect(entry!.details).toMatchObject({ grantId, narrowed: true });
      expect((entry!.details.fields as string[]).sort()).toEqual(GRANTED);
      const again = await call('POST', `/sharing/requests/${requestId}/approve`, OWNER, {});
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('SHARING_ERR_DECIDED');
    });

    it('should give the granted fields only, a page at a time, each read audited with the grant’s purpose', async () => {
      const first = await call('GET', `/sharing/grants/${grantId}/rows?limit=5`, REQUESTER);
      expect(first.statusCode, first.body).toBe(200);
      const page = first.json();
      expect(page).toMatchObject({ total: caseCount, limit: 5, offset: 0 });
      expect(page.fields.sort()).toEqual(GRANTED);
      expect(page.rows).toHaveLength(5);
      for (const row of page.rows) expect(Object.keys(row).sort()).toEqual(GRANTED);
      const rest = (await call('GET', `/sharing/grants/${grantId}/rows?limit=1000&offset=5`, REQUESTER)).json();
      expect(rest.rows).toHaveLength(caseCount - 5);
      const numbers = [...page.rows, ...rest.rows].map((r: { case_number: string }) => r.case_number);
      expect(new Set(numbers).size).toBe(caseCount);

      const entries = await listAudit(handle.db, { action: 'sharing.access', limit: 10 });
      expect(entries).toHaveLength(2);
      expect(entries[1]).toMatchObject({ subjectType: 'share_grant', subjectId: grantId, purpose: PURPOSE });
      expect((entries[1]!.details.fields as string[]).sort()).toEqual(GRANTED);
      expect(entries[1]!.details).toMatchObject({
        requestId,
        dataset: 'cases',
        legalBasis: 'statutory_duty',
        rows: 5,
      });
    });

    it('should show the read in the “who saw my data” record of each resident whose case it returned', async () => {
      const reported = await handle.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('reporter_person_id', 'is not', null)
        .executeTakeFirstOrThrow();
      const recorded = await handle.db
        .selectFrom('personal_data_accesses')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('purpose', '=', 'data_sharing')
        .executeTakeFirstOrThrow();
      // Every case a resident reported was returned once (two pages), so recorded once.
      expect(Number(reported.n)).toBeGreaterThan(0);
      expect(Number(recorded.n)).toBe(Number(reported.n));

      const answer = await call('GET', '/me/data-accesses', 'citizen');
      expect(answer.statusCode, answer.body).toBe(200);
      const shared = answer.json().filter((a: { purpose: string }) => a.purpose === 'data_sharing');
      expect(shared.length).toBeGreaterThan(0);
      expect(shared[0]).toMatchObject({
        accessor: { role: 'handler', bodyNameZh: '长沙市生态环境局', bodyNameEn: 'Ecology and Environment Bureau' },
        purpose: 'data_sharing',
        reason: PURPOSE,
      });
      expect(shared[0].fields.sort()).toEqual(GRANTED);
      expect(shared[0].caseNumber).toMatch(/\d/);
      // The purpose reads in words on the citizen's page.
      const purposes = (await app.inject({ url: '/api/v1/privacy/purposes' })).json();
      expect(purposes.find((p: { purpose: string }) => p.purpose === 'data_sharing')).toMatchObject({
        zh: '部门间数据共享',
        unmasks: false,
      });
    });

    it('should let no other body read through the grant, the owner included', async () => {
      const owner = await call('GET', `/sharing/grants/${grantId}/rows`, OWNER);
      expect(owner.statusCode).toBe(403);
      expect(owner.json().error.code).toBe('SHARING_ERR_NOT_HOLDER');
      const third = await call('GET', `/sharing/grants/${grantId}/rows`, OTHER);
      expect(third.statusCode).toBe(404);
      expect(third.json().error.code).toBe('SHARING_ERR_NOT_FOUND');
    });

    it('should refuse personal columns to a holder whose clearance does not cover them', async () => {
      const lower = (clearance: 'general' | 'important') =>
        handle.db.updateTable('users').set({ clearance }).where('username', '=', REQUESTER).execute();
      await lower('general');
      try {
        const answer = await call('GET', `/sharing/grants/${grantId}/rows`, REQUESTER);
        expect(answer.statusCode).toBe(403);
        expect(answer.json().error).toMatchObject({ code: 'DATA_ERR_CLEARANCE', details: { columns: ['address'] } });
      } finally {
        await lower('important');
      }
    });

    it('should refuse access once the period is over, with a clear code, and list the grant as expired', async () => {
      now = at(7);
      try {
        const answer = await call('GET', `/sharing/grants/${grantId}/rows`, REQUESTER);
        expect(answer.statusCode).toBe(410);
        expect(answer.json().error).toMatchObject({
          code: 'SHARING_ERR_GRANT_EXPIRED',
          details: { validUntil: at(7).toISOString() },
        });
        const listed = (await call('GET', '/sharing/requests?side=requested', REQUESTER)).json().items;
        expect(listed.find((r: { id: string }) => r.id === requestId).state).toBe('expired');
      } finally {
        now = DEMO_NOW;
      }
    });

    it('should refuse a second request with a reason, giving no access', async () => {
      const second = (
        await ask(REQUESTER, { fields: ['description', 'address'], legalBasis: 'public_interest' })
      ).json();
      const refused = await call('POST', `/sharing/requests/${second.id}/refuse`, OWNER, {
        reason: '案件描述含有反映人自述的个人情况，超出核查所需',
      });
      expect(refused.statusCode, refused.body).toBe(200);
      expect(refused.json()).toMatchObject({
        status: 'refused',
        state: 'refused',
        refusalReason: '案件描述含有反映人自述的个人情况，超出核查所需',
        grant: null,
      });
      const grants = await handle.db
        .selectFrom('share_grants')
        .select('id')
        .where('request_id', '=', second.id)
        .execute();
      expect(grants).toEqual([]);
      const late = await call('POST', `/sharing/requests/${second.id}/approve`, OWNER, {});
      expect(late.statusCode).toBe(409);
      const [entry] = await listAudit(handle.db, { action: 'sharing.refuse', limit: 1 });
      expect(entry).toMatchObject({ subjectId: second.id });
    });
  });

  describe('what a body may not ask', () => {
    it('should refuse a request for the body’s own dataset', async () => {
      const answer = await ask(OWNER);
      expect(answer.statusCode).toBe(409);
      expect(answer.json().error.code).toBe('SHARING_ERR_OWN_DATASET');
    });

    it('should refuse fields the dataset does not have, naming them', async () => {
      const answer = await ask(REQUESTER, { fields: ['status', 'reporter_phone', 'password_hash'] });
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error).toMatchObject({
        code: 'SHARING_ERR_UNKNOWN_FIELDS',
        details: { fields: ['reporter_phone', 'password_hash'] },
      });
    });

    it('should refuse an unknown dataset, a period that has ended, and staff who work for no body', async () => {
      expect((await ask(REQUESTER, { dataset: 'no-such-data' })).json().error.code).toBe('SHARING_ERR_UNKNOWN_DATASET');
      const ended = await ask(REQUESTER, { from: at(-30).toISOString(), to: at(-1).toISOString() });
      expect(ended.statusCode).toBe(400);
      expect(ended.json().error.code).toBe('SHARING_ERR_BAD_PERIOD');
      expect((await ask('supervisor')).statusCode).toBe(403);
    });
  });

  describe('withdrawal, revocation and oversight', () => {
    it('should let the requester withdraw a pending request, and give a grant back', async () => {
      const pending = (await ask(REQUESTER)).json();
      const withdrawn = await call('POST', `/sharing/requests/${pending.id}/withdraw`, REQUESTER);
      expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', state: 'withdrawn' });
      expect((await call('POST', `/sharing/requests/${pending.id}/approve`, OWNER, {})).statusCode).toBe(409);

      const granted = (await ask(REQUESTER)).json();
      const grant = (await call('POST', `/sharing/requests/${granted.id}/approve`, OWNER, {})).json().grant;
      expect((await call('POST', `/sharing/requests/${granted.id}/withdraw`, OWNER)).statusCode).toBe(403);
      const givenBack = await call('POST', `/sharing/requests/${granted.id}/withdraw`, REQUESTER);
      expect(givenBack.json()).toMatchObject({ state: 'withdrawn', grant: { endKind: 'withdrawn' } });
      const read = await call('GET', `/sharing/grants/${grant.id}/rows`, REQUESTER);
      expect(read.statusCode).toBe(410);
      expect(read.json().error.code).toBe('SHARING_ERR_GRANT_ENDED');
    });

    it('should let the owner revoke a grant with a reason, and the data steward decide for any dataset', async () => {
      const request = (await ask(REQUESTER, { fields: ['status', 'grid_code'] })).json();
      const approved = await call('POST', `/sharing/requests/${request.id}/approve`, 'steward', {});
      expect(approved.statusCode, approved.body).toBe(200);
      const grantId = approved.json().grant.id;
      expect((await call('GET', `/sharing/grants/${grantId}/rows`, REQUESTER)).statusCode).toBe(200);
      expect((await call('POST', `/sharing/grants/${grantId}/revoke`, REQUESTER, { reason: 'x' })).statusCode).toBe(
        403,
      );
      const revoked = await call('POST', `/sharing/grants/${grantId}/revoke`, OWNER, { reason: '执法检查已结束' });
      expect(revoked.json()).toMatchObject({
        state: 'revoked',
        grant: { endKind: 'revoked', endReason: '执法检查已结束' },
      });
      expect((await call('GET', `/sharing/grants/${grantId}/rows`, REQUESTER)).statusCode).toBe(410);
      expect((await call('POST', `/sharing/grants/${grantId}/revoke`, OWNER, { reason: 'again' })).statusCode).toBe(
        410,
      );
    });

    it('should show the data steward and the auditor every request, and the two bodies only their own', async () => {
      const all = (await call('GET', '/sharing/requests', 'auditor')).json().items;
      const steward = (await call('GET', '/sharing/requests?side=to_decide', 'steward')).json().items;
      expect(steward.length).toBe(all.length);
      expect((await call('GET', '/sharing/requests', OTHER)).json().items).toEqual([]);
      const legal = (await call('GET', '/sharing/legal-bases', REQUESTER)).json();
      expect(legal.map((b: { zh: string }) => b.zh)).toEqual([
        '法律法规规定',
        '履行法定职责',
        '公共利益',
        '当事人同意',
      ]);
    });
  });

  describe('a reference dataset', () => {
    it('should give the granted columns of its datastore table, and record no resident (none is linked)', async () => {
      const admin = await handle.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      await runImport(
        {
          db: handle.db,
          keyring: keyringOf(handle),
          locateArea: () => null,
          cityTimeZone: CITY_TIME_ZONE,
          clock: fixedClock(DEMO_NOW),
        },
        {
          path: join(import.meta.dirname, '../hub/fixtures/facilities-gbk.csv'),
          target: {
            kind: 'reference',
            dataset: { slug: 'facilities', titleZh: '公共设施', titleEn: 'Public facilities' },
            keyColumn: '编号',
          },
          userId: admin.id,
        },
      );
      const housing = await handle.db
        .selectFrom('handling_bodies')
        .select('id')
        .where('code', '=', 'housing')
        .executeTakeFirstOrThrow();
      await handle.db
        .updateTable('datasets')
        .set({ owner_body_id: housing.id })
        .where('slug', '=', 'facilities')
        .execute();
      const before = await handle.db
        .selectFrom('personal_data_accesses')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();

      const request = (await ask(REQUESTER, { dataset: 'facilities', fields: ['名称', '床位数'] })).json();
      const grant = (await call('POST', `/sharing/requests/${request.id}/approve`, OTHER, { fields: ['名称'] })).json()
        .grant;
      const answer = await call('GET', `/sharing/grants/${grant.id}/rows?limit=2`, REQUESTER);
      expect(answer.statusCode, answer.body).toBe(200);
      const page = answer.json();
      expect(page.rows).toHaveLength(2);
      expect(page.rows[0]).toEqual({ 名称: '芙蓉区东湖街道社区卫生服务中心' });
      expect(page.total).toBeGreaterThan(2);
      const after = await handle.db
        .selectFrom('personal_data_accesses')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });
});
