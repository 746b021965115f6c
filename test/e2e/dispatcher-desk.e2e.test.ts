/**
 * The dispatcher's desk, driven with the keyboard only: 20 new demo cases registered and dispatched to
 * their suggestion with one key each (the keystrokes and seconds per case are printed and written to
 * test-output/e2e/desk-timing.json), the place kept across a refresh, filters, batch cancel of spam, the
 * keys' help in both languages, and no sideways scrolling on a phone.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';
import { reportDemoCases } from './desk-cases.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)("the dispatcher's desk (Chromium)", () => {
  const session = consoleSession(0);
  let page: Page;

  beforeAll(() => {
    page = session.page();
  });

  const rows = () => page.getByTestId('desk-row');
  const currentCase = () => page.locator('[data-testid=desk-row][aria-current=true]').getAttribute('data-desk-case');
  const statusOf = async (caseNumber: string) =>
    (await session.request<{ status: string }>(`/cases/${caseNumber}`)).status;

  it('should register and dispatch 20 new cases with one key each', async () => {
    const numbers = await reportDemoCases(session, 20);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.signInAs('dispatcher');
    await page.goto(`${session.base()}/workbench`);
    await expect.poll(() => rows().count()).toBe(20);
    // Oldest first: the first case reported is the first row, and the desk starts on it.
    expect(await currentCase()).toBe(numbers[0]);
    await page.screenshot({ path: 'docs/screenshots/desk.png' });

    let keystrokes = 0;
    const started = performance.now();
    for (const caseNumber of numbers) {
      expect(await currentCase()).toBe(caseNumber);
      await page.keyboard.press('d');
      keystrokes++;
      await page.locator(`[data-desk-case="${caseNumber}"] [data-testid=desk-done]`).waitFor();
    }
    const seconds = (performance.now() - started) / 1000;
    const timing = {
      cases: numbers.length,
      keystrokes,
      keystrokesPerCase: keystrokes / numbers.length,
      clicks: 0,
      seconds: Number(seconds.toFixed(2)),
      secondsPerCase: Number((seconds / numbers.length).toFixed(3)),
    };
    console.log(`desk timing: ${JSON.stringify(timing)}`);
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(`${OUTPUT_DIR}/desk-timing.json`, `${JSON.stringify(timing, null, 2)}\n`);

    for (const caseNumber of numbers) expect(await statusOf(caseNumber)).toBe('dispatched');
    const detail = await session.request<{ events: Array<{ action: string; overridden: boolean | null }> }>(
      `/cases/${numbers[0]}`,
    );
    expect(detail.events.map((e) => e.action)).toEqual(['report', 'register', 'dispatch']);
    expect(detail.events[2]!.overridden).toBe(false);
  }, 180_000);

  it('should keep its place when it refreshes and new cases arrive', async () => {
    await page.reload();
    await expect.poll(() => rows().count()).toBe(0);
    const first = await reportDemoCases(session, 3, { offset: 20 });
    // The desk looks again when the window comes back into focus (and every 15 s by itself).
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => rows().count()).toBe(3);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await currentCase()).toBe(first[2]);
    const later = await reportDemoCases(session, 2, { offset: 23 });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => rows().count()).toBe(5);
    expect(await currentCase()).toBe(first[2]);
    await page.keyboard.press('k');
    expect(await currentCase()).toBe(first[1]);
    // Newest first puts the two just in at the top; the place is still the same case.
    await page.getByTestId('desk-sort').selectOption('newest');
    await expect.poll(() => rows().first().getAttribute('data-desk-case')).toBe(later[1]);
    expect(await currentCase()).toBe(first[1]);
  }, 60_000);

  it('should filter on the server and search from the keyboard', async () => {
    await page.getByTestId('desk-sort').selectOption('oldest');
    await page.getByTestId('desk-channel').selectOption('web');
    await expect.poll(() => rows().count()).toBe(0);
    await page.getByTestId('desk-channel').selectOption('');
    await expect.poll(() => rows().count()).toBe(5);
    const title = await rows().nth(3).locator('strong').textContent();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await page.keyboard.type(title!.slice(0, 6));
    await expect.poll(() => rows().count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('desk-search').fill('');
    await expect.poll(() => rows().count()).toBe(5);
  }, 60_000);

  it('should cancel the selected cases as spam, after asking', async () => {
    const spam = await reportDemoCases(session, 2, { offset: 25 });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => rows().count()).toBe(7);
    for (const caseNumber of spam) {
      await page.locator(`[data-desk-case="${caseNumber}"] .desk-meta`).click();
      await page.keyboard.press('x');
    }
    await expect(page.getByTestId('desk-status').textContent()).resolves.toContain('已选 2 件');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.keyboard.press('Shift+C');
    await expect.poll(() => page.getByTestId('desk-notice').textContent()).toContain('2 件成功');
    for (const caseNumber of spam) expect(await statusOf(caseNumber)).toBe('cancelled');
  }, 60_000);

  it('should show the keys in Chinese and English', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await expect(page.getByTestId('desk-help').textContent()).resolves.toContain('立案并派遣至建议单位');
    await page.getByTestId('language').click();
    await expect(page.getByTestId('desk-help').textContent()).resolves.toContain(
      'Register and dispatch to the suggestion',
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('desk-help').count()).toBe(0);
    await page.getByTestId('language').click();
  }, 60_000);

  it("should take a hotline call caller first, showing the caller's earlier cases", async () => {
    const phone = '13912340001';
    const [earlier] = await reportDemoCases(session, 1, { offset: 27, reporterPhone: phone });
    await page.getByTestId('nav-newCase').click();
    // The caller's number is the form's first field.
    const first = page.getByTestId('new-case-form').locator('input, textarea, select').first();
    expect(await first.getAttribute('data-testid')).toBe('new-caller-phone');
    await first.fill('139 1234 0001');
    await first.press('Enter');
    const history = page.getByTestId('caller-history');
    await expect.poll(() => history.getByTestId('caller-case').count()).toBe(1);
    expect(await history.textContent()).toContain('139****0001');
    expect(await history.getByTestId('caller-case').textContent()).toContain(earlier);
    expect(await history.textContent()).not.toContain(phone);
    await page.screenshot({ path: `${OUTPUT_DIR}/desk-caller-first.png` });

    await page.getByTestId('new-title').fill('又来电：小区门口路灯仍不亮 (e2e)');
    await page.getByTestId('category-level-1').selectOption('01');
    await page.getByTestId('category-level-2').selectOption('0102');
    await page.getByTestId('category-level-3').selectOption('010204');
    await page.getByTestId('new-address').fill('芙蓉区五一大道');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d{6}$/);
    const lookup = await session.request<{ total: number }>('/cases/caller-history', {
      method: 'POST',
      body: { phone },
    });
    expect(lookup.total).toBe(2);
  }, 60_000);

  it('should not scroll sideways on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${session.base()}/workbench`);
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: `${OUTPUT_DIR}/desk-phone.png`, fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 60_000);
});
