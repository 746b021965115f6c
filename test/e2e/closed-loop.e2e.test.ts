/**
 * The whole 12345 closed loop through the console, one case: a routing rule sends it to a body that has
 * nothing else this month; the citizen reports it; the dispatcher registers and dispatches it from the
 * workbench; the body returns it; the dispatcher re-dispatches it from the board's returns; the body
 * accepts it and asks for more time; the supervisor approves on the board; the body handles it; the grid
 * worker fails the verification; the body handles it again; it is verified and closed; the citizen answers
 * the survey dissatisfied, which reopens it. The evaluation page then shows the body's indicators moved
 * exactly as src/evaluation/indicators.ts defines them.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';
import { expandOnDesk } from './desk-cases.ts';

const CATEGORY = ['01', '0102', '010212']; // 城乡建设 / 城市建设和市政管理 / 小区管理
const AREA = '430102'; // 芙蓉区, where the demo grid worker 王网格 verifies
const BODY_NAME = '芙蓉区社区志愿服务队'; // no category default, no demo rule: no other dispatches
const BODY_USER = 'handler.volunteers-furong';
const ASSISTING_NAME = '长沙示范物业服务有限公司'; // the rule's assisting body (协办)
const RETURN_REASON = '需补充具体楼栋号，请核实后再派 / Needs the building number';

/** The current month in the city (Asia/Shanghai), as the server's evaluation counts it. */
function cityMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(new Date())
    .reduce<Record<string, string>>((all, p) => Object.assign(all, { [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}`;
}

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the closed loop in the console (Chromium)', () => {
  const session = consoleSession(10);
  const { signInAs, act } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  const shot = (name: string) => page.screenshot({ path: `${OUTPUT_DIR}/closed-loop-${name}.png`, fullPage: true });

  const status = async () =>
    page.getByTestId('case-status').locator('[data-status]').first().getAttribute('data-status');

  /** The handling body's queue row for the case. */
  async function queueRow(caseNumber: string): Promise<Locator> {
    await page.goto(`${base}/queue`);
    await page.getByTestId('handler-queue').waitFor();
    return page.locator(`[data-testid="queue"] tr[data-case="${caseNumber}"]`);
  }

  /** A queue action that needs a note (and for an extension, days), submitted from the row. */
  async function queueAction(row: Locator, action: string, note: string, days?: number) {
    await row.getByTestId(`queue-${action}`).click();
    if (days !== undefined) await row.getByTestId('queue-extension-days').fill(String(days));
    await row.getByTestId('queue-note').fill(note);
    await row.getByTestId('queue-submit').click();
  }

  /** The evaluation page's row of a body for the month, or null when the body has none. */
  async function evaluationRow(month: string, bodyId: string) {
    await page.goto(`${base}/evaluation?month=${month}&group=body&tab=ranking`);
    await page.getByTestId('ranking').waitFor();
    const row = page.locator(`[data-testid="ranking-row"][data-key="${bodyId}"]`);
    if ((await row.count()) === 0) return null;
    const cells = await row
      .locator('td[data-indicator]')
      .evaluateAll((tds) =>
        Object.fromEntries(
          tds.map((td) => [
            td.getAttribute('data-indicator'),
            { value: td.getAttribute('data-value'), text: td.textContent },
          ]),
        ),
      );
    return cells as Record<string, { value: string; text: string }>;
  }

  it('should walk a case through return, extension, rework and a dissatisfied survey, and score the body', async () => {
    const month = cityMonth();

    // 1. The supervisor routes estate problems in 芙蓉区 to the volunteer team (the newest of equally specific
    //    rules wins), and checks it with the tester.
    await signInAs('supervisor');
    await page.goto(`${base}/routing-rules`);
    await page.getByTestId('rules').waitFor();
    await page.getByTestId('add-rule').click();
    const form = page.getByTestId('rule-form');
    for (const [level, code] of CATEGORY.entries()) {
      await form.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await form.getByTestId('rule-area-list').selectOption(AREA);
    await form.getByTestId('rule-lead').selectOption({ label: BODY_NAME });
    await form.getByTestId('rule-assisting').selectOption([{ label: ASSISTING_NAME }]);
    await form.getByTestId('rule-note').fill('e2e: 小区问题由志愿服务队试点办理');
    await form.getByTestId('rule-save').click();
    await page.getByTestId('rule-form').waitFor({ state: 'detached' });
    await page.getByTestId('rules').locator('tr[data-rule]').filter({ hasText: 'e2e:' }).waitFor();
    await expect(page.getByTestId('rules').locator('tr[data-rule]').count()).resolves.toBe(4);
    const tester = page.getByTestId('rule-tester');
    for (const [level, code] of CATEGORY.entries()) {
      await tester.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await tester.getByTestId('tester-grid-list').selectOption(AREA);
    await tester.getByTestId('tester-run').click();
    const tested = page.getByTestId('tester-result');
    await tested.waitFor();
    expect(await tested.getAttribute('data-source')).toBe('rule');
    expect(await tested.textContent()).toContain(BODY_NAME);
    await shot('01-routing-rules');

    // Nothing for the body this month before the walk: its row is absent.
    const bodies = await session.request<Array<{ id: string; nameZh: string }>>('/handling-bodies');
    const bodyId = bodies.find((b) => b.nameZh === BODY_NAME)!.id;
    expect(await evaluationRow(month, bodyId)).toBeNull();

    // 2. The citizen reports through the form.
    await signInAs('citizen');
    await page.getByTestId('nav-newCase').click();
    await page.getByTestId('new-title').fill('小区楼道堆放杂物堵塞消防通道 (e2e closed loop)');
    await page.getByTestId('new-description').fill('芙蓉区某小区 3 栋楼道长期堆放杂物，物业未清理。');
    for (const [level, code] of CATEGORY.entries()) {
      await page.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await page.getByTestId('new-address').fill('芙蓉区五一大道某小区 3 栋');
    await page.getByTestId('new-longitude').fill('112.99');
    await page.getByTestId('new-latitude').fill('28.195');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/cases\/\d{4}-\d{6}$/);
    const caseNumber = page.url().split('/').pop()!;
    expect(await status()).toBe('reported');

    // 3. The dispatcher registers and dispatches it to the suggestion from the desk: one key.
    await signInAs('dispatcher');
    await page.getByTestId('nav-workbench').click();
    const deskRow = page.locator(`[data-desk-case="${caseNumber}"]`);
    await deskRow.getByTestId('desk-suggestion').and(page.locator('[data-source="rule"]')).waitFor();
    expect(await deskRow.getByTestId('desk-suggestion').textContent()).toContain(BODY_NAME);
    await shot('02-workbench-new');
    await deskRow.locator('.desk-meta').click();
    await page.keyboard.press('d');
    await deskRow.getByTestId('desk-done').waitFor();
    expect(await deskRow.getByTestId('desk-done').textContent()).toContain(BODY_NAME);

    // 4. The body returns it, with its reason.
    await signInAs(BODY_USER);
    let row = await queueRow(caseNumber);
    await row.waitFor();
    await shot('03-queue-dispatched');
    await queueAction(row, 'return', RETURN_REASON);
    await row.waitFor({ state: 'detached' });

    // 5. The dispatcher sees the return on the board and re-dispatches it from the workbench.
    await signInAs('dispatcher');
    await page.getByTestId('nav-supervision').click();
    const returned = page.locator(`[data-testid="board-returns"] tr[data-case="${caseNumber}"]`);
    await returned.waitFor();
    expect(await returned.textContent()).toContain(RETURN_REASON);
    await page.getByTestId('to-workbench').click();
    await page.waitForURL(/view=redispatch/);
    const card = await expandOnDesk(page, caseNumber);
    await card.getByTestId('return-reason').waitFor();
    expect(await card.getByTestId('return-reason').textContent()).toContain(RETURN_REASON);
    await shot('04-workbench-redispatch');
    await card.getByTestId('wb-dispatch-suggested').click();
    await card.getByTestId('workbench-done').waitFor();

    // 6. The body accepts it and asks for three more working days. While the request waits, the queue offers
    //    no second one: it says the extension is pending instead (the list's pendingExtension).
    await signInAs(BODY_USER);
    row = await queueRow(caseNumber);
    expect(await row.getByTestId('queue-extension-pending').count()).toBe(0);
    await row.getByTestId('queue-accept').click();
    await row.locator('[data-status="in_progress"]').waitFor();
    await queueAction(row, 'request_extension', '需协调物业与消防部门，申请延期 / Needs the fire service', 3);
    await row.getByTestId('queue-form').waitFor({ state: 'detached' });
    await row.getByTestId('queue-extension-pending').waitFor();
    await expect(row.getByTestId('queue-extension-pending').textContent()).resolves.toBe('延期审批中');
    expect(await row.getByTestId('queue-request_extension').count()).toBe(0);
    expect(await row.getByTestId('queue-handle').count()).toBe(1);
    expect(await row.locator('[data-light]').getAttribute('data-light')).toBe('green');
    // After a reload too: the badge comes from the server, not from what this page did.
    row = await queueRow(caseNumber);
    await row.getByTestId('queue-extension-pending').waitFor();
    expect(await row.getByTestId('queue-request_extension').count()).toBe(0);
    await shot('05-queue-extension-requested');

    // 7. The supervisor approves it on the board.
    await signInAs('supervisor');
    await page.getByTestId('nav-supervision').click();
    const request = page.locator(`[data-testid="board-extensions"] tr[data-case="${caseNumber}"]`);
    await request.waitFor();
    // A normal-priority case's clock counts working time: the extra time reads as working days.
    const extra = request.getByTestId('extension-extra');
    expect(await extra.getAttribute('data-measure')).toBe('working');
    await expect(extra.textContent()).resolves.toBe('3 个工作日');
    await request.getByTestId('extension-note').fill('同意延期 3 个工作日');
    await shot('06-board-extension');
    await request.getByTestId('approve-extension').click();
    await request.waitFor({ state: 'detached' });

    // The case page shows the extended handling deadline and no pending request.
    await page.goto(`${base}/cases/${caseNumber}`);
    const handling = page.locator('[data-testid="deadlines"] tr[data-kind="handling"]').last();
    await handling.waitFor();
    expect(await handling.textContent()).toContain('+');
    expect(await page.getByTestId('pending-extension').count()).toBe(0);
    // The history shows the days asked for, and the dispatches to the suggestion with the rule's assisting body.
    const timeline = page.getByTestId('timeline');
    const asked = timeline.locator('li[data-action="request_extension"]');
    expect(await asked.getByTestId('event-extension-days').getAttribute('data-days')).toBe('3');
    await expect(asked.getByTestId('event-extension-days').textContent()).resolves.toBe('3 个工作日');
    const dispatches = timeline.locator('li[data-action="dispatch"]');
    expect(await dispatches.count()).toBe(2);
    for (const dispatch of await dispatches.all()) {
      await expect(dispatch.getByTestId('event-body').textContent()).resolves.toBe(`→ ${BODY_NAME}`);
      expect(await dispatch.getByTestId('event-overridden').count()).toBe(0);
      await expect(dispatch.getByTestId('event-assisting').textContent()).resolves.toBe(`协办：${ASSISTING_NAME}`);
    }

    // 8. The body handles it; the grid worker finds it not solved (rework); the body handles it again.
    //    The request decided, the queue no longer says it is pending, and offers a new one.
    await signInAs(BODY_USER);
    row = await queueRow(caseNumber);
    await row.getByTestId('queue-handle').waitFor();
    expect(await row.getByTestId('queue-extension-pending').count()).toBe(0);
    expect(await row.getByTestId('queue-request_extension').count()).toBe(1);
    await queueAction(row, 'handle', '已联系物业清理楼道 / The property company was asked to clear it');
    // Handled, it stays in the queue (its deadline paused) until the verification, with nothing to do.
    await row.locator('[data-status="handled"]').waitFor();
    expect(await row.getByTestId('queue-handle').count()).toBe(0);
    await signInAs('gridworker');
    await act(caseNumber, 'verify_fail', (p) => p.getByTestId('action-note').fill('现场核查：杂物仍未清理'));
    expect(await status()).toBe('in_progress');
    expect(await page.getByTestId('rework-count').textContent()).toBe('1');
    await signInAs(BODY_USER);
    row = await queueRow(caseNumber);
    await queueAction(row, 'handle', '已现场清理全部杂物 / Cleared on site');
    await row.locator('[data-status="handled"]').waitFor();

    // 9. Verified and closed.
    await signInAs('gridworker');
    await act(caseNumber, 'verify_pass');
    await signInAs('dispatcher');
    await act(caseNumber, 'close');
    expect(await status()).toBe('closed');

    // 10. The citizen is dissatisfied: the case reopens.
    await signInAs('citizen');
    await page.goto(`${base}/cases/${caseNumber}`);
    await page.getByTestId('survey-form').waitFor();
    await page.getByTestId('survey-dissatisfied').check();
    await page.getByTestId('survey-solved-no').check();
    await page.getByTestId('survey-comment').fill('杂物又堆回来了');
    await page.getByTestId('survey-submit').click();
    await page.getByTestId('survey-result').waitFor();
    await page.locator('[data-testid="case-status"] [data-status="reopened"]').waitFor();
    expect(await page.getByTestId('surveys').locator('li').getAttribute('data-satisfaction')).toBe('dissatisfied');
    expect(await page.getByTestId('survey-form').count()).toBe(0);
    await shot('07-case-reopened');

    // The reopened case is back on the desk.
    await signInAs('dispatcher');
    await page.goto(`${base}/workbench?view=redispatch`);
    await deskRow.getByTestId('desk-dispatch').waitFor();

    // 11. The body's indicators for the month, as defined in src/evaluation/indicators.ts:
    //     two dispatches (the returned one, and the one handled, reworked, verified and surveyed).
    await signInAs('supervisor');
    const figures = await evaluationRow(month, bodyId);
    expect(figures).not.toBeNull();
    const value = (id: string) => figures![id]!.value;
    expect(value('dispatches')).toBe('2');
    // Returned within the response deadline counts as a response; the second was accepted in time.
    expect(value('responseRate')).toBe('1');
    // The returned dispatch's handling is not decided; the other was handled in time (with the extension).
    expect(value('onTimeRate')).toBe('1');
    expect(value('returnRate')).toBe('0.5');
    expect(figures!.returnRate!.text).toBe('50.0%');
    // One dispatch handled at all, and it failed verification once.
    expect(value('reworkRate')).toBe('1');
    expect(value('overdueCount')).toBe('0');
    // One survey: dissatisfied, not solved, and it reopened the case.
    expect(value('satisfactionRate')).toBe('0');
    expect(value('solvedRate')).toBe('0');
    expect(value('dissatisfiedReopens')).toBe('1');
    // Composite with the default weights 10 : 40 : 20 : 20 : 10 (response, on time, solved, satisfied,
    // 1 − rework): (1 × 10 + 1 × 40 + 0 × 20 + 0 × 20 + 0 × 10) / 100 × 100. Two dispatches are too few
    // to be ranked.
    expect(value('composite')).toBe('50');
    // Every column explains itself: the definition as the header's tooltip and in the list below.
    const header = page.locator('th[data-indicator="returnRate"]');
    expect(await header.getAttribute('title')).toBe('被退回（退单）的派遣 ÷ 派遣量。');
    await page.locator('[data-definition="reworkRate"]').waitFor();
    await page.getByTestId('chart-composite').and(page.locator('[data-ready="true"]')).waitFor();
    await shot('08-evaluation');
    await page.getByTestId('language').click();
    await expect(header.textContent()).resolves.toBe('Return rate');
    await shot('09-evaluation-en');
  }, 300_000);
});
