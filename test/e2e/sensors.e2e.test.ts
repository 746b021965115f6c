/**
 * The sensor feeds page (物联感知) as an administrator uses it: a device registered with the page's form
 * shows its key once; the readings it then sends (a repeat, a late one, a breach, and one with a bad
 * signature) show on the page as its latest reading, its counters and the case its rule opened, which
 * opens from there. Saves docs/screenshots/desk-sensors.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { signReadings } from '../../src/sensors/index.ts';
import { gaugeType, leafCategory } from '../sensor-feeds.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const DEVICE_NAME = '五一大道下穿隧道积水 1 号';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the sensor feeds page (Chromium)', () => {
  const session = consoleSession(0);
  let page: Page;

  beforeAll(async () => {
    page = session.page();
    const category = await leafCategory(session.database().db);
    const created = await session.app().inject({
      method: 'POST',
      url: '/api/v1/sensors/device-types',
      headers: await session.as('admin'),
      payload: gaugeType('flood-gauge', category),
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  /** The minute the test began: readings are measured whole minutes before it, so a repeat is the same instant. */
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  /** Sends readings as the device, signed with `key`, measured `minutesAgo` before the test began. */
  const send = (deviceId: string, key: string, readings: [minutesAgo: number, value: number][]) => {
    const body = JSON.stringify({
      readings: readings.map(([minutesAgo, value]) => ({
        measuredAt: new Date(start - minutesAgo * 60_000).toISOString(),
        value,
      })),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    return session.app().inject({
      method: 'POST',
      url: `/sensors/v1/devices/${deviceId}/readings`,
      headers: {
        'content-type': 'application/json',
        'x-civicgrid-timestamp': timestamp,
        'x-civicgrid-signature': signReadings(key, timestamp, body),
      },
      payload: body,
    });
  };

  it('should register a device, show its key once, and show its readings, counters and the case its rule opened', async () => {
    await session.signInAs('admin');
    await page.goto(`${session.base()}/sensors`);
    await page.getByTestId('register-device').waitFor();
    await page.getByTestId('device-name').fill(DEVICE_NAME);
    await page.getByTestId('device-longitude').fill('112.9853');
    await page.getByTestId('device-latitude').fill('28.1942');
    await page.getByTestId('register-device').locator('button[type=submit]').click();
    const key = (await page.getByTestId('device-key').locator('code').first().textContent())!;
    expect(key).toMatch(/^cgd_/);
    const row = page.locator('tr[data-device]', { hasText: DEVICE_NAME });
    await row.waitFor();
    const deviceId = (await row.getAttribute('data-device'))!;

    // 1.2 m, 1.3 m, then 5.6 m (above 5 m); then the reading of 20 minutes ago again, and a late one.
    expect(
      (
        await send(deviceId, key, [
          [30, 1.2],
          [20, 1.3],
          [2, 5.6],
        ])
      ).statusCode,
    ).toBe(200);
    const again = (
      await send(deviceId, key, [
        [20, 1.3],
        [25, 1.25],
      ])
    ).json();
    expect(again).toMatchObject({ accepted: 1, duplicates: 1, outOfOrder: 1 });
    expect((await send(deviceId, 'cgd_not-the-key', [[1, 9.9]])).statusCode).toBe(401);

    await page.reload();
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('5.6 m');
    const text = (await row.textContent())!;
    expect(text).toContain('接收 4');
    expect(text).toContain('重复 1');
    expect(text).toContain('乱序 1');
    expect(text).toContain('签名拒收 1');
    // The level jumped 4.3 m in 18 minutes: the rate rule opened its case too.
    const links = row.locator('a.case-number');
    expect(await links.count()).toBe(2);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SCREENSHOTS}/desk-sensors.png` });

    const caseNumber = (await links.first().textContent())!;
    await links.first().click();
    await page.getByTestId('timeline').waitFor();
    expect(page.url()).toContain(`/cases/${caseNumber}`);
  });
});
