/** The map in the console: districts drawn from the city's own boundaries, unit grids, cases by status. */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the map (Chromium)', () => {
  const session = consoleSession(60);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  const casesOnMap = async () => Number((await page.getByTestId('map-case-count').textContent())?.match(/\d+/)?.[0]);

  it('should show the cases one may see, drill into a district and open a unit grid', async () => {
    await signInAs('dispatcher');
    await page.goto(`${base}/map`);
    await page.getByTestId('map-case-count').filter({ hasText: /[1-9]/ }).waitFor();
    expect(await casesOnMap()).toBe(60);
    await page.screenshot({ path: `${OUTPUT_DIR}/map-city.png` });

    await page.goto(`${base}/map?area=430102`);
    await page.getByTestId('area-card').filter({ hasText: '430102' }).waitFor();
    await page.waitForTimeout(1000); // let the unit grids draw
    const map = (await page.getByTestId('map').boundingBox())!;
    const card = page.getByTestId('area-card').filter({ hasText: /430102\d{9}/ });
    // On a busy machine the grids may not be drawn after a second (the click then hits the district):
    // click again until a unit grid's card shows.
    for (let attempt = 0; attempt < 5 && (await card.count()) === 0; attempt++) {
      await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2);
      await card.waitFor({ timeout: 5_000 }).catch(() => undefined);
    }
    await card.waitFor();
    expect(await card.textContent()).toContain('王网格');
    await page.screenshot({ path: `${OUTPUT_DIR}/map-unit-grid.png` });
  }, 90_000);

  it('should show a grid worker only the cases in their grids', async () => {
    await signInAs('gridworker');
    await page.goto(`${base}/map`);
    await page.getByTestId('map-case-count').filter({ hasText: /\d/ }).waitFor();
    await page.waitForTimeout(500);
    const onMap = await casesOnMap();
    const counts = await session.request<{ total: number }>('/cases/counts');
    expect(onMap).toBeLessThan(60);
    expect(onMap).toBeGreaterThan(0);
    expect(onMap).toBeLessThanOrEqual(counts.total);
  }, 60_000);
});
