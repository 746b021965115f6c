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
  /** The test database under the app (to read what the server wrote, e.g. a sign-in code in the outbox). */
  database(): DatabaseHandle;
  /** The app itself, for requests made outside the browser (`app().inject`). */
  app(): FastifyInstance;
  /** Headers that make a request outside the browser as a demo user (an API token of theirs). */
  as(username: string): Promise<{ authorization: string }>;
  /** Opens the console on a clean slate (no session cookie) and signs in with a demo user's button. */
  signInAs(username: string): Promise<void>;
  /**
   * Calls the API from the page as the signed-in user: with the session cookie, and for a change the
   * session's CSRF token (from GET /auth/session). Rejects on an error status.
   */
  request<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
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
  let as: ConsoleSession['as'] | undefined;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, cases);
    ({ app, as } = await buildTestApp(handle, areas, systemClock));
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
    database: () => handle!,
    app: () => app!,
    as: (username) => as!(username),
    signInAs: async (username) => {
      await page!.context().clearCookies();
      await page!.goto(`${base}/`);
      await page!.getByTestId(`sign-in-${username}`).click();
      // Attached, not visible: on a phone the top bar folds who is signed in into its menu.
      await page!.getByTestId('signed-in-as').waitFor({ state: 'attached' });
    },
    request: async <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
      const { status, body } = await page!.evaluate(
        async ({ path, method, body }) => {
          const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken?: string | null };
          const headers: Record<string, string> = {};
          if (body !== undefined) headers['content-type'] = 'application/json';
          if (method !== 'GET' && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
          const response = await fetch(`/api/v1${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
        },
        { path, method: init.method ?? 'GET', body: init.body },
      );
      if (status >= 400) throw new Error(`${init.method ?? 'GET'} ${path}: ${status} ${JSON.stringify(body)}`);
      return body as T;
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
