import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { enqueueNotifications } from '../notifications/index.ts';
import { runRetentionSweep } from './data-rights.ts';
import { readIdentity, recordPerson, sealLegacyPersons } from './persons.ts';

forEachDatabase('citizens’ data rights', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const now = DEMO_NOW;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 20);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
  });

  const call = async (username: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: await as(username), ...(payload ? { payload } : {}) });

  it('should keep each consent change with its time, and stop contacting a citizen who withdrew that consent', async () => {
    const { db } = database();
    const changed = await call('citizen2', 'PUT', '/me/consents', { contact: false, statistics: false });
    expect(changed.json()).toEqual({ publish: true, contact: false, statistics: false });
    const { history } = (await call('citizen2', 'GET', '/me/consents')).json();
    expect(history.map((h: { consent: string; granted: boolean }) => [h.consent, h.granted]).sort()).toEqual([
      ['contact', false],
      ['statistics', false],
    ]);
    const person = await db
      .selectFrom('users')
      .select('person_id')
      .where('username', '=', 'citizen2')
      .executeTakeFirstOrThrow();
    const queued = await enqueueNotifications(
      db,
      [person.person_id!],
      { caseId: null, template: 'case_registered', params: { caseNumber: 'X' } },
      now,
    );
    expect(queued).toBe(0);
    await call('citizen2', 'PUT', '/me/consents', { contact: true, statistics: true });
  });

  it('should apply a correction the data steward completes, within its statutory deadline, and audit it', async () => {
    const { db } = database();
    const submitted = await call('citizen', 'POST', '/me/data-requests', {
      kind: 'correction',
      reason: '名字写错了',
      changes: { name: '陈新名', address: '芙蓉区五一大道 8 号' },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const request = submitted.json();
    // 15 working days from Friday 20 Nov 2026: Friday 11 Dec (no holidays in between).
    expect(new Date(request.dueAt).toISOString()).toBe('2026-12-11T02:00:00.000Z');

    // The steward's list shows what is asked, masked, and records nothing; opening the values is a view of
    // personal data like any other: in the citizen's access record and the audit trail.
    const accessesBefore = (await call('citizen', 'GET', '/me/data-accesses')).json().length;
    const listed = await call('steward', 'GET', '/data-requests?status=submitted');
    expect(listed.headers['cache-control']).toBe('no-store');
    const list = listed.json();
    expect(list.map((r: { id: string }) => r.id)).toContain(request.id);
    expect(list.find((r: { id: string }) => r.id === request.id).changes).toEqual({
      name: '陈**',
      address: '芙蓉区***',
    });
    expect(listed.body).not.toContain('陈新名');
    expect((await call('citizen', 'GET', '/me/data-accesses')).json()).toHaveLength(accessesBefore);
    const revealed = await call('steward', 'POST', `/data-requests/${request.id}/changes/reveal`);
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toEqual({ name: '陈新名', address: '芙蓉区五一大道 8 号' });
    const accesses = (await call('citizen', 'GET', '/me/data-accesses')).json();
    expect(accesses).toHaveLength(accessesBefore + 1);
    expect(accesses[0]).toMatchObject({ purpose: 'data_rights_request', fields: ['name', 'address'] });
    const viewed = await db
      .selectFrom('audit_log')
      .select(['action', 'purpose'])
      .where('subject_id', '=', request.id)
      .where('action', '=', 'personal_data.view')
      .execute();
    expect(viewed).toEqual([{ action: 'personal_data.view', purpose: 'data_rights_request' }]);

    const decided = await call('steward', 'POST', `/data-requests/${request.id}/decision`, {
      decision: 'complete',
      note: '已更正',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'completed', decisionNote: '已更正', overdue: false });
    const again = await call('steward', 'POST', `/data-requests/${request.id}/decision`, {
      decision: 'refuse',
      note: 'twice',
    });
    expect(again.json().error.code).toBe('PRIVACY_ERR_REQUEST_DECIDED');

    const mine = (await call('citizen', 'GET', '/me/personal-data')).json();
    expect(mine.identity).toMatchObject({ name: '陈新名', phone: '13800138000', address: '芙蓉区五一大道 8 号' });
    const actions = await db.selectFrom('audit_log').select('action').execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['data_request.correction', 'data_request.complete']),
    );
    expect((await verifyAuditChain(db, keyringOf(database()))).ok).toBe(true);
  });

  it('should refuse to erase a person with open cases, and erase one whose cases are all closed', async () => {
    const { db } = database();
    const open = await sql<{ n: number }>`select count(*)::int as n from cases
      where reported_by_user_id = (select id from users where username = 'citizen')
      and status not in ('closed', 'cancelled', 'merged')`.execute(db);
    const submitted = (
      await call('citizen', 'POST', '/me/data-requests', { kind: 'deletion', reason: '请删除' })
    ).json();
    const decided = await call('steward', 'POST', `/data-requests/${submitted.id}/decision`, {
      decision: 'complete',
      note: '删除',
    });
    if (open.rows[0]!.n > 0) {
      expect(decided.statusCode).toBe(409);
      expect(decided.json().error.code).toBe('PRIVACY_ERR_OPEN_CASES');
      await sql`update cases set status = 'closed', closed_at = ${now} where reported_by_user_id =
        (select id from users where username = 'citizen')`.execute(db);
      const retried = await call('steward', 'POST', `/data-requests/${submitted.id}/decision`, {
        decision: 'complete',
        note: '删除',
      });
      expect(retried.statusCode, retried.body).toBe(200);
    } else {
      expect(decided.statusCode, decided.body).toBe(200);
    }
    const person = await db
      .selectFrom('users')
      .innerJoin('persons', 'persons.id', 'users.person_id')
      .select(['persons.id', 'persons.sealed', 'persons.phone_index', 'persons.anonymised_at', 'users.disabled_at'])
      .where('users.username', '=', 'citizen')
      .executeTakeFirstOrThrow();
    expect(person).toMatchObject({ sealed: null, phone_index: null });
    expect(person.anonymised_at).not.toBeNull();
    expect(person.disabled_at).not.toBeNull();
    expect(await readIdentity(db, keyringOf(database()), person.id)).toBeNull();
    // The account is closed: its credentials no longer work.
    expect((await call('citizen', 'GET', '/me/personal-data')).statusCode).toBe(401);
  });

  it('should anonymise reporters of cases closed longer ago than the retention period, once', async () => {
    const { db } = database();
    const closed = await db
      .selectFrom('cases')
      .select(['id', 'reporter_person_id'])
      .where('status', '=', 'closed')
      .where('reporter_person_id', 'is not', null)
      .execute();
    expect(closed.length).toBeGreaterThan(0);
    const later = new Date(DEMO_NOW.getTime() + 400 * 86_400_000);
    const first = await runRetentionSweep(db, keyringOf(database()), later, 365, 2);
    expect(first.cases).toBeGreaterThanOrEqual(closed.length);
    const left = await db
      .selectFrom('cases')
      .select('id')
      .where('status', '=', 'closed')
      .where('reporter_person_id', 'is not', null)
      .execute();
    expect(left).toEqual([]);
    const personIds = closed.map((c) => c.reporter_person_id!);
    const erased = await db
      .selectFrom('persons')
      .select(['id', 'sealed'])
      .where('id', 'in', personIds)
      .where('anonymised_at', 'is not', null)
      .execute();
    expect(erased.every((p) => p.sealed === null)).toBe(true);
    expect(await runRetentionSweep(db, keyringOf(database()), later, 365, 2)).toEqual({ cases: 0, persons: 0 });
    // Open cases keep their reporters: they are still being handled.
    const open = await db
      .selectFrom('cases')
      .select('id')
      .where('status', 'in', ['dispatched', 'in_progress'])
      .where('reporter_person_id', 'is not', null)
      .execute();
    expect(open.length).toBeGreaterThan(0);
  });

  it('should anonymise the writer of a partner application’s note once every case they wrote on is past retention', async () => {
    const { db } = database();
    const keyring = keyringOf(database());
    const [closedCase, openCase] = await Promise.all([
      db.selectFrom('cases').select(['id', 'event_count']).where('status', '=', 'closed').executeTakeFirstOrThrow(),
      db
        .selectFrom('cases')
        .select(['id', 'event_count'])
        .where('status', 'in', ['dispatched', 'in_progress'])
        .executeTakeFirstOrThrow(),
    ]);
    const author = await recordPerson(db, keyring, { name: '应用用户', email: 'writer@example.com' });
    const stillWriting = await recordPerson(db, keyring, { name: '另一位', email: 'other@example.com' });
    const note = (caseRow: { id: string; event_count: number }, personId: string, seq: number) => ({
      case_id: caseRow.id,
      seq,
      action: 'note' as const,
      from_status: null,
      to_status: 'closed' as const,
      actor_user_id: sql<string>`(select id from users where username = 'dispatcher')`,
      actor_role: 'dispatcher',
      note: '应用中的状态',
      details: JSON.stringify({ authorPersonId: personId }),
      created_at: DEMO_NOW,
    });
    await db
      .insertInto('case_events')
      .values([
        note(closedCase, author, closedCase.event_count + 100),
        note(closedCase, stillWriting, closedCase.event_count + 101),
        note(openCase, stillWriting, openCase.event_count + 100),
      ])
      .execute();
    const later = new Date(DEMO_NOW.getTime() + 400 * 86_400_000);
    await runRetentionSweep(db, keyring, later, 365);
    const persons = await db
      .selectFrom('persons')
      .select(['id', 'sealed', 'anonymised_at'])
      .where('id', 'in', [author, stillWriting])
      .execute();
    const byId = new Map(persons.map((p) => [p.id, p]));
    expect(byId.get(author)).toMatchObject({ sealed: null, anonymised_at: later });
    // Still writing on an open case: kept.
    expect(byId.get(stillWriting)!.anonymised_at).toBeNull();
    expect(await readIdentity(db, keyring, author)).toBeNull();
  });

  it('should seal identities a database from before encryption holds in clear, once', async () => {
    const { db } = database();
    const row = await db
      .insertInto('persons')
      .values({
        name: '老数据',
        phone: '13900002222',
        sealed: null,
        key_id: null,
        phone_index: null,
        contact_channel: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await sealLegacyPersons(db, keyringOf(database()))).toBe(1);
    expect(await sealLegacyPersons(db, keyringOf(database()))).toBe(0);
    const stored = await db.selectFrom('persons').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ name: null, phone: null, contact_channel: 'sms' });
    expect(JSON.stringify(stored)).not.toContain('13900002222');
    expect(await readIdentity(db, keyringOf(database()), row.id)).toEqual({ name: '老数据', phone: '13900002222' });
  });
});
