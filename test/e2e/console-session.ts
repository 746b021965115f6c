import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { CONSOLE_DIR } from '../../src/http/web.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createTestDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';
import { HAVE_CHROMIUM, launchBrowser, OUTPUT_DIR } from './browser.ts';

/** Browser tests run when there is a Chromium and a built console (`npm test` builds it first). */
export const CAN_RUN_CONSOLE_TESTS = HAVE_CHROMIUM && fs.existsSync(`${CONSOLE_DIR}/index.html`);

export interface ConsoleSession {
  page(): Page;
  /** The server's address, e.g. http://127.0.0.1:41234 */
  base(): string;
  /** Opens the console on a clean slate (no remembered token) and signs in as a demo user. */
  signInAs(username: string): Promise<void>;
  /** Takes an action on the case page (filling its form, if any) and waits until the history shows it. */
  act(caseNumber: string, action: string, fill?: (page: Page) => Promise<void>): Promise<void>;
}

/**
 * For a browser test file (call inside its describe): a demo city with `cases` cases on an in-memory
 * database, the app listening on a free port, and one Chromium page.
 */
export function consoleSession(cases: number): ConsoleSession {
  let handle: DatabaseHandle | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let base = '';

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, cases);
    ({ app } = await buildTestApp(handle, areas, systemClock));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await handle?.close();
  });

  return {
    page: () => page!,
    base: () => base,
    signInAs: async (username) => {
      await page!.goto(`${base}/`);
      await page!.evaluate(() => localStorage.removeItem('civicgrid.token'));
      await page!.goto(`${base}/`);
      await page!.getByTestId(`sign-in-${username}`).click();
      await page!.getByTestId('signed-in-as').waitFor();
    },
    act: async (caseNumber, action, fill) => {
      await page!.goto(`${base}/cases/${caseNumber}`);
      const events = page!.getByTestId('timeline').locator('li');
      await events.first().waitFor();
      const before = await events.count();
      await page!.getByTestId(`action-${action}`).click();
      if (fill) {
        await fill(page!);
        await page!.getByTestId('action-submit').click();
      }
      await page!
        .getByTestId('timeline')
        .locator(`li:nth-child(${before + 1})`)
        .waitFor();
    },
  };
}
