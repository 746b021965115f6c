/**
 * The data sharing page (数据共享) as two departments use it: the Ecology and Environment Bureau asks the
 * Urban Management Bureau for fields of its cases with the page's form; the bureau approves fewer fields
 * on its page; the requester then reads the first rows through the grant, and sees only the fields
 * granted. A second request is refused with a reason, which the requester reads. Saves
 * docs/screenshots/data-sharing.png (the owner's page with the grant, 1440×900).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerPlatformDatasets } from '../../src/hub/index.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const REQUESTER = 'handler.ecology';
const OWNER = 'handler.urban-management';
const PURPOSE = '核查餐饮油烟扰民投诉的分布';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the data sharing page (Chromium)', () => {
  const session = consoleSession(8);
  let page: Page;

  beforeAll(async () => {
    page = session.page();
    await page.setViewportSize({ width: 1440, height: 900 });
    await registerPlatformDatasets(session.database().db, systemClock.now());
  });

  const openAs = async (username: string) => {
    await session.signInAs(username);
    await page.goto(`${session.base()}/sharing`);
    await page.getByTestId('data-sharing').waitFor();
  };

  it('should ask, approve fewer fields, and read only those through the grant', async () => {
    await openAs(REQUESTER);
    const form = page.getByTestId('share-ask');
    await form.locator('select').first().selectOption('cases');
    for (const field of ['case_number', 'status', 'address', 'created_at']) {
      await form.locator(`input[type=checkbox][value=${field}]`).check();
    }
    await form.locator('textarea').fill(PURPOSE);
    await form.locator('button[type=submit]').click();
    await page.getByTestId('share-requests-mine').locator('tr[data-state=pending]').waitFor();

    await openAs(OWNER);
    const decision = page.getByTestId('share-decision').first();
    await expect(decision.textContent()).resolves.toContain(PURPOSE);
    await decision.getByLabel('address').uncheck();
    await decision.getByRole('button', { name: '批准' }).click();
    const granted = page.getByTestId('share-grants').locator('tr[data-state=active]');
    await granted.waitFor();
    expect(await granted.textContent()).not.toContain('address');
    await page.screenshot({ path: `${SCREENSHOTS}/data-sharing.png` });

    await openAs(REQUESTER);
    await page.getByTestId('share-requests-mine').getByTestId('share-preview').click();
    const rows = page.getByTestId('share-rows');
    await rows.waitFor();
    const headers = (await rows.locator('th').allTextContents()).sort();
    expect(headers).toEqual(['case_number', 'created_at', 'status']);
    expect(await rows.locator('tbody tr').count()).toBe(8);
  });

  it('should show the requester why a request was refused', async () => {
    const asked = await session.app().inject({
      method: 'POST',
      url: '/api/v1/sharing/requests',
      headers: await session.as(REQUESTER),
      payload: {
        dataset: 'cases',
        fields: ['description'],
        purpose: PURPOSE,
        legalBasis: 'public_interest',
        from: new Date().toISOString(),
        to: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    await openAs(OWNER);
    const decision = page.locator(`[data-testid=share-decision][data-request="${asked.json().id}"]`);
    await decision.getByLabel('理由').fill('案件描述超出核查所需');
    await decision.getByRole('button', { name: '拒绝' }).click();
    await decision.waitFor({ state: 'detached' });

    await openAs(REQUESTER);
    const refused = page.getByTestId('share-requests-mine').locator(`tr[data-request="${asked.json().id}"]`);
    await expect(refused.getAttribute('data-state')).resolves.toBe('refused');
    expect(await refused.textContent()).toContain('案件描述超出核查所需');
  });
});
