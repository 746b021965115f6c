/**
 * The evaluation and the supervision board in the console: the evaluation opens on the latest month with
 * dispatches; a handler's row carries the rank the supervisor's table gives their body; the board groups
 * overdue deadlines by body and says how long each is overdue and in which time; on a phone both pages
 * lay their tables out as lists, without sideways scrolling. Saves the README's desk screenshots to
 * docs/screenshots/.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = 'docs/screenshots';

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the evaluation and the supervision board (Chromium)', () => {
  const session = consoleSession(60);
  let page: Page;

  beforeAll(() => {
    page = session.page();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const open = async (path: string, ready: string) => {
    await page.goto(`${session.base()}${path}`);
    await page.getByTestId(ready).waitFor();
    await page.waitForLoadState('networkidle');
  };
  const overflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('should open the evaluation on the latest month with data and give a handler their rank among all', async () => {
    await page.setViewportSize(DESK);
    await session.signInAs('supervisor');
    const { latest } = await session.request<{ latest: string }>('/evaluation/periods');
    expect(latest).toMatch(/^\d{4}-\d{2}$/);
    await open('/evaluation', 'ranking');
    expect(await page.getByTestId('evaluation-month').inputValue()).toBe(latest);
    await page.getByTestId('ranking-rules').waitFor();
    expect(await page.getByTestId('ranking-rules').textContent()).toContain('10');
    await page.screenshot({ path: `${SCREENSHOTS}/desk-evaluation.png` });

    // The supervisor's table, by body code.
    const query = `month=${latest}&group=body`;
    const table = await session.request<{ rows: Array<{ key: string; code: string; rank: number | null }> }>(
      `/evaluation?${query}`,
    );
    const handlerCode = 'urban-management';
    const supervisorRow = table.rows.find((r) => r.code === handlerCode)!;
    expect(supervisorRow).toBeDefined();

    await session.signInAs(`handler.${handlerCode}`);
    await open(`/evaluation?${query}&tab=ranking`, 'ranking');
    const rows = page.getByTestId('ranking-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-code')).toBe(handlerCode);
    const rank = (await rows.first().getByTestId('rank').textContent())!.trim();
    expect(rank).toBe(supervisorRow.rank === null ? '—' : String(supervisorRow.rank));
    expect(await page.getByTestId('evaluation-group').count()).toBe(0);
  }, 120_000);

  it('should group the overdue deadlines by body and say how long each is overdue, in which time', async () => {
    await page.setViewportSize(DESK);
    await session.signInAs('supervisor');
    await open('/supervision', 'supervision-board');
    const board = page.getByTestId('board-overdue');
    await board.waitFor();
    expect(await page.getByTestId('overdue-measure').textContent()).toContain('工作时间');
    const groups = board.locator('details.overdue-group');
    expect(await groups.count()).toBeGreaterThan(1);
    const first = board.getByTestId('overdue-for').first();
    expect(await first.getAttribute('data-measure')).toMatch(/^(working|wall)$/);
    expect(Number(await first.getAttribute('data-minutes'))).toBeGreaterThan(0);
    await board.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/desk-supervision.png` });
  }, 120_000);

  it('should lay both pages out as lists on a phone, without sideways scrolling', async () => {
    await page.setViewportSize(PHONE);
    await session.signInAs('supervisor');
    for (const [path, ready, table] of [
      ['/evaluation', 'ranking', 'ranking'],
      ['/supervision', 'board-overdue', 'board-overdue'],
    ] as const) {
      await open(path, ready);
      expect(await overflow(), path).toBe(0);
      const head = page.getByTestId(table).locator('thead').first();
      expect(await head.isVisible(), path).toBe(false);
    }
  }, 120_000);
});
