import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { forgetUnusedSuggestions } from './intake-suggestions.ts';
import { trainingSet, trainModel } from './models.ts';

forEachDatabase('text intelligence at intake', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    // 120 demo cases: real messages to a city government with their categories and handling bodies.
    const { areas } = await loadSmallDemoCity(database(), 120);
    ({ app, as } = await buildTestApp(database(), areas));
  }, 120_000);

  const suggest = async (title: string, description = '') => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/text/intake-suggestions',
      headers: await as('dispatcher'),
      payload: { title, description },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const report = async (payload: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: { description: '', location: { longitude: 112.99, latitude: 28.195 }, ...payload },
    });
    expect(response.statusCode, response.body).toBe(201);
    const detail = await app.inject({
      url: `/api/v1/cases/${response.json().caseNumber}`,
      headers: await as('dispatcher'),
    });
    return detail.json();
  };

  it('should suggest nothing before a model is trained, but still flag danger', async () => {
    const answer = await suggest('楼道里闻到燃气味', '担心泄漏爆炸');
    expect(answer.categories).toEqual([]);
    expect(answer.categoryModelVersion).toBeNull();
    expect(answer.urgency.priority).toBe('urgent');
    expect(answer.urgency.flags[0]).toMatchObject({ danger: 'gas_leak', evidence: expect.stringContaining('燃气') });
  });

  it('should train each target (as `civicgrid model train` does), with cross-validated metrics, and list them', async () => {
    for (const target of ['category_3', 'body'] as const) {
      const model = await trainModel(database().db, target, { trainedBy: 'test', folds: 3 });
      expect(model).toMatchObject({ target, version: 1, trainedBy: 'test' });
      expect(model.metrics.folds).toBe(3);
      expect(model.metrics.examples).toBeGreaterThan(90);
      expect(model.metrics.top3Accuracy).toBeGreaterThan(model.metrics.accuracy - 1e-9);
      expect(model.snapshotId).toMatch(/^[0-9a-f]{16}$/);
    }
    const list = await app.inject({ url: '/api/v1/text/models', headers: await as('supervisor') });
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json()
        .map((m: { target: string }) => m.target)
        .sort(),
    ).toEqual(['body', 'category_3']);
    expect(JSON.stringify(list.json())).not.toContain('weights');
  }, 120_000);

  it('should suggest three leaf categories and bodies with calibrated probabilities, likeliest first', async () => {
    const answer = await suggest('小区物业不作为，垃圾堆积无人清理', '物业公司收了物业费却不管小区卫生');
    expect(answer.categoryModelVersion).toBe(1);
    expect(answer.categories).toHaveLength(3);
    expect(answer.bodies).toHaveLength(3);
    for (const list of [answer.categories, answer.bodies]) {
      const p = list.map((s: { probability: number }) => s.probability);
      expect(p).toEqual([...p].sort((a, b) => b - a));
      expect(p.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(1.0001);
    }
    expect(answer.categories[0].code).toMatch(/^[0-9]{6}$/);
    expect(answer.categories[0].nameZh).toBeTruthy();
  });

  it("should keep the dispatcher's choice as accepted or corrected, and count corrections in the next training", async () => {
    const { db } = database();
    const first = await suggest('小区物业不作为，垃圾堆积无人清理', '物业公司收了物业费却不管');
    await report({ title: '小区物业不作为', categoryCode: first.categories[0].code, intakeSuggestionId: first.id });
    const second = await suggest('小区物业不作为，垃圾堆积无人清理', '物业公司收了物业费却不管');
    const other = await db
      .selectFrom('categories')
      .select('code')
      .where('level', '=', 3)
      .where('code', 'not like', `${second.categories[0].code.slice(0, 2)}%`)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    await report({ title: '小区物业不作为', categoryCode: other.code, intakeSuggestionId: second.id });
    const outcomes = await db
      .selectFrom('intake_suggestions')
      .select(['id', 'outcome', 'chosen_category_code'])
      .where('id', 'in', [first.id, second.id])
      .execute();
    expect(Object.fromEntries(outcomes.map((o) => [o.id, o.outcome]))).toEqual({
      [first.id]: 'accepted',
      [second.id]: 'corrected',
    });
    const set = await trainingSet(db, 'category_3');
    expect(set.snapshot.corrections).toBe(1);
    expect(set.examples.find((e) => e.label === other.code && e.weight === 2)).toBeDefined();
  });

  it("should not let one user's suggestion be spent by another", async () => {
    const mine = await suggest('路灯不亮', '');
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('gridworker'),
      payload: {
        title: '路灯不亮',
        description: '',
        categoryCode: mine.categories[0].code,
        intakeSuggestionId: mine.id,
        location: { longitude: 112.99, latitude: 28.195 },
      },
    });
    expect([201, 403]).toContain(response.statusCode);
    const row = await database()
      .db.selectFrom('intake_suggestions')
      .select('case_id')
      .where('id', '=', mine.id)
      .executeTakeFirstOrThrow();
    expect(row.case_id).toBeNull();
  });

  it('should forget, a day on, the suggestions no report quoted, and keep those a case used', async () => {
    const { db } = database();
    const unused = await suggest('井盖丢失', '');
    const kept = await db.selectFrom('intake_suggestions').select('id').where('case_id', 'is not', null).execute();
    expect(kept.length).toBeGreaterThan(0);
    expect(await forgetUnusedSuggestions(db, new Date(DEMO_NOW.getTime() + 23 * 3_600_000))).toBe(0);
    expect(await forgetUnusedSuggestions(db, new Date(DEMO_NOW.getTime() + 25 * 3_600_000))).toBeGreaterThan(0);
    const left = await db.selectFrom('intake_suggestions').select(['id', 'case_id']).execute();
    expect(left.map((r) => r.id)).not.toContain(unused.id);
    expect(left.filter((r) => r.case_id !== null)).toHaveLength(kept.length);
  });

  it('should raise the priority of a case whose text describes danger, and show the evidence', async () => {
    const category = await database()
      .db.selectFrom('categories')
      .select('code')
      .where('level', '=', 3)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const gas = await report({ title: '三单元楼道燃气泄漏', description: '味道很大', categoryCode: category.code });
    expect(gas.priority).toBe('urgent');
    expect(gas.urgencyFlags).toEqual([{ danger: 'gas_leak', evidence: '燃气泄漏', start: 5, end: 9 }]);
    const chosen = await report({ title: '燃气泄漏', categoryCode: category.code, priority: 'low' });
    expect(chosen.priority).toBe('low');
    const plain = await report({ title: '路灯不亮', categoryCode: category.code });
    expect(plain).toMatchObject({ priority: 'normal', urgencyFlags: [] });
  });
});
