/**
 * Open data in the browser: the data steward publishes a suppression-only release and a noisy one on the
 * console page (开放数据), is refused clearly when a third would overspend the ε budget, and raises the
 * budget; then a resident finds the release on the portal's open-data page, on a phone, with its
 * downloads working, the plain-words explanation, and the CKAN catalogue's public datasets. axe-core finds
 * no serious WCAG violation, nothing scrolls sideways, and the downloads are reached with the keyboard.
 * Saves docs/screenshots/open-data-console.png (1440×900) and open-data-portal-phone.png (390×844).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './accessibility.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const FIXTURES = join(import.meta.dirname, '../../src/hub/fixtures');
const TITLE = '各区案件数（按月）';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the open-data pages (Chromium)', () => {
  const session = consoleSession(8);
  let page: Page;

  beforeAll(() => {
    page = session.page();
  });

  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  async function publish(title: string, epsilon?: number) {
    const form = page.getByTestId('release-form');
    await form.locator('input[name="title"]').fill(title);
    await form.locator('select[name="areaLevel"]').selectOption('district');
    if (epsilon !== undefined) {
      await form.locator('input[name="noise"]').check();
      await form.locator('input[name="epsilon"]').fill(String(epsilon));
    } else {
      await form.locator('input[name="noise"]').uncheck();
    }
    await form.locator('button[type="submit"]').click();
  }

  it('should publish releases as the steward, refuse one past the ε budget, and set the budget', async () => {
    await session.signInAs('steward');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${session.base()}/open-data`);
    const form = page.getByTestId('release-form');
    expect(await form.locator('input[name="threshold"]').inputValue()).toBe('5');

    await publish(TITLE);
    const row = page.getByTestId('releases').locator('tr', { hasText: TITLE });
    await row.waitFor();
    expect(await form.locator('input[name="title"]').inputValue()).toBe('');
    expect(await row.textContent()).toContain('仅小数抑制');
    const links = row.locator('a[download]');
    expect(await links.allTextContents()).toEqual(['CSV', 'JSON', 'GeoJSON']);

    await publish('各区案件数（加噪声）', 0.6);
    await page.getByTestId('releases').locator('tr', { hasText: '加噪声' }).waitFor();
    expect(await page.getByTestId('remaining').textContent()).toMatch(/^0\.4/);

    // A second ε = 0.6 would overspend the budget of 1: the server's 409 is told with what remains.
    await publish('各区案件数（超出预算）', 0.6);
    const alert = page.getByTestId('open-data-error');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('OPENDATA_ERR_BUDGET_EXCEEDED');
    expect(await alert.textContent()).toContain('只剩 0.4');
    expect(await page.getByTestId('releases').textContent()).not.toContain('超出预算');
    await page.screenshot({ path: `${SCREENSHOTS}/open-data-console.png` });
    // On a phone the page folds to one column and the tables scroll inside their own box.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });

    const budget = page.locator('[data-testid="budget"][data-dataset="cases"]');
    await budget.locator('input[name="totalEpsilon"]').fill('2');
    await budget.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('remaining').textContent()).toMatch(/^1\.4/);
    expect(await budget.locator('tbody tr').count()).toBe(1);
    expect(await overflow()).toBeLessThanOrEqual(0);

    // A reference dataset imported on the import page and opened in the catalogue, so that the CKAN API has
    // a public dataset (with its resources) for the portal to show.
    await page.goto(`${session.base()}/catalogue/import`);
    const upload = page.getByTestId('import-data');
    await upload.locator('input[value="reference"]').check();
    await upload.locator('input[name="dataset"]').fill('facilities');
    await upload.locator('input[name="title"]').fill('公共服务设施');
    await upload.locator('input[type="file"]').setInputFiles(join(FIXTURES, 'facilities-gbk.csv'));
    await upload.locator('button[type="submit"]').click();
    await page.locator('[data-testid="import-state"][data-status="completed"]').waitFor({ timeout: 60_000 });
    await session.request('/catalogue/datasets/facilities/public', { method: 'PUT', body: { public: true } });
  });

  it('should show the release with its downloads on the portal, on a phone', async () => {
    await page.context().clearCookies();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${session.base()}/portal/open-data`);
    const card = page.getByTestId('releases').locator('li', { hasText: TITLE });
    await card.waitFor();
    expect(await card.textContent()).toContain('未加随机误差');
    const links = card.locator('a[download]');
    const hrefs = await links.evaluateAll((all) => all.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
    expect(hrefs.map((href) => href?.replace(/.*\/data\./, ''))).toEqual(['csv', 'json', 'geojson']);
    for (const href of hrefs) {
      const response = await page.request.get(`${session.base()}${href}`);
      expect(response.status(), href!).toBe(200);
    }
    const csv = await (await page.request.get(`${session.base()}${hrefs[0]}`)).text();
    expect(csv.split('\n')[0]).toContain(',');
    expect(await page.locator('main').textContent()).toContain('小数字不公开');

    // The catalogue's public datasets come from the CKAN API, each with its resources' links.
    const ckan = await page.request.get(`${session.base()}/api/3/action/current_package_list_with_resources`);
    const datasets = ((await ckan.json()) as { result: { name: string; resources: unknown[] }[] }).result;
    await expect.poll(() => page.getByTestId('datasets').locator('li[data-dataset]').count()).toBe(datasets.length);
    expect(datasets.length).toBeGreaterThan(0);
    for (const dataset of datasets) {
      const item = page.locator(`[data-testid="datasets"] li[data-dataset="${dataset.name}"]`);
      expect(await item.locator('.resources a').count()).toBe(dataset.resources.length);
    }

    expect(await overflow()).toBeLessThanOrEqual(0);
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/open-data-portal-phone.png`, fullPage: true });

    // Keyboard: Tab goes through the header and the page to the release's CSV link.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => (document.activeElement as HTMLAnchorElement | null)?.getAttribute('href')?.endsWith('data.csv') ?? false,
      );
    }
    expect(reached).toBe(true);
  });

  it('should fit a 1440 px screen as well', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${session.base()}/portal/open-data`);
    await page.getByTestId('releases').locator('li', { hasText: TITLE }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
