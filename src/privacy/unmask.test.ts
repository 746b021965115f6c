import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import { issueApiToken } from '../auth/index.ts';
import { actorForUsername } from '../organizations/index.ts';

forEachDatabase('unmasking personal data', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let caseNumber: string;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 12);
    ({ app, as } = await buildTestApp(database(), areas));
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title: '噪声扰民',
        description: '楼下酒吧噪声，请回电 13712345678',
        categoryCode: '010204',
        address: '芙蓉区五一大道',
        reporter: { name: '孙小姐', phone: '13600001111' },
      },
    });
    caseNumber = created.json().caseNumber;
  });

  const unmask = async (headers: Record<string, string>, purpose = 'verification_callback') =>
    app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/reporter/unmask`,
      headers,
      payload: { purpose, reason: '回访核实办理结果' },
    });

  it('should show the clear values under a grant only to credentials that could have obtained it', async () => {
    const session = await as('dispatcher');
    expect((await unmask(session)).json().identity.phone).toBe('13600001111');
    // The same user, through a token that may only read cases: masked, grant or no grant.
    const dispatcher = (await actorForUsername(database().db, 'dispatcher'))!;
    const { token } = await issueApiToken(database().db, dispatcher.userId, {
      label: 'reader',
      scopes: ['cases:read'],
      expiresAt: null,
    });
    const reader = { authorization: `Bearer ${token}` };
    for (const url of [`/api/v1/cases/${caseNumber}/reporter`, `/api/v1/cases/${caseNumber}`]) {
      const body = (await app.inject({ url, headers: reader })).body;
      expect(body, url).not.toContain('13600001111');
      expect(body, url).toContain('136****1111');
    }
    expect((await unmask(reader)).statusCode).toBe(403);
  });

  it('should record each clear view for the citizen and the audit trail, with the reason given', async () => {
    const { db } = database();
    const views = await db
      .selectFrom('personal_data_accesses')
      .innerJoin('cases', 'cases.id', 'personal_data_accesses.case_id')
      .select(['purpose', 'reason', 'fields', 'accessor_role'])
      .where('cases.case_number', '=', caseNumber)
      .execute();
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views[0]).toMatchObject({
      purpose: 'verification_callback',
      reason: '回访核实办理结果',
      accessor_role: 'dispatcher',
    });
    const audited = await sql<{ n: number }>`select count(*)::int as n from audit_log
      where action = 'personal_data.view' and subject_id = ${caseNumber}`.execute(db);
    expect(audited.rows[0]!.n).toBe(views.length);
  });

  it('should refuse a purpose the role may not use, and contacting a reporter who withdrew that consent', async () => {
    const wrong = await unmask(await as('dispatcher'), 'legal_request');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toMatchObject({ code: 'PRIVACY_ERR_PURPOSE' });
    expect(wrong.json().error.details.allowed).toEqual(['contact_reporter', 'verification_callback']);
    const { db } = database();
    await sql`update persons set contact_consent = false where id =
      (select reporter_person_id from cases where case_number = ${caseNumber})`.execute(db);
    const refused = await unmask(await as('dispatcher'), 'contact_reporter');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('PRIVACY_ERR_NO_CONTACT_CONSENT');
    // A call-back to verify the handling is another purpose, which stays open.
    expect((await unmask(await as('dispatcher'))).statusCode).toBe(200);
  });

  it('should release an ID number only to core clearance', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title: '证件遗失',
        description: '捡到身份证',
        categoryCode: '010204',
        address: '芙蓉区',
        reporter: { name: '周先生', idNumber: '11010519491231002X' },
      },
    });
    const number = created.json().caseNumber;
    const asDispatcher = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${number}/reporter/unmask`,
      headers: await as('dispatcher'),
      payload: { purpose: 'verification_callback', reason: '核实失主' },
    });
    expect(asDispatcher.json().identity.idNumber).toBe('1101**********002X');
    const asSteward = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${number}/reporter/unmask`,
      headers: await as('steward'),
      payload: { purpose: 'legal_request', reason: '公安机关依法调取' },
    });
    expect(asSteward.json().identity.idNumber).toBe('11010519491231002X');
  });
});
