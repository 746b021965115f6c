/**
 * 直接答复 as a 12345 dispatcher uses it: a caller asks a policy question, the dispatcher registers it in the
 * console, the knowledge base proposes the demo article that answers it, and one press of 直接答复 with the
 * reply as proposed closes the case at first contact: its history keeps the reply, and the first-contact
 * figure counts it. The same case page on a phone, and the knowledge base there, do not scroll sideways.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureArticles } from '../../src/knowledge/fixtures.ts';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

/** The demo article a graduate's question about the purchase subsidy should find first. */
const SUBSIDY_ARTICLE = fixtureArticles().find((a) => a.key === 'talent-housing-subsidy')!;

/** What the caller asked, as the dispatcher types it in (the question of a real message, in 长沙). */
const CALL = {
  title: '研究生落户后买二手房能申请人才购房补贴吗',
  description:
    '来电人称：去年硕士研究生毕业，按人才新政落户长沙，在长沙企业工作并缴纳社保，现准备首次购买一套二手房，' +
    '咨询能否申请3万元人才购房补贴、在哪里申请、需要什么材料。',
  // 城乡建设 / 住房保障与房地产 / 房屋补贴
  category: ['城乡建设', '住房保障与房地产', '房屋补贴'],
  // A question has no place of its own: where the caller lives.
  address: '长沙市岳麓区麓山南路',
};

interface FirstContact {
  answered: number;
}
interface CaseDetail {
  status: string;
  events: Array<{ action: string; note: string | null }>;
}

/** City dates around today: the first-contact figure over a period that surely holds the answer. */
function periodAroundToday(): string {
  const day = (offset: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + offset * 86_400_000));
  return `from=${day(-1)}&to=${day(2)}`;
}

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the first-contact answer from the knowledge base (Chromium)', () => {
  const session = consoleSession(0);
  let page: Page;
  const firstContact = async () =>
    (await session.request<FirstContact>(`/evaluation/first-contact?${periodAroundToday()}`)).answered;

  beforeAll(() => {
    page = session.page();
  });

  /** Waits for the case page's proposals and gives back the title of each, best first. */
  async function proposalTitles(): Promise<string[]> {
    const proposals = page.getByTestId('proposed-answers').getByTestId('proposal');
    await proposals.first().waitFor();
    return page.getByTestId('proposed-answers').locator('.proposal-list li strong').allTextContents();
  }

  it('should answer a policy question at first contact with the proposed article and count it', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.signInAs('dispatcher');
    const answeredBefore = await firstContact();

    await page.getByTestId('nav-newCase').click();
    await page.getByTestId('new-title').fill(CALL.title);
    await page.getByTestId('new-description').fill(CALL.description);
    for (const [i, label] of CALL.category.entries()) {
      await page.getByTestId(`category-level-${i + 1}`).selectOption({ label });
    }
    await page.getByTestId('new-channel').selectOption('hotline');
    await page.getByTestId('new-address').fill(CALL.address);
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d{6}$/);
    const caseNumber = page.url().split('/').pop()!;

    const titles = await proposalTitles();
    expect(titles[0]).toBe(SUBSIDY_ARTICLE.title);
    expect(await page.getByTestId('proposal').first().isChecked()).toBe(true);
    const reply = await page.getByTestId('answer-reply').inputValue();
    expect(reply.length).toBeGreaterThan(20);
    await page.screenshot({ path: 'docs/screenshots/desk-knowledge-answer.png' });
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('answer-now').textContent()).toBe('Answer now');
    await page.screenshot({ path: `${OUTPUT_DIR}/knowledge-answer-en.png` });
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('answer-now').textContent()).toBe('直接答复');

    await page.getByTestId('answer-now').click();
    await page.locator('[data-testid=case-status] [data-status=closed]').waitFor();
    const answered = page.locator('[data-testid=timeline] li[data-action=answer]');
    await answered.waitFor();
    expect(await answered.locator('.note').textContent()).toBe(reply.trim());
    expect(await page.getByTestId('proposed-answers').count()).toBe(0);
    expect(await page.getByTestId('answered-notice').textContent()).toBe('已直接答复并办结');
    await page.screenshot({ path: `${OUTPUT_DIR}/knowledge-answered.png`, fullPage: true });

    const detail = await session.request<CaseDetail>(`/cases/${caseNumber}`);
    expect(detail.status).toBe('closed');
    expect(detail.events.map((e) => e.action)).toEqual(['report', 'answer']);
    expect(await firstContact()).toBe(answeredBefore + 1);

    // The evaluation page shows the month's first-contact figure, this answer counted.
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);
    await page.goto(`${session.base()}/evaluation?month=${month}`);
    const figure = page.getByTestId('first-contact');
    await figure.waitFor();
    expect(Number(await figure.getAttribute('data-answered'))).toBeGreaterThanOrEqual(1);
    expect(await figure.textContent()).toContain('一次办结率');
    await page.screenshot({ path: `${OUTPUT_DIR}/evaluation-first-contact.png` });
  }, 60_000);

  it('should show the proposals on a phone, and the knowledge base without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const { caseNumber } = await session.request<{ caseNumber: string }>('/cases', {
      method: 'POST',
      body: {
        title: '硕士毕业落户长沙，买房补贴怎么申请',
        description: '来电咨询：硕士毕业新落户长沙，首次购房，人才购房补贴在哪里申请，需要哪些材料。',
        categoryCode: await categoryCode(CALL.category),
        channel: 'hotline',
        address: CALL.address,
      },
    });
    await page.goto(`${session.base()}/cases/${caseNumber}`);
    expect((await proposalTitles())[0]).toBe(SUBSIDY_ARTICLE.title);
    await page.getByTestId('proposed-answers').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'docs/screenshots/phone-knowledge-answer.png' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.goto(`${session.base()}/knowledge`);
    await page.getByTestId('knowledge-list').locator('li button').first().waitFor();
    await page.getByTestId('knowledge-query').fill('研究生落户买房有补贴吗');
    await page.getByTestId('knowledge-search').click();
    await expect
      .poll(() => page.getByTestId('knowledge-list').locator('li button').first().textContent())
      .toContain(SUBSIDY_ARTICLE.title);
    await page.getByTestId('knowledge-list').locator('li button').first().click();
    await page.getByTestId('knowledge-article').waitFor();
    await page.screenshot({ path: `${OUTPUT_DIR}/knowledge-phone.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 60_000);

  /** A category's code from its names, level by level. */
  async function categoryCode(names: string[]): Promise<string> {
    const categories = await session
      .database()
      .db.selectFrom('categories')
      .select(['id', 'parent_id', 'code', 'name_zh'])
      .execute();
    let parentId: string | null = null;
    let code = '';
    for (const name of names) {
      const found = categories.find((c) => c.name_zh === name && c.parent_id === parentId);
      if (!found) throw new Error(`no category ${names.join(' / ')}`);
      parentId = found.id;
      code = found.code;
    }
    return code;
  }
});
