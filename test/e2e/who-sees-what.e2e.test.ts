/**
 * Who sees what, as the people who decide it see it in the console: the administrator reads every staff
 * member's reach and sees at once who has no area (and so no case); the dispatcher sees the priority a
 * citizen asked for and confirms one when registering; the data steward sees a correction request masked
 * until opening it; signing out everywhere says how many sessions ended and tokens were revoked.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('who sees what (Chromium)', () => {
  const session = consoleSession(6);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  /** The page at a desk (1440 px) and on a phone (390 px). */
  async function shots(name: string) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${OUTPUT_DIR}/who-sees-what-${name}.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${OUTPUT_DIR}/who-sees-what-${name}-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  }

  async function inject<T>(username: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
    const response = await session
      .app()
      .inject({ method, url: `/api/v1${url}`, headers: await session.as(username), payload });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return (response.body ? response.json() : null) as T;
  }

  it('should show the administrator who reaches the whole city, which areas, and who reaches nothing', async () => {
    await signInAs('admin');
    await page.goto(`${base}/staff`);
    const row = (username: string) => page.locator(`tr[data-username="${username}"]`);
    await row('dispatcher').waitFor();
    expect(await row('dispatcher').getByTestId('reach-now').textContent()).toBe('全市');
    expect(await row('gridworker').getByTestId('reach-now').textContent()).toBe('430102');

    // Taking 赵网格 off 天心区 leaves them with no area: shown as such, not as the whole city.
    const tianxin = row('gridworker.430103');
    await tianxin.getByTestId('reach-change').click();
    await tianxin.locator('[data-testid="reach-areas-chosen"] li[data-code="430103"] button').click();
    await tianxin.getByTestId('reach-save').click();
    await expect.poll(() => tianxin.getByTestId('reach-now').textContent()).toBe('无辖区：看不到任何案件');
    const counts = await inject<{ total: number }>('gridworker.430103', 'GET', '/cases/counts');
    expect(counts.total).toBe(0);
    await shots('staff');

    await tianxin.getByTestId('reach-change').click();
    await tianxin.getByTestId('reach-areas-list').selectOption('430103');
    await tianxin.getByTestId('reach-save').click();
    await expect.poll(() => tianxin.getByTestId('reach-now').textContent()).toBe('430103');
  });

  it('should show the dispatcher the priority a citizen asked for, and let them confirm another when registering', async () => {
    const created = await inject<{ caseNumber: string }>('citizen', 'POST', '/cases', {
      title: '小区门口路灯不亮',
      description: '晚上很黑，老人出门不方便',
      categoryCode: '010204',
      location: { longitude: 112.99, latitude: 28.195 },
      priority: 'urgent',
    });
    await signInAs('dispatcher');
    await page.goto(`${base}/cases/${created.caseNumber}`);
    await page.getByTestId('requested-priority').waitFor();
    expect(await page.getByTestId('case-priority').textContent()).toMatch(/市民请求：特急/);
    await page.getByTestId('action-register').click();
    await page.getByTestId('action-priority').selectOption('high');
    await shots('confirm-priority');
    await page.getByTestId('action-submit').click();
    await expect.poll(() => page.getByTestId('case-status').textContent()).toMatch(/已立案/);
    expect(await page.getByTestId('case-priority').textContent()).toMatch(/^紧急/);
  });

  it('should show the steward a correction masked, and in clear only once opened (and recorded)', async () => {
    await inject('citizen2', 'POST', '/me/data-requests', {
      kind: 'correction',
      reason: '电话号码换了',
      changes: { phone: '13912340000', name: '刘新名' },
    });
    await signInAs('steward');
    await page.goto(`${base}/data-requests`);
    const changes = page.getByTestId('request-changes').first();
    await changes.waitFor();
    expect(await changes.textContent()).not.toContain('13912340000');
    expect(await changes.textContent()).toContain('139****0000');
    await page.getByTestId('reveal-changes').first().click();
    await expect.poll(() => changes.textContent()).toContain('13912340000');
    await shots('data-request-revealed');
    const accesses = await inject<Array<{ purpose: string }>>('citizen2', 'GET', '/me/data-accesses');
    expect(accesses[0]?.purpose).toBe('data_rights_request');
  });

  it('should say how many sessions ended and API tokens were revoked when signing out everywhere', async () => {
    await signInAs('supervisor');
    await session.request('/auth/tokens', { method: 'POST', body: { label: '报表系统', scopes: ['cases:read'] } });
    await page.getByTestId('sign-out-everywhere').click();
    const notice = page.getByText(/已在所有设备退出/);
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/吊销 1 个 API 令牌/);
  });
});
