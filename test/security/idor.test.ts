import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';

/**
 * Insecure direct object references: a handler of one body, the grid worker of one district and a
 * citizen each try to read, change and list cases and personal data that are not theirs, by guessing
 * numbers and ids, by filter tricks and by paging. What each may reach is worked out here independently
 * of the application (plain SQL over the demo data), and every answer is checked against it.
 */
describe('insecure direct object references', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let allCases: string[];
  const reachable = new Map<string, Set<string>>();
  let handlerName: string;
  let handlerBody: string;
  let otherBody: string;

  const caseNumbers = async (where: ReturnType<typeof sql>) =>
    (await sql<{ case_number: string }>`select case_number from cases where ${where}`.execute(handle.db)).rows.map(
      (r) => r.case_number,
    );

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, 80);
    ({ app, as } = await buildTestApp(handle, areas));
    allCases = await caseNumbers(sql`true`);
    const handler = (
      await sql<{ username: string; handling_body_id: string }>`
        select u.username, u.handling_body_id from users u where u.role = 'handler'
        and exists (select 1 from cases c where c.assigned_body_id = u.handling_body_id and c.status = 'dispatched')
        order by u.username limit 1`.execute(handle.db)
    ).rows[0]!;
    handlerName = handler.username;
    handlerBody = handler.handling_body_id;
    otherBody = (
      await sql<{ id: string }>`select assigned_body_id as id from cases
        where assigned_body_id is not null and assigned_body_id <> ${handlerBody}::uuid limit 1`.execute(handle.db)
    ).rows[0]!.id;
    // A body's cases: held now (lead or assisting), dispatched to it before, or escalated to it.
    reachable.set(
      handlerName,
      new Set(
        await caseNumbers(sql`assigned_body_id = ${handlerBody}::uuid or ${handlerBody}::uuid = any(assisting_body_ids)
          or exists (select 1 from case_events e where e.case_id = cases.id and e.action = 'dispatch'
                     and e.details->>'bodyId' = ${handlerBody})
          or exists (select 1 from supervision_notices n where n.case_id = cases.id
                     and n.escalated_to_body_id = ${handlerBody}::uuid)`),
      ),
    );
    reachable.set('gridworker', new Set(await caseNumbers(sql`grid_code like '430102%'`)));
    reachable.set(
      'citizen',
      new Set(await caseNumbers(sql`reported_by_user_id = (select id from users where username = 'citizen')`)),
    );
    for (const [who, cases] of reachable) {
      expect(cases.size, who).toBeGreaterThan(0);
      expect(cases.size, who).toBeLessThan(allCases.length);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  const users = () => [handlerName, 'gridworker', 'citizen'];

  it('should answer 404 to every guessed case number out of reach, for the case, its reporter and its duplicates', async () => {
    // Also numbers that do not exist: the answer must not tell "exists but not yours" from "no such case".
    const guesses = [...allCases, '2026-999999', '2025-000001'];
    for (const username of users()) {
      const mine = reachable.get(username)!;
      for (const caseNumber of guesses) {
        for (const suffix of ['', '/reporter', '/duplicates']) {
          const response = await app.inject({
            url: `/api/v1/cases/${caseNumber}${suffix}`,
            headers: await as(username),
          });
          if (mine.has(caseNumber)) {
            if (suffix === '') expect(response.statusCode, `${username} ${caseNumber}`).toBe(200);
          } else {
            expect([403, 404], `${username} GET ${caseNumber}${suffix}`).toContain(response.statusCode);
            expect(response.body).not.toMatch(/"title"|"description"|"identity"/);
          }
        }
      }
    }
  });

  it('should refuse every change to a case out of reach: steps, surveys and unmasking', async () => {
    const grantsBefore = (await sql<{ n: number }>`select count(*)::int as n from unmask_grants`.execute(handle.db))
      .rows[0]!.n;
    for (const username of users()) {
      const mine = reachable.get(username)!;
      const outside = allCases.filter((n) => !mine.has(n)).slice(0, 15);
      for (const caseNumber of outside) {
        const before = await sql<{
          event_count: number;
        }>`select event_count from cases where case_number = ${caseNumber}`.execute(handle.db);
        for (const [path, payload] of [
          ['actions', { action: 'accept' }],
          ['actions', { action: 'handle', note: 'done' }],
          ['actions', { action: 'verify_pass' }],
          ['actions', { action: 'reopen', note: 'again' }],
          ['actions', { action: 'relocate', location: { longitude: 112.99, latitude: 28.19 } }],
          ['survey', { satisfaction: 'dissatisfied', solved: false }],
          ['reporter/unmask', { purpose: 'contact_reporter', reason: 'guessing the number' }],
        ] as const) {
          const response = await app.inject({
            method: 'POST',
            url: `/api/v1/cases/${caseNumber}/${path}`,
            headers: await as(username),
            payload,
          });
          expect([403, 404], `${username} POST ${caseNumber}/${path} ${JSON.stringify(payload)}`).toContain(
            response.statusCode,
          );
        }
        const after = await sql<{
          event_count: number;
        }>`select event_count from cases where case_number = ${caseNumber}`.execute(handle.db);
        expect(after.rows[0]!.event_count).toBe(before.rows[0]!.event_count);
      }
    }
    const grants = await sql<{ n: number }>`select count(*)::int as n from unmask_grants`.execute(handle.db);
    expect(grants.rows[0]!.n).toBe(grantsBefore);
  });

  it('should list, count and map only cases in reach, whatever the filters, and page to the end without leaking', async () => {
    const tricks = [
      '',
      `bodyId=${otherBody}`,
      'gridCode=430103',
      'gridCode=4',
      'q=%27%20OR%201%3D1%20--',
      'q=%25',
      'q=_',
      'status=closed&status=dispatched&status=in_progress&status=reported&status=registered',
      'outsideJurisdiction=true',
      'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
    ];
    for (const username of users()) {
      const mine = reachable.get(username)!;
      for (const trick of tricks) {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 50; page++) {
          const query: string = [trick, 'limit=7', cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
            .filter(Boolean)
            .join('&');
          const response = await app.inject({ url: `/api/v1/cases?${query}`, headers: await as(username) });
          expect(response.statusCode, `${username} ?${query}: ${response.body}`).toBe(200);
          const body = response.json() as { items: { caseNumber: string }[]; nextCursor: string | null };
          seen.push(...body.items.map((i) => i.caseNumber));
          cursor = body.nextCursor;
          if (!cursor) break;
        }
        expect(
          seen.filter((n) => !mine.has(n)),
          `${username} ?${trick}`,
        ).toEqual([]);
        const counts = await app.inject({ url: `/api/v1/cases/counts?${trick}`, headers: await as(username) });
        expect(counts.json().total, `${username} counts ?${trick}`).toBeLessThanOrEqual(mine.size);
        const map = await app.inject({ url: `/api/v1/cases/map?${trick}`, headers: await as(username) });
        const onMap = (map.json().features as { properties: { caseNumber: string } }[]).map(
          (f) => f.properties.caseNumber,
        );
        expect(
          onMap.filter((n) => !mine.has(n)),
          `${username} map ?${trick}`,
        ).toEqual([]);
      }
      // Without tricks, paging reaches every case in reach: the filter is not simply "show nothing".
      const everything = await app.inject({ url: '/api/v1/cases/counts', headers: await as(username) });
      expect(everything.json().total, username).toBe(mine.size);
    }
  });

  it('should refuse a forged cursor that points outside the reach (the filter is in every query, not in the cursor)', async () => {
    const forged = Buffer.from(
      JSON.stringify(['2100-01-01T00:00:00.000Z', 'ffffffff-ffff-4fff-bfff-ffffffffffff']),
    ).toString('base64url');
    const response = await app.inject({
      url: `/api/v1/cases?limit=100&cursor=${forged}`,
      headers: await as('citizen'),
    });
    if (response.statusCode === 200) {
      const items = (response.json() as { items: { caseNumber: string }[] }).items.map((i) => i.caseNumber);
      expect(items.filter((n) => !reachable.get('citizen')!.has(n))).toEqual([]);
    } else {
      expect(response.statusCode).toBe(400);
    }
  });

  it("should keep each citizen's personal data, accesses and requests to themselves", async () => {
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/v1/me/data-requests',
      headers: await as('citizen'),
      payload: { kind: 'correction', reason: '地址写错了', changes: { address: '芙蓉区五一大道 1 号' } },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const requestId = submitted.json().id as string;

    const other = await as('citizen2');
    const mine = (await app.inject({ url: '/api/v1/me/personal-data', headers: other })).json();
    expect(mine.identity.phone).toBe('13800138001');
    expect(JSON.stringify(mine)).not.toContain('13800138000');
    for (const url of ['/api/v1/me/data-requests', '/api/v1/me/data-accesses', '/api/v1/me/personal-data/export']) {
      const response = await app.inject({ url, headers: other });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toContain(requestId);
      expect(response.body, url).not.toContain('13800138000');
      expect(response.body, url).not.toContain('五一大道 1 号');
    }
    // Another person's request by id: not a citizen's route at all; and the steward's list is the steward's.
    for (const [method, url] of [
      ['GET', '/api/v1/data-requests'],
      ['POST', `/api/v1/data-requests/${requestId}/decision`],
    ] as const) {
      const response = await app.inject({
        method,
        url,
        headers: other,
        ...(method === 'POST' ? { payload: { decision: 'complete', note: 'mine now' } } : {}),
      });
      expect(response.statusCode, url).toBe(403);
    }
    // Staff cannot read a citizen's "my data" routes either: they are the citizen's own.
    for (const username of [handlerName, 'gridworker', 'dispatcher', 'admin']) {
      const response = await app.inject({ url: '/api/v1/me/personal-data', headers: await as(username) });
      expect(response.statusCode, username).toBe(403);
    }
    // A citizen cannot see any case's reporter, not even by asking for their own case's.
    const ownCase = [...reachable.get('citizen')!][0]!;
    const reporter = await app.inject({ url: `/api/v1/cases/${ownCase}/reporter`, headers: await as('citizen') });
    expect(reporter.statusCode).toBe(403);
    const detail = (await app.inject({ url: `/api/v1/cases/${ownCase}`, headers: await as('citizen') })).json();
    expect(detail.reporter).toBeNull();
  });

  it('should let a handler unmask only a case its body holds now, not one it merely handled before', async () => {
    const [held] = await caseNumbers(sql`assigned_body_id = ${handlerBody}::uuid and status = 'dispatched'`);
    expect(held, 'a case the body holds, not yet accepted').toBeDefined();
    const headers = await as(handlerName);
    const unmask = () =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cases/${held}/reporter/unmask`,
        headers,
        payload: { purpose: 'contact_reporter', reason: '联系反映人核实情况' },
      });
    expect((await unmask()).statusCode).toBe(200);
    // The desk sends it elsewhere (改派): the body still sees the case it had, but may no longer unmask.
    const { version } = (await app.inject({ url: `/api/v1/cases/${held}`, headers: await as('dispatcher') })).json();
    const redispatched = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${held}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'dispatch', bodyId: otherBody, note: '改派', version },
    });
    expect(redispatched.statusCode, redispatched.body).toBe(200);
    expect((await app.inject({ url: `/api/v1/cases/${held}`, headers })).statusCode).toBe(200);
    expect((await unmask()).statusCode).toBe(404);
    // The grant from before is not honoured either: the view is masked again.
    const reporter = (await app.inject({ url: `/api/v1/cases/${held}/reporter`, headers })).json();
    expect(reporter).toMatchObject({ masked: true, grant: null });
  });
});
