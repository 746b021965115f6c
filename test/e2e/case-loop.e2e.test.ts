/**
 * The console, driven like a person would: a citizen reports a case through the form, the dispatcher,
 * the handling body and the grid worker move it around the loop, and it shows as closed in the list.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the web console (Chromium)', () => {
  const session = consoleSession(10);
  const { signInAs, act } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  it('should take a case from the report form to closed in the list', async () => {
    await signInAs('citizen');
    await page.getByTestId('nav-newCase').click();
    await page.getByTestId('new-title').fill('人行道路灯不亮 (e2e)');
    await page.getByTestId('new-description').fill('五一大道与芙蓉路口的三盏路灯一周都不亮。');
    await page.getByTestId('category-level-1').selectOption('01');
    await page.getByTestId('category-level-2').selectOption('0102');
    await page.getByTestId('category-level-3').selectOption('010204');
    await page.getByTestId('new-address').fill('芙蓉区五一大道');
    await page.getByTestId('new-longitude').fill('112.99');
    await page.getByTestId('new-latitude').fill('28.195');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d{6}$/);
    const caseNumber = page.url().split('/').pop()!;
    await expect(page.getByTestId('case-status').textContent()).resolves.toContain('已上报');

    await signInAs('dispatcher');
    await act(caseNumber, 'register');
    await act(caseNumber, 'dispatch', async () => {
      // The category's default body is preselected.
      expect(await page.getByTestId('action-body').inputValue()).toBeTruthy();
    });
    await signInAs('handler.urban-management');
    await act(caseNumber, 'accept');
    await act(caseNumber, 'handle', (p) => p.getByTestId('action-note').fill('已更换三盏路灯灯具'));
    await signInAs('gridworker');
    await act(caseNumber, 'verify_pass');
    await signInAs('dispatcher');
    await act(caseNumber, 'close');
    await page.screenshot({ path: `${OUTPUT_DIR}/case-closed-detail.png`, fullPage: true });

    const timeline = await page.getByTestId('timeline').locator('li').count();
    expect(timeline).toBe(7);

    await page.goto(`${base}/cases?status=closed`);
    const row = page.locator(`tr[data-case="${caseNumber}"]`);
    await row.waitFor();
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('closed');
    await page.getByTestId('language').click();
    await expect(row.locator('[data-status]').textContent()).resolves.toBe('Closed');
    await page.screenshot({ path: `${OUTPUT_DIR}/case-list-closed.png`, fullPage: true });
  }, 120_000);

  it('should refuse an action on a case that changed since the page showed it', async () => {
    await signInAs('dispatcher');
    await page.getByTestId('nav-newCase').click();
    await page.getByTestId('new-title').fill('重复提交测试');
    await page.getByTestId('category-level-1').selectOption('01');
    await page.getByTestId('category-level-2').selectOption('0102');
    await page.getByTestId('category-level-3').selectOption('010204');
    await page.getByTestId('new-address').fill('天心区');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d{6}$/);
    const caseNumber = page.url().split('/').pop()!;
    await page.getByTestId('action-register').waitFor();
    // Someone else registers it while this page is open; this page's button is now stale.
    await fetch(`${base}/api/v1/cases/${caseNumber}/actions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await session.as('dispatcher')),
      },
      body: JSON.stringify({ action: 'register' }),
    });
    await page.getByTestId('action-register').click();
    await expect(page.getByTestId('action-error').textContent()).resolves.toContain('CASE_ERR_STALE');
  }, 60_000);
});
