/**
 * Text intelligence through the console: a dispatcher types a report, has its text read, gets three
 * category suggestions with probabilities (the first chosen) and the danger it describes with the words
 * that show it, and files it, which raises its priority; a supervisor opens the hot issues (a chart and a
 * table) and the weakest replies.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainModel } from '../../src/text/index.ts';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('text intelligence in the console (Chromium)', () => {
  const session = consoleSession(160);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    page = session.page();
    base = session.base();
    await trainModel(session.database().db, 'category_3', { trainedBy: 'test', folds: 2 });
  }, 120_000);

  const shot = (name: string) =>
    page.screenshot({ path: `${OUTPUT_DIR}/text-intelligence-${name}.png`, fullPage: true });

  it('should suggest categories and flag danger on the new-case form, and file the case as urgent', async () => {
    await signInAs('dispatcher');
    await page.goto(`${base}/cases/new`);
    await page.getByTestId('new-title').fill('小区物业不作为，楼道燃气泄漏无人管');
    await page.getByTestId('new-description').fill('物业公司收了物业费却不管，三单元楼道里有很重的煤气味');
    await page.getByTestId('read-text').click();
    const suggested = page.getByTestId('suggested-category');
    await expect.poll(() => suggested.count()).toBe(3);
    expect(await suggested.first().textContent()).toMatch(/\d+%$/);
    expect(await page.getByTestId('danger-found').textContent()).toContain('燃气泄漏');
    expect(await page.getByTestId('new-priority').inputValue()).toBe('urgent');
    // The first suggestion was chosen as the category: the form can be sent.
    expect(await page.getByTestId('category-level-3').inputValue()).toMatch(/^[0-9]{6}$/);
    await shot('suggestions');
    await page.getByTestId('new-address').fill('岳麓区某小区三单元');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d+$/);
    expect(await page.getByTestId('urgency-flags').textContent()).toContain('燃气泄漏');
    expect(await page.getByTestId('text-placement').textContent()).toContain('430104');
    await shot('case');
    const outcome = await session
      .database()
      .db.selectFrom('intake_suggestions')
      .select('outcome')
      .where('case_id', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(outcome.outcome).toBe('accepted');
  }, 60_000);

  it('should show the hot issues as a chart and a table, and the weakest replies with reasons', async () => {
    await signInAs('supervisor');
    await page.goto(`${base}/insight`);
    await page.locator('input[type=date]').first().fill('2026-01-01');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByTestId('chart-hot-issues').and(page.locator('[data-ready=true]')).waitFor();
    const rows = page.getByTestId('hot-issues').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('weakest-replies').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot('insight');
  }, 60_000);
});
