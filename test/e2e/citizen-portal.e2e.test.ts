/**
 * Personal data through the console, both sides: the handler of the body holding a case unmasks its
 * reporter's phone for a purpose and a reason; the reporter, a citizen, signs in with a code sent to the
 * phone and finds that access under "My data" (who, their body, the purpose in words); the case is on
 * the public page until the citizen withdraws consent to publication, and then it is not.
 */
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const CITIZEN_PHONE = '13800138000'; // the demo citizen 陈市民 (username citizen)
const PURPOSE = 'contact_reporter';
const PURPOSE_ZH = '联系反映人以办理案件';
const REASON = '需要电话核实路灯具体位置 / to confirm where the lamp is';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the citizen portal and the reporter panel (Chromium)', () => {
  const session = consoleSession(10);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });

  const shot = (name: string) => page.screenshot({ path: `${OUTPUT_DIR}/citizen-portal-${name}.png`, fullPage: true });

  /** An API call outside the browser as a demo user; throws on an error status. */
  async function inject<T>(username: string, method: 'GET' | 'POST', url: string, payload?: object): Promise<T> {
    const response = await session
      .app()
      .inject({ method, url: `/api/v1${url}`, headers: await session.as(username), payload });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as T;
  }

  /**
   * A case the demo citizen reported that a body holds now (dispatched or in progress), dispatching one
   * as the dispatcher if none is; with the body's handler and name.
   */
  async function citizensHeldCase() {
    const db = session.database().db;
    const citizen = await db
      .selectFrom('users')
      .select('person_id')
      .where('username', '=', 'citizen')
      .executeTakeFirstOrThrow();
    const cases = await db
      .selectFrom('cases')
      .select(['case_number', 'status', 'assigned_body_id'])
      .where('reporter_person_id', '=', citizen.person_id!)
      .orderBy('case_number')
      .execute();
    let held = cases.find((c) => ['dispatched', 'in_progress'].includes(c.status) && c.assigned_body_id);
    if (!held) {
      const open = cases.find((c) => ['reported', 'registered', 'returned', 'reopened'].includes(c.status));
      if (!open) throw new Error(`the demo citizen has no case to dispatch: ${JSON.stringify(cases)}`);
      let detail = await inject<{ version: number; status: string; suggestion: { bodyId: string | null } }>(
        'dispatcher',
        'GET',
        `/cases/${open.case_number}`,
      );
      if (detail.status === 'reported') {
        detail = await inject('dispatcher', 'POST', `/cases/${open.case_number}/actions`, {
          action: 'register',
          version: detail.version,
        });
      }
      // The suggested body if it has a handler, else any body that has one.
      const withHandler = await db
        .selectFrom('users')
        .select('handling_body_id')
        .where('role', '=', 'handler')
        .where('handling_body_id', 'is not', null)
        .execute();
      const bodies = withHandler.map((u) => u.handling_body_id!);
      const bodyId =
        detail.suggestion.bodyId && bodies.includes(detail.suggestion.bodyId) ? detail.suggestion.bodyId : bodies[0]!;
      await inject('dispatcher', 'POST', `/cases/${open.case_number}/actions`, {
        action: 'dispatch',
        bodyId,
        version: detail.version,
      });
      held = { ...open, status: 'dispatched', assigned_body_id: bodyId };
    }
    const handler = await db
      .selectFrom('users')
      .select('username')
      .where('role', '=', 'handler')
      .where('handling_body_id', '=', held.assigned_body_id)
      .orderBy('username')
      .executeTakeFirstOrThrow();
    const body = await db
      .selectFrom('handling_bodies')
      .select(['name_zh', 'name_en'])
      .where('id', '=', held.assigned_body_id!)
      .executeTakeFirstOrThrow();
    return { caseNumber: held.case_number, handler: handler.username, bodyZh: body.name_zh, bodyEn: body.name_en };
  }

  /** The public page, freshly loaded (no sign-in needed), and whether the case is listed on it. */
  async function onPublicPage(caseNumber: string): Promise<boolean> {
    await page.goto(`${base}/public`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    return (await page.getByTestId(`public-case-${caseNumber}`).count()) === 1;
  }

  it('should record an unmasking that the citizen then sees, and unpublish on withdrawn consent', async () => {
    const held = await citizensHeldCase();

    // (a) The handler of the body holding the case sees the reporter masked, and unmasks the phone.
    await signInAs(held.handler);
    await page.goto(`${base}/cases/${held.caseNumber}`);
    const panel = page.getByTestId('reporter-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-masked')).toBe('true');
    const maskedPhone = await page.getByTestId('reporter-phone').textContent();
    expect(maskedPhone).toMatch(/^138\*+8000$/);
    await page.getByTestId('unmask-open').click();
    // A handler may unmask for one purpose only: contacting the reporter.
    const purposes = await page
      .getByTestId('unmask-purpose')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(purposes).toEqual([PURPOSE]);
    await page.getByTestId('unmask-purpose').selectOption(PURPOSE);
    await page.getByTestId('unmask-reason').fill(REASON);
    await page.getByTestId('unmask-submit').click();
    await page.getByTestId('reporter-phone').filter({ hasText: CITIZEN_PHONE }).waitFor();
    expect(await panel.getAttribute('data-masked')).toBe('false');
    await expect(page.getByTestId('reporter-grant').textContent()).resolves.toMatch(/明文可见至 \d{2}:\d{2}/);
    await shot('01-reporter-unmasked');

    // (b) Signed out, the citizen signs in with the phone and the code the outbox holds for it.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-page').waitFor();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    await page.getByTestId('phone-number').fill(CITIZEN_PHONE);
    await page.getByTestId('phone-send-code').click();
    await page.getByTestId('phone-code-sent').waitFor();
    // The resend button counts down instead of sending again at once.
    await expect(page.getByTestId('phone-send-code').isDisabled()).resolves.toBe(true);
    expect(await page.getByTestId('phone-send-code').textContent()).toMatch(/\d+ 秒后可重新发送/);
    const { rows } = await sql<{ code: string }>`
      select params->>'code' as code from notifications
      where template = 'sign_in_code' order by created_at desc limit 1`.execute(session.database().db);
    expect(rows[0]?.code).toMatch(/^\d{6}$/);
    await page.getByTestId('phone-code').fill(rows[0]!.code);
    await page.getByTestId('phone-sign-in').click();
    await page.getByTestId('signed-in-as').filter({ hasText: '陈市民' }).waitFor();

    // (c) My data names the handler's body and the purpose in words, with the reason and the case.
    await page.getByTestId('nav-myData').click();
    await page.locator('[data-testid="data-accesses"][data-loaded="true"]').waitFor();
    await expect(page.getByTestId('my-phone').textContent()).resolves.toBe(CITIZEN_PHONE);
    const access = page
      .getByTestId('data-accesses')
      .locator(`tr[data-purpose="${PURPOSE}"][data-case="${held.caseNumber}"]`)
      .filter({ hasText: held.bodyZh });
    await access.first().waitFor();
    await expect(access.first().getByTestId('access-body').textContent()).resolves.toBe(held.bodyZh);
    await expect(access.first().getByTestId('access-purpose').textContent()).resolves.toBe(PURPOSE_ZH);
    expect(await access.first().textContent()).toContain(REASON);
    await shot('02-my-data');
    await page.getByTestId('language').click();
    await expect(access.first().getByTestId('access-purpose').textContent()).resolves.toBe(
      'contacting the reporter to handle the case',
    );
    await expect(access.first().getByTestId('access-body').textContent()).resolves.toBe(held.bodyEn);
    await shot('03-my-data-en');
    await page.getByTestId('language').click();
    // Back in Chinese before going on: on a loaded machine the switch can render after the next step's
    // page has been read.
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // (d) Published while the citizen consents; withdrawn, the case leaves the public page.
    expect(await onPublicPage(held.caseNumber)).toBe(true);
    await page.getByTestId('nav-myData').click();
    const publish = page.getByTestId('consent-publish');
    await expect(publish.isChecked()).resolves.toBe(true);
    // A click, not uncheck(): the switch shows the saved choice, so it turns off only when the server has
    // answered, which on a loaded machine is later than uncheck() waits for.
    await publish.click();
    const saved = page.locator('[data-testid="consent-saved"][data-consent="publish"][data-granted="false"]');
    await saved.waitFor();
    expect(await saved.textContent()).toContain('已撤回');
    await shot('04-consent-withdrawn');
    expect(await onPublicPage(held.caseNumber)).toBe(false);
    // And after a reload the switch stays off: the server keeps the choice.
    await page.goto(`${base}/my-data`);
    await page.locator('[data-testid="consent-publish"]:not(:checked)').waitFor();

    // Signed out, the public page is still there (a link on the sign-in page), without the case. (In this
    // small demo city it may be empty now: the callers of imported cases never consented to publication.)
    await page.getByTestId('sign-out').click();
    await page.getByTestId('public-cases-link').click();
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    expect(await page.getByTestId(`public-case-${held.caseNumber}`).count()).toBe(0);
    await shot('05-public-signed-out');
  }, 180_000);
});
