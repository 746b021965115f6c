/**
 * What a case's history (办理过程) tells beyond the action: the dispatcher sends a case elsewhere than the
 * routing suggests (an override, which the history marks), and merges a duplicate into it (the duplicate's
 * history links to the case it went into).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';
import { expandOnDesk } from './desk-cases.ts';

const OTHER_BODY = '芙蓉区社区志愿服务队'; // not the category's default body: choosing it is an override
const OTHER_BODY_EN = 'Furong Community Volunteer Team';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the case history in the console (Chromium)', () => {
  const session = consoleSession(5);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  /** Reports a street-light case in 芙蓉区 through the API as the signed-in user; its case number. */
  const report = async (title: string) =>
    (
      await session.request<{ caseNumber: string }>('/cases', {
        method: 'POST',
        body: {
          title,
          description: '五一大道路灯不亮',
          categoryCode: '010204',
          address: '芙蓉区五一大道',
          location: { longitude: 112.99, latitude: 28.195 },
          channel: 'hotline',
        },
      })
    ).caseNumber;

  it('should mark an override in the history and link a merged duplicate to its parent', async () => {
    await signInAs('dispatcher');
    const parent = await report('五一大道路灯不亮 (e2e history)');
    const duplicate = await report('五一大道路灯坏了 (e2e history)');

    // The workbench says where the suggestion comes from (the API's suggestion.source): the category's default.
    await page.goto(`${base}/workbench`);
    const card = await expandOnDesk(page, parent);
    await card.getByTestId('routing-source').and(page.locator('[data-source="category_default"]')).waitFor();
    await card.getByTestId('wb-register').click();
    await card.getByTestId('wb-body').selectOption({ label: OTHER_BODY });
    await card.getByTestId('override-hint').waitFor();
    await card.getByTestId('wb-dispatch-other').click();
    await card.getByTestId('workbench-done').waitFor();

    // The duplicate goes into the parent; its history links there.
    await page.goto(`${base}/cases/${duplicate}`);
    await page.getByTestId('action-merge').click();
    await page.getByTestId('action-parent-case').fill(parent);
    await page.getByTestId('action-submit').click();
    await page.locator('[data-testid="case-status"] [data-status="merged"]').waitFor();
    const merge = page.locator('[data-testid="timeline"] li[data-action="merge"]');
    await expect(merge.getByTestId('event-parent-case').textContent()).resolves.toBe(`并入 ${parent}`);
    await merge.getByTestId('event-parent-case').getByRole('link').click();
    await page.waitForURL(new RegExp(`/cases/${parent}$`));

    // The parent's dispatch went elsewhere than the suggestion: the history says so, in either language.
    const dispatch = page.locator('[data-testid="timeline"] li[data-action="dispatch"]');
    await dispatch.waitFor();
    await expect(dispatch.getByTestId('event-body').textContent()).resolves.toBe(`→ ${OTHER_BODY}（未采用建议）`);
    expect(await dispatch.getByTestId('event-overridden').count()).toBe(1);
    // An override takes no assisting bodies from the suggestion.
    expect(await dispatch.getByTestId('event-assisting').count()).toBe(0);
    await expect(page.getByTestId('me-too-count').textContent()).resolves.toBe('1');
    await page.screenshot({ path: `${OUTPUT_DIR}/case-history-override.png`, fullPage: true });
    await page.getByTestId('language').click();
    await expect(dispatch.getByTestId('event-body').textContent()).resolves.toBe(
      `→ ${OTHER_BODY_EN} (override: not the suggestion)`,
    );
  }, 120_000);
});
