import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';

/**
 * Who holds a case through its life, tried as an attacker would: a body a routing rule merely suggests
 * (the property company a resident complains about), the lead body, and a body never involved, each
 * reading the case and unmasking its reporter before any dispatch, while dispatched, after a return, a
 * re-dispatch without them, a cancellation, a closure and a reopening. Only a body named by the dispatch
 * in force may see the reporter in clear; a body named before may still read the case (masked).
 */
forEachDatabase('who holds a case, state by state', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let rule: { categoryCode: string; leadBodyId: string; assistingBodyIds: string[] };
  const handlerOf = new Map<string, string>();

  beforeAll(async () => {
    const handle = database();
    const { areas } = await loadSmallDemoCity(handle, 0);
    ({ app, as } = await buildTestApp(handle, areas));
    const rules = (await app.inject({ url: '/api/v1/routing-rules', headers: await as('supervisor') })).json()
      .items as Array<typeof rule>;
    // The demo's estate rule in 芙蓉区: the community committee leads, the property company assists.
    rule = rules.find((r) => r.assistingBodyIds.length && r.categoryCode.length === 6)!;
    const handlers = await sql<{ username: string; handling_body_id: string }>`
      select username, handling_body_id from users where role = 'handler'`.execute(handle.db);
    for (const h of handlers.rows) handlerOf.set(h.handling_body_id, h.username);
  }, 120_000);

  const assisting = () => handlerOf.get(rule.assistingBodyIds[0]!)!;
  const lead = () => handlerOf.get(rule.leadBodyId)!;
  const bystander = () => [...handlerOf.values()].find((u) => u !== assisting() && u !== lead())!;

  async function report(title: string) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('citizen'),
      payload: {
        title,
        description: '业主投诉',
        categoryCode: rule.categoryCode,
        location: { longitude: 112.99, latitude: 28.195 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().caseNumber as string;
  }

  async function act(caseNumber: string, username: string, payload: Record<string, unknown>) {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as(username),
      payload,
    });
    expect(response.statusCode, `${username} ${JSON.stringify(payload)}: ${response.body}`).toBe(200);
  }

  /** What a handler gets: reading the case, seeing it in their list, and unmasking its reporter. */
  async function reachOf(username: string, caseNumber: string) {
    const headers = await as(username);
    const read = await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers });
    const list = await app.inject({ url: '/api/v1/cases?limit=100', headers });
    const unmask = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/reporter/unmask`,
      headers,
      payload: { purpose: 'contact_reporter', reason: 'call back' },
    });
    if (unmask.statusCode === 200) expect(unmask.json().identity.phone).toBe('13800138000');
    else expect(unmask.body).not.toContain('13800138000');
    return {
      read: read.statusCode,
      listed: (list.json().items as Array<{ caseNumber: string }>).some((c) => c.caseNumber === caseNumber),
      unmask: unmask.statusCode,
    };
  }

  const hidden = { read: 404, listed: false, unmask: 404 };
  const holds = { read: 200, listed: true, unmask: 200 };
  // Named by a dispatch before: the case stays readable (masked), its reporter does not.
  const heldBefore = { read: 200, listed: true, unmask: 404 };

  it('should give a suggested assisting body nothing before a dispatch names it, and nothing after a cancellation', async () => {
    const caseNumber = await report('投诉物业公司乱收停车费');
    const detail = (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('dispatcher') })).json();
    // The rule is a suggestion, shown to the dispatcher…
    expect(detail.suggestion.assistingBodyIds).toEqual(rule.assistingBodyIds);
    // …and holds nothing.
    expect(detail.assistingBodyIds).toEqual([]);
    expect(await reachOf(assisting(), caseNumber)).toEqual(hidden);
    expect(await reachOf(lead(), caseNumber)).toEqual(hidden);
    await act(caseNumber, 'dispatcher', { action: 'register' });
    expect(await reachOf(assisting(), caseNumber)).toEqual(hidden);
    await act(caseNumber, 'dispatcher', { action: 'cancel', note: '重复' });
    expect(await reachOf(assisting(), caseNumber)).toEqual(hidden);
    expect(await reachOf(lead(), caseNumber)).toEqual(hidden);
  });

  it('should let the lead and assisting bodies hold a case only while the dispatch that names them is in force', async () => {
    const caseNumber = await report('小区电梯长期故障');
    await act(caseNumber, 'dispatcher', { action: 'register' });
    await act(caseNumber, 'dispatcher', { action: 'dispatch' });
    expect(await reachOf(lead(), caseNumber)).toEqual(holds);
    expect(await reachOf(assisting(), caseNumber)).toEqual(holds);
    expect(await reachOf(bystander(), caseNumber)).toEqual(hidden);

    // The lead body returns it: neither holds it any more; the grants they were given are not honoured.
    await act(caseNumber, lead(), { action: 'return', note: '非本单位职责' });
    expect(await reachOf(lead(), caseNumber)).toEqual(heldBefore);
    expect(await reachOf(assisting(), caseNumber)).toEqual(heldBefore);
    const reporter = await app.inject({ url: `/api/v1/cases/${caseNumber}/reporter`, headers: await as(assisting()) });
    expect(reporter.json().masked).toBe(true);
    expect(reporter.body).not.toContain('13800138000');

    // Re-dispatched to the lead body alone: the assisting body stays out.
    await act(caseNumber, 'dispatcher', { action: 'dispatch', bodyId: rule.leadBodyId, assistingBodyIds: [] });
    expect(await reachOf(lead(), caseNumber)).toEqual(holds);
    expect(await reachOf(assisting(), caseNumber)).toEqual(heldBefore);
  });

  it('should end every hold when the case is verified and closed, and not restore it when the reporter reopens', async () => {
    const caseNumber = await report('小区绿化带被占');
    for (const [username, payload] of [
      ['dispatcher', { action: 'register' }],
      ['dispatcher', { action: 'dispatch' }],
      [lead(), { action: 'accept' }],
      [lead(), { action: 'handle', note: '已清理' }],
      ['dispatcher', { action: 'verify_pass' }],
      ['dispatcher', { action: 'close' }],
    ] as const) {
      await act(caseNumber, username, payload);
    }
    expect(await reachOf(lead(), caseNumber)).toEqual(heldBefore);
    expect(await reachOf(assisting(), caseNumber)).toEqual(heldBefore);
    await act(caseNumber, 'citizen', { action: 'reopen', note: '又被占了' });
    expect(await reachOf(lead(), caseNumber)).toEqual(heldBefore);
    expect(await reachOf(assisting(), caseNumber)).toEqual(heldBefore);
  });
});
