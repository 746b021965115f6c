import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, loadSmallDemoCity } from '../../test/demo-city.ts';
import { fixtureArticles } from './fixtures.ts';

const DEMO_ARTICLES = 18;
const month = DEMO_NOW.toISOString().slice(0, 7);

forEachDatabase('the knowledge base', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const articleId: Record<string, string> = {};
  let housingBodyId: string;

  beforeAll(async () => {
    const { db } = database();
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas));
    housingBodyId = (
      await db.selectFrom('handling_bodies').select('id').where('code', '=', 'housing').executeTakeFirstOrThrow()
    ).id;
    const titles = new Map(fixtureArticles().map((a) => [a.title, a.key]));
    for (const a of await db.selectFrom('knowledge_articles').select(['id', 'title']).execute()) {
      articleId[titles.get(a.title) ?? a.title] = a.id;
    }
  }, 120_000);

  const request = async (
    username: string | null,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: Record<string, unknown>,
  ) => app.inject({ method, url, headers: username ? await as(username) : {}, ...(payload ? { payload } : {}) });

  const report = async (title: string, description: string) => {
    const { db } = database();
    const { code } = await db
      .selectFrom('categories')
      .select('code')
      .where('name_zh', '=', '新农村合作医疗')
      .executeTakeFirstOrThrow();
    const response = await request('citizen', 'POST', '/api/v1/cases', {
      title,
      description,
      categoryCode: code,
      location: { longitude: 112.99, latitude: 28.195 },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().caseNumber as string;
  };

  const newArticle = {
    title: '城市养犬登记怎么办理',
    body: '在城区养犬须办理犬只登记（狗证），电话 13912345678 可预约。',
    category: '社会治安',
    public: false,
    reviewDue: '2027-06-30',
  };

  it('should load the demo city with answers written from real replies, each naming its sources', async () => {
    expect(Object.keys(articleId)).toHaveLength(DEMO_ARTICLES);
    const list = await request('handler.housing', 'GET', '/api/v1/knowledge/articles');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ sources: string[]; public: boolean }>;
    expect(items).toHaveLength(DEMO_ARTICLES);
    expect(items.every((a) => a.public && a.sources.length > 0)).toBe(true);
  });

  it('should keep every version of an article, refuse a change made on a version read earlier, and mask numbers', async () => {
    const created = await request('supervisor', 'POST', '/api/v1/knowledge/articles', {
      ...newArticle,
      ownerBodyId: housingBodyId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const article = created.json();
    expect(article.version).toBe(1);
    expect(article.body).not.toContain('13912345678');

    const revised = await request('admin', 'PUT', `/api/v1/knowledge/articles/${article.id}`, {
      ...newArticle,
      ownerBodyId: housingBodyId,
      body: '在城区养犬须到辖区派出所办理犬只登记（狗证），每年年检。',
      version: 1,
      changeNote: '加上年检',
    });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json().version).toBe(2);

    const stale = await request('admin', 'PUT', `/api/v1/knowledge/articles/${article.id}`, {
      ...newArticle,
      ownerBodyId: housingBodyId,
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('KNOWLEDGE_ERR_STALE');

    const history = (await request('dispatcher', 'GET', `/api/v1/knowledge/articles/${article.id}/history`)).json();
    expect(history.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.items[0].changeNote).toBe('加上年检');
    expect(history.items[1].body).toContain('狗证');

    // Not public: residents cannot find it or read it; staff can.
    const publicSearch = (
      await request(null, 'GET', `/api/v1/public/knowledge?q=${encodeURIComponent('养犬登记')}`)
    ).json();
    expect(publicSearch.items.map((p: { article: { id: string } }) => p.article.id)).not.toContain(article.id);
    expect((await request(null, 'GET', `/api/v1/public/knowledge/${article.id}`)).statusCode).toBe(404);
    const staffSearch = (
      await request('dispatcher', 'GET', `/api/v1/knowledge/search?q=${encodeURIComponent('养犬登记')}`)
    ).json();
    expect(staffSearch.items[0].article.id).toBe(article.id);

    // The editor's mistakes are 4xx: dates the wrong way round, an owner body that does not exist.
    const backwards = await request('admin', 'POST', '/api/v1/knowledge/articles', {
      ...newArticle,
      ownerBodyId: housingBodyId,
      validFrom: '2027-01-01',
      validUntil: '2026-01-01',
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('should let residents search the public answers without signing in', async () => {
    const response = await request(
      null,
      'GET',
      `/api/v1/public/knowledge?q=${encodeURIComponent('研究生落户买房有补贴吗')}`,
    );
    expect(response.statusCode).toBe(200);
    const first = response.json().items[0];
    expect(first.article.id).toBe(articleId['talent-housing-subsidy']);
    // The public view leaves the editors' bookkeeping out.
    expect(first.article).not.toHaveProperty('reviewDue');
    expect(first.article).not.toHaveProperty('sources');
    expect((await request(null, 'GET', '/api/v1/public/knowledge?q=%20')).statusCode).toBe(400);
  });

  it('should list the answers whose review date has come, for their owner body', async () => {
    const { db } = database();
    const hr = await db
      .selectFrom('handling_bodies')
      .select('id')
      .where('code', '=', 'human-resources')
      .executeTakeFirstOrThrow();
    const due = (
      await request('handler.human-resources', 'GET', `/api/v1/knowledge/articles?reviewDue=true&ownerBodyId=${hr.id}`)
    ).json().items as Array<{ reviewDue: string; ownerBodyId: string }>;
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((a) => a.ownerBodyId === hr.id && a.reviewDue <= DEMO_NOW.toISOString().slice(0, 10))).toBe(true);
  });

  it('should answer a question at first contact, close the case, survey the reporter and count it in the evaluation', async () => {
    const before = (await request('dispatcher', 'GET', `/api/v1/evaluation/first-contact?month=${month}`)).json();

    // The issue's own example, which was once dispatched to the police.
    const caseNumber = await report(
      '老年人到长沙落户是否可以享受城乡基本养老金？',
      '我母亲78岁，在老家领城乡居民基本养老金，想把户口迁到我这里，迁过来后养老金怎么领，会不会重复？',
    );
    const proposed = await request('dispatcher', 'GET', `/api/v1/cases/${caseNumber}/knowledge`);
    expect(proposed.statusCode).toBe(200);
    const ids = proposed.json().items.map((p: { article: { id: string } }) => p.article.id);
    expect(ids).toContain(articleId['resident-pension']);
    // A citizen does not read the staff's knowledge base, even about their own case.
    expect((await request('citizen', 'GET', `/api/v1/cases/${caseNumber}/knowledge`)).statusCode).toBe(403);

    // The generic step route cannot answer without an article.
    const bare = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/actions`, {
      action: 'answer',
      note: '已答复',
    });
    expect(bare.statusCode).toBe(400);
    // Nor from an article that does not exist.
    const unknown = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/answer`, {
      articleId: '00000000-0000-4000-8000-000000000000',
      reply: '已答复',
    });
    expect(unknown.statusCode).toBe(400);

    const answered = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/answer`, {
      articleId: articleId['resident-pension'],
      reply: '已参加城乡居民养老保险的，不能重复领取；请持转出单到社保关系接转部门办理转移。',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toEqual({ caseNumber, status: 'closed' });

    const { db } = database();
    const event = await db
      .selectFrom('case_events')
      .innerJoin('cases', 'cases.id', 'case_events.case_id')
      .select(['case_events.action', 'case_events.details', 'case_events.to_status'])
      .where('cases.case_number', '=', caseNumber)
      .orderBy('case_events.seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      action: 'answer',
      to_status: 'closed',
      details: { articleId: articleId['resident-pension'], articleVersion: 1 },
    });
    const message = await db
      .selectFrom('notifications')
      .innerJoin('cases', 'cases.id', 'notifications.case_id')
      .select('template')
      .where('cases.case_number', '=', caseNumber)
      .orderBy('notifications.created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(message.template).toBe('case_answered');

    // Answered once is answered: a second answer is refused by the loop.
    const again = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/answer`, {
      articleId: articleId['resident-pension'],
      reply: '再答复一次',
    });
    expect(again.statusCode).toBe(409);

    // The reporter still gets the survey.
    const detail = (await request('citizen', 'GET', `/api/v1/cases/${caseNumber}`)).json();
    expect(detail.status).toBe('closed');
    expect(detail.mayAnswerSurvey).toBe(true);
    const survey = await request('citizen', 'POST', `/api/v1/cases/${caseNumber}/survey`, {
      satisfaction: 'satisfied',
      solved: true,
    });
    expect(survey.statusCode, survey.body).toBe(200);

    const after = (await request('dispatcher', 'GET', `/api/v1/evaluation/first-contact?month=${month}`)).json();
    expect(after.answered).toBe(before.answered + 1);
    expect(after.reopened).toBe(before.reopened);
    expect(after.rate).toBeGreaterThan(0);
    expect(after.satisfactionRate).toBe(1);
  });

  it('should not answer from an article out of force, nor a case already dispatched', async () => {
    const expired = await request('supervisor', 'POST', '/api/v1/knowledge/articles', {
      ...newArticle,
      title: '已废止的旧政策',
      ownerBodyId: housingBodyId,
      validFrom: '2020-01-01',
      validUntil: '2020-12-31',
    });
    expect(expired.statusCode).toBe(201);
    const caseNumber = await report('咨询旧政策', '请问旧政策还有效吗？');
    const refused = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/answer`, {
      articleId: expired.json().id,
      reply: '按旧政策答复',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('KNOWLEDGE_ERR_NOT_IN_FORCE');

    for (const action of ['register', 'dispatch']) {
      const step = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/actions`, { action });
      expect(step.statusCode, step.body).toBe(200);
    }
    const late = await request('dispatcher', 'POST', `/api/v1/cases/${caseNumber}/answer`, {
      articleId: articleId['resident-pension'],
      reply: '已派遣后再答复',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('CASE_ERR_ILLEGAL_TRANSITION');
  });
});

describe('the labelled questions fixture', () => {
  it('should name, for every question, an article of the fixture, and for every article the replies it draws on', async () => {
    const { labelledQuestions } = await import('./fixtures.ts');
    const keys = new Set(fixtureArticles().map((a) => a.key));
    const questions = labelledQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(60);
    expect(questions.every((q) => keys.has(q.articleKey) && q.file !== 'messages_with_replies.csv')).toBe(true);
    expect(fixtureArticles().every((a) => a.sourceMessageIds.length > 0)).toBe(true);
  });
});
