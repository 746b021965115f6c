import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import { openIdentity } from '../privacy/index.ts';

const cityTime = (local: string) => new Date(`${local}:00+08:00`);
// 五一广场 area, 芙蓉区; 0.001° of latitude is about 111 m.
const HERE = { longitude: 112.99, latitude: 28.195 };

forEachDatabase('duplicates and merging', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let now = cityTime('2026-11-10T09:00');

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
  });

  const report = async (title: string, description: string, offset = 0, categoryCode = '010204', phone?: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title,
        description,
        categoryCode,
        location: { longitude: HERE.longitude, latitude: HERE.latitude + offset },
        reporter: phone ? { phone } : undefined,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().caseNumber as string;
  };

  const act = async (caseNumber: string, payload: Record<string, unknown>, username = 'dispatcher') => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as(username),
      payload,
    });
    return response;
  };

  it('should find earlier nearby cases of a related kind, most alike first', async () => {
    const lamp = await report('五一大道路灯不亮', '五一大道与韶山路交叉口路灯连续三晚不亮', 0, '010204', '19900000001');
    now = cityTime('2026-11-10T10:00');
    const similarFar = await report('五一大道路灯不亮', '五一大道路灯连续几晚不亮', 0.004); // ~440 m away
    now = cityTime('2026-11-10T11:00');
    const otherKind = await report('五一大道路灯不亮', '五一大道路灯不亮', 0.0005, '140101'); // another category
    now = cityTime('2026-11-10T12:00');
    const unlike = await report('五一大道人行道地砖松动', '人行道地砖松动绊人', 0.0008);
    now = cityTime('2026-11-11T09:00');
    const newer = await report('路灯不亮', '五一大道韶山路口的路灯晚上不亮，很危险', 0.0003, '010204', '19900000002');

    const response = await app.inject({ url: `/api/v1/cases/${newer}/duplicates`, headers: await as('dispatcher') });
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json();
    const numbers = items.map((c: { caseNumber: string }) => c.caseNumber);
    expect(numbers[0]).toBe(lamp);
    expect(numbers).toContain(unlike); // near and the same kind, only less alike: listed after
    expect(numbers.indexOf(unlike)).toBeGreaterThan(numbers.indexOf(lamp));
    expect(numbers).not.toContain(similarFar);
    expect(numbers).not.toContain(otherKind);
    expect(items[0].distanceMetres).toBeGreaterThan(20);
    expect(items[0].distanceMetres).toBeLessThan(50);
    expect(items[0].similarity).toBeGreaterThan(items.at(-1).similarity);

    // The dispatcher merges the newer report into the earlier case: the reporter follows the parent.
    const merged = await act(newer, { action: 'merge', parentCaseNumber: lamp, note: '同一路灯' });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ status: 'merged', parentCaseNumber: lamp, allowedActions: [] });
    const parent = (await app.inject({ url: `/api/v1/cases/${lamp}`, headers: await as('dispatcher') })).json();
    expect(parent).toMatchObject({ meTooCount: 1, mergedCaseNumbers: [newer], priority: 'normal' });

    // A step of the parent is told to both reporters; the merge only to the merged case's.
    await act(lamp, { action: 'register' });
    const { db } = database();
    const messages = await db
      .selectFrom('notifications')
      .innerJoin('persons', 'persons.id', 'notifications.person_id')
      .select(['persons.id', 'persons.sealed', 'notifications.template', 'notifications.params'])
      .orderBy('notifications.created_at')
      .execute();
    // The phone is sealed in the person's record: opened here with the test database's key.
    const phoneOf = (m: (typeof messages)[number]) => openIdentity(keyringOf(database()), m.id, m.sealed)?.phone;
    const of = (phone: string) => messages.filter((m) => phoneOf(m) === phone).map((m) => m.template);
    expect(of('19900000002')).toEqual(['case_merged', 'case_registered']);
    expect(of('19900000001')).toEqual(['case_registered']);
    expect(messages.find((m) => m.template === 'case_merged')!.params).toEqual({
      caseNumber: newer,
      parentCaseNumber: lamp,
    });
  });

  it('should find a duplicate of a case reported without a point in the area its text names', async () => {
    const byAddress = async (title: string, description: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('dispatcher'),
        payload: { title, description, categoryCode: '010204', address: `岳麓区${title}` },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().caseNumber as string;
    };
    now = cityTime('2026-11-12T09:00');
    const first = await byAddress('桐梓坡路路灯不亮', '岳麓区桐梓坡路一排路灯晚上不亮');
    const unrelated = await byAddress('桐梓坡路井盖松动', '岳麓区桐梓坡路井盖松动有响声');
    now = cityTime('2026-11-12T20:00');
    const second = await byAddress('路灯坏了', '岳麓区桐梓坡路的路灯晚上全都不亮');
    const response = await app.inject({ url: `/api/v1/cases/${second}/duplicates`, headers: await as('dispatcher') });
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json();
    expect(items[0]).toMatchObject({ caseNumber: first, distanceMetres: null });
    expect(items[0].similarity).toBeGreaterThan(0.3);
    const other = items.find((c: { caseNumber: string }) => c.caseNumber === unrelated);
    if (other) expect(other.score).toBeLessThan(items[0].score);

    // A later report with a point in 岳麓区 finds the text-placed one too.
    now = cityTime('2026-11-12T21:00');
    const located = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: {
        title: '桐梓坡路路灯不亮',
        description: '桐梓坡路路灯晚上不亮',
        categoryCode: '010204',
        location: { longitude: 112.925, latitude: 28.21 }, // 岳麓区
      },
    });
    expect(located.statusCode, located.body).toBe(201);
    const fromPoint = await app.inject({
      url: `/api/v1/cases/${located.json().caseNumber}/duplicates`,
      headers: await as('dispatcher'),
    });
    const numbers = fromPoint.json().items.map((c: { caseNumber: string }) => c.caseNumber);
    expect(numbers).toContain(first);
  });

  it('should refuse to merge into itself, into a merged case or a case that does not exist', async () => {
    const a = await report('井盖缺失', '井盖缺失');
    const b = await report('井盖缺失了', '井盖缺失');
    const c = await report('井盖丢了', '井盖缺失');
    expect((await act(b, { action: 'merge', parentCaseNumber: a })).statusCode).toBe(200);
    for (const parent of [c, b, '2026-999999']) {
      const refused = await act(c, { action: 'merge', parentCaseNumber: parent });
      expect(refused.statusCode, parent).toBe(400);
      expect(refused.json().error.code).toBe('CASE_ERR_BAD_PARENT');
    }
    const noParent = await act(c, { action: 'merge' });
    expect(noParent.json().error).toMatchObject({
      code: 'CASE_ERR_MISSING_INPUT',
      details: { field: 'parentCaseNumber' },
    });
  });

  it('should raise the priority of a case as "me too" reports are merged into it', async () => {
    const parent = await report('小区垃圾堆积', '小区门口垃圾多日无人清运');
    const priorities = [];
    for (let i = 0; i < 10; i++) {
      const child = await report(`垃圾堆积 ${i}`, '小区门口垃圾没人清运');
      expect((await act(child, { action: 'merge', parentCaseNumber: parent })).statusCode).toBe(200);
      priorities.push(
        (await app.inject({ url: `/api/v1/cases/${parent}`, headers: await as('dispatcher') })).json().priority,
      );
    }
    // 3 reports → high, 10 → urgent (urgent cases run on wall-clock deadlines).
    expect(priorities).toEqual(['normal', 'normal', 'high', 'high', 'high', 'high', 'high', 'high', 'high', 'urgent']);
  });

  it('should compare only the most recent nearby cases, however many one spot has, so one flood cannot stall it', async () => {
    const spot = 0.05; // about 5.5 km north of the others: a spot of its own
    now = cityTime('2026-11-20T08:00');
    const same = '韶山北路公交站台雨棚破损漏雨';
    const oldest = [];
    for (let i = 0; i < 5; i++) oldest.push(await report(same, same, spot));
    // 100 later cases at the same spot, less alike: they fill the window the check looks at.
    for (let i = 0; i < 100; i++) {
      now = new Date(now.getTime() + 60_000);
      await report(`公交站台第${i}号广告牌松动`, '广告牌松动', spot);
    }
    now = new Date(now.getTime() + 60_000);
    const latest = await report(same, same, spot);
    const response = await app.inject({ url: `/api/v1/cases/${latest}/duplicates`, headers: await as('dispatcher') });
    expect(response.statusCode, response.body).toBe(200);
    const numbers = (response.json().items as Array<{ caseNumber: string }>).map((c) => c.caseNumber);
    expect(numbers.length).toBeGreaterThan(0);
    // The identical but older reports lie beyond the 100 most recent: not compared at all.
    for (const caseNumber of oldest) expect(numbers).not.toContain(caseNumber);
  }, 120_000);
});
