/**
 * The import page (数据导入) as the data steward uses it: a message-board export uploaded as historical
 * cases and a GBK spreadsheet export as reference data, each followed to its end with its counts, and the
 * reasons rows were left unplaced. Saves docs/screenshots/data-import.png (1440×900) and
 * data-import-phone.png (390×844).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const FIXTURES = join(import.meta.dirname, '../../src/hub/fixtures');

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the import page (Chromium)', () => {
  const session = consoleSession(0);
  let page: Page;

  beforeAll(() => {
    page = session.page();
  });

  it('should import an export as historical cases and show what became of every row', async () => {
    await session.signInAs('steward');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${session.base()}/catalogue/import`);
    const form = page.getByTestId('import-data');
    await form.locator('select[name="source"]').selectOption('teddycup');
    await form.locator('input[type="file"]').setInputFiles(join(FIXTURES, 'messages-x000d.csv'));
    await form.locator('button[type="submit"]').click();
    const state = page.locator('[data-testid="import-state"][data-status="completed"]');
    await state.waitFor({ timeout: 60_000 });
    expect(await state.locator('[data-count="read"]').textContent()).toBe('2');
    expect(await state.locator('[data-count="imported"]').textContent()).toBe('2');
    expect(await state.textContent()).toContain('无坐标');
    await page.screenshot({ path: `${SCREENSHOTS}/data-import.png` });
    // The dataset it went into is one click away, with the import in its lineage.
    await state.locator('a').click();
    await page.getByTestId('dataset-page').waitFor();
    expect(await page.getByTestId('imports').textContent()).toContain('messages-x000d.csv');
  });

  it('should import reference data on a phone, without the page scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${session.base()}/catalogue/import`);
    const form = page.getByTestId('import-data');
    await form.locator('input[value="reference"]').check();
    await form.locator('input[name="dataset"]').fill('facilities');
    await form.locator('input[name="title"]').fill('公共服务设施');
    await form.locator('input[name="key"]').fill('编号');
    await form.locator('input[type="file"]').setInputFiles(join(FIXTURES, 'facilities-gbk.csv'));
    await form.locator('button[type="submit"]').click();
    const state = page.locator('[data-testid="import-state"][data-status="completed"]');
    await state.waitFor({ timeout: 60_000 });
    expect(await state.textContent()).toContain('gb18030');
    expect(await state.locator('[data-count="imported"]').textContent()).toBe('4');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/data-import-phone.png`, fullPage: true });
  });

  it('should say clearly why a file was refused', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${session.base()}/catalogue/import`);
    const form = page.getByTestId('import-data');
    await form.locator('select[name="source"]').selectOption('nyc311');
    await form.locator('input[type="file"]').setInputFiles(join(FIXTURES, 'facilities-gbk.csv'));
    await form.locator('button[type="submit"]').click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Unique Key/);
  });
});
