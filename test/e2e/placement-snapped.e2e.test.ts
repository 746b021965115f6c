/**
 * A case reported just outside every area (a river bank beyond the city's edge) is placed on the nearest
 * area, and its page tells the dispatcher it was snapped there and how far, in either language.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { packGeometry } from '../../src/grid/placement.ts';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('a case snapped to the nearest area, in the console (Chromium)', () => {
  const session = consoleSession(0);
  let page: Page;

  beforeAll(async () => {
    page = session.page();
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  /** 30 m due west of the westernmost vertex of all the city's boundaries: 30 m from every area. */
  async function thirtyMetresOutside() {
    const rows = await session.database().db.selectFrom('grid_areas').select('geometry').execute();
    let west = { longitude: Infinity, latitude: 0 };
    for (const ring of rows.flatMap((r) => packGeometry(r.geometry).flat())) {
      for (let i = 0; i < ring.length; i += 2) {
        if (ring[i]! < west.longitude) west = { longitude: ring[i]!, latitude: ring[i + 1]! };
      }
    }
    const metresPerDegree = 111_320 * Math.cos((west.latitude * Math.PI) / 180);
    return { longitude: west.longitude - 30 / metresPerDegree, latitude: west.latitude };
  }

  it('should show "snapped to the nearest area (30 m)" beside the location', async () => {
    await session.signInAs('dispatcher');
    const { caseNumber } = await session.request<{ caseNumber: string }>('/cases', {
      method: 'POST',
      body: {
        title: '江边护栏断了 (e2e snapped)',
        description: '沩水河堤步道护栏断了一段',
        categoryCode: '010204',
        location: await thirtyMetresOutside(),
        channel: 'hotline',
      },
    });
    await page.goto(`${session.base()}/cases/${caseNumber}`);
    const snapped = page.getByTestId('placement-snapped');
    await expect(snapped.textContent()).resolves.toBe(' · 不在任何区域内，已就近归入最近区域（30 米）');
    await page.screenshot({ path: `${OUTPUT_DIR}/case-placement-snapped.png` });
    await page.getByTestId('language').click();
    await expect(snapped.textContent()).resolves.toBe(' · outside every area: snapped to the nearest area (30 m)');
  }, 120_000);
});
