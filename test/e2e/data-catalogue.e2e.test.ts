/**
 * The data catalogue page (数据目录) as the data steward uses it: the list shows every dataset with its
 * kind, owner, classification and personal-data flags, rows, last change and whether it is public; a
 * reference dataset's page shows its columns, its lineage (the import and the version it made) and its
 * quality, and the steward publishes it there (and finds it in the CKAN API), while a dataset holding
 * personal data offers no such switch. Saves docs/screenshots/data-catalogue.png (the list, 1440×900)
 * and docs/screenshots/data-catalogue-dataset.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerPlatformDatasets } from '../../src/hub/index.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { importAsAdmin } from '../hub-imports.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const FIXTURES = join(import.meta.dirname, '../../src/hub/fixtures');

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the data catalogue page (Chromium)', () => {
  const session = consoleSession(12);
  let page: Page;

  beforeAll(async () => {
    page = session.page();
    const handle = session.database();
    await registerPlatformDatasets(handle.db, systemClock.now());
    await importAsAdmin(handle, systemClock, {
      path: join(FIXTURES, 'facilities-gbk.csv'),
      target: {
        kind: 'reference',
        dataset: {
          slug: 'facilities',
          titleZh: '公共服务设施',
          titleEn: 'Public service facilities',
          licence: 'CC-BY-4.0',
        },
        keyColumn: '编号',
      },
    });
    await importAsAdmin(handle, systemClock, {
      path: join(FIXTURES, 'weather-utf16.txt'),
      target: {
        kind: 'reference',
        dataset: { slug: 'weather-sample', titleZh: '逐日天气样例', titleEn: 'Daily weather sample' },
      },
    });
    // Quality figures as the hub's measurement writes them: shown when present.
    await handle.db
      .updateTable('datasets')
      .set({
        quality: JSON.stringify({
          measuredAt: new Date().toISOString(),
          rows: 4,
          columns: {
            编号: { completeness: 1, validity: 1, uniqueness: 1 },
            名称: { completeness: 1, validity: 1, uniqueness: 1 },
            床位数: { completeness: 0.75, validity: 1, uniqueness: 0.75 },
          },
        }),
      })
      .where('slug', '=', 'facilities')
      .execute();
  });

  it('should list every dataset with its kind, owner, flags, rows, last change and public state', async () => {
    await session.signInAs('steward');
    await page.goto(`${session.base()}/catalogue`);
    const rows = page.getByTestId('datasets').locator('tr[data-dataset]');
    await rows.first().waitFor();
    const slugs = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-dataset')));
    expect([...slugs].sort()).toEqual([
      'case-counts',
      'cases',
      'evaluations',
      'facilities',
      'grid-areas',
      'weather-sample',
    ]);
    const cases = page.locator('tr[data-dataset="cases"]');
    await expect(cases.textContent()).resolves.toMatch(/个人信息|personal data/);
    await expect(cases.textContent()).resolves.toMatch(/长沙市城市管理和综合执法局|Urban Management/);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SCREENSHOTS}/data-catalogue.png` });
  });

  it('should show a dataset’s columns, lineage and quality, and let the steward publish it', async () => {
    await page.locator('tr[data-dataset="facilities"] a').click();
    await page.getByTestId('dataset-page').waitFor();
    await page.getByTestId('schema').locator('code', { hasText: '床位数' }).waitFor();
    expect(await page.getByTestId('imports').textContent()).toContain('facilities-gbk.csv');
    expect(await page.getByTestId('versions').textContent()).toMatch(/v1/);
    expect(await page.getByTestId('quality').textContent()).toContain('75.0%');
    await page.getByTestId('toggle-public').click();
    await page.getByTestId('public-state').locator('.badge.public').waitFor();
    const listed = await fetch(`${session.base()}/api/3/action/package_list`).then((r) => r.json());
    expect(listed.result).toContain('facilities');
    await page.screenshot({ path: `${SCREENSHOTS}/data-catalogue-dataset.png`, fullPage: true });

    // A dataset of personal data: no switch, the reason instead.
    await page.goto(`${session.base()}/catalogue/cases`);
    await page.getByTestId('public-state').waitFor();
    expect(await page.getByTestId('toggle-public').count()).toBe(0);
  });

  it('should keep the console from scrolling sideways with the catalogue in the dispatcher’s top bar', async () => {
    await session.signInAs('dispatcher');
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${session.base()}/catalogue`);
      await page.getByTestId('datasets').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${width} px`).toBeLessThanOrEqual(0);
    }
  });
});
