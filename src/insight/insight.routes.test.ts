import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

forEachDatabase('insight: hot issues and reply quality', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  // The demo messages were written in 2019; the demo spreads them over the two months before DEMO_NOW.
  const everything = 'from=2026-01-01&to=2026-12-31';

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 200);
    ({ app, as } = await buildTestApp(database(), areas));
  }, 180_000);

  const get = async (url: string, username = 'supervisor') => {
    const response = await app.inject({ url, headers: await as(username) });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  it('should group cases about the same problem at the same place and rank the groups by heat', async () => {
    const { issues, from, to } = (await get(`/api/v1/insight/hot-issues?${everything}&top=5`)).json();
    expect({ from, to }).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.length).toBeLessThanOrEqual(5);
    const heats = issues.map((i: { heat: number }) => i.heat);
    expect(heats).toEqual([...heats].sort((a, b) => b - a));
    for (const issue of issues) {
      expect(issue.caseNumbers.length).toBeGreaterThan(1);
      expect(issue.caseNumbers).toContain(issue.representativeCaseNumber);
      expect(new Date(issue.from).getTime()).toBeLessThanOrEqual(new Date(issue.to).getTime());
    }
    // Every member is a real case with that title's kind of problem: check the representative exists.
    const first = issues[0];
    const detail = await get(`/api/v1/cases/${first.representativeCaseNumber}`);
    expect(detail.json().title).toBe(first.title);
  });

  it('should give the same issues as CSV for Excel, and refuse a period that ends before it starts', async () => {
    const csv = await get(`/api/v1/insight/hot-issues/export?${everything}&top=5`, 'dispatcher');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.startsWith('\uFEFFrank,heat,title')).toBe(true);
    const json = (await get(`/api/v1/insight/hot-issues?${everything}&top=5`)).json();
    expect(csv.body.trim().split('\n')).toHaveLength(json.issues.length + 1);
    const bad = await app.inject({
      url: '/api/v1/insight/hot-issues?from=2026-05-02&to=2026-05-01',
      headers: await as('supervisor'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INSIGHT_ERR_BAD_PERIOD');
  });

  it('should list the weakest replies first, with their reasons in both languages', async () => {
    const { replies } = (await get(`/api/v1/insight/replies?${everything}&limit=200`)).json();
    expect(replies.length).toBeGreaterThan(10);
    const scores = replies.map((r: { judgement: { score: number } }) => r.judgement.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const weakest = replies[0];
    const strongest = replies[replies.length - 1];
    expect(weakest.reply.length).toBeLessThan(strongest.reply.length);
    expect(strongest.judgement.elements.contact.found).toBe(true);
    expect(weakest.judgement.reasons.zh.length).toBe(weakest.judgement.reasons.en.length);
    expect(weakest.judgement.reasons.zh.length).toBeGreaterThan(0);
  });

  it('should place a case reported with only an address on its district, with the evidence', async () => {
    const categoryCode = (
      await database()
        .db.selectFrom('categories')
        .select('code')
        .where('level', '=', 3)
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).code;
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: { title: '岳麓区路灯不亮', description: '晚上很黑', address: '岳麓区某小区门口', categoryCode },
    });
    expect(response.statusCode, response.body).toBe(201);
    const detail = (await get(`/api/v1/cases/${response.json().caseNumber}`, 'dispatcher')).json();
    expect(detail.gridCode).toBe('430104');
    expect(detail.textPlacement).toMatchObject({ areaCode: '430104', level: 'district' });
    expect(detail.textPlacement.confidence).toBeGreaterThan(0.5);
    expect(detail.textPlacement.evidence).toContain('岳麓区');
  });
});
