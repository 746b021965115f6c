/**
 * Stored XSS and HTML injection: markup a resident or a handler types (in a title, a description, a
 * handling body's answer, a moderator's public reason) is shown as the characters typed, and never runs,
 * in the public portal, the staff console and the Atom and RSS feeds. Each payload would set
 * `window.__xss` (or open a dialog) if it ran; the test reads both after every page.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoWithGps } from '../media-fixtures.ts';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const TITLE = `<img src=x onerror="window.__xss='title'">井盖丢失`;
const DESCRIPTION = `<script>window.__xss='description'</script><iframe src="javascript:window.__xss='iframe'"></iframe>夜里看不见`;
const ANSWER = `<svg onload="window.__xss='answer'"></svg>已补装井盖`;
const PHOTO_REASON = `<img src=x onerror="window.__xss='photo-reason'">含人脸`;
const TEXT_REASON = `<a href="javascript:window.__xss='text-reason'">含他人姓名</a>`;
const AT = { longitude: 112.9905, latitude: 28.1949 };

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('stored XSS through the portal, the console and the feeds (Chromium)', () => {
  const session = consoleSession(6);
  let page: Page;
  let base: string;
  let fixtures: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    page = session.page();
    base = session.base();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    fixtures = await mkdtemp(join(tmpdir(), 'xss-e2e-'));
  });
  afterAll(async () => {
    await rm(fixtures, { recursive: true, force: true });
  });

  async function inject<T>(
    username: string,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
  ): Promise<T> {
    const response = await session
      .app()
      .inject({ method, url: `/api/v1${url}`, headers: await session.as(username), payload });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return (response.statusCode === 204 ? null : response.json()) as T;
  }

  async function reportPublished(title: string, description: string) {
    const categories = await inject<{ code: string; nameZh: string; level: number }[]>(
      'dispatcher',
      'GET',
      '/categories',
    );
    const categoryCode = categories.find((c) => c.nameZh === '城市公共设施' && c.level === 3)!.code;
    const { caseNumber } = await inject<{ caseNumber: string }>('citizen2', 'POST', '/cases', {
      title,
      description,
      categoryCode,
      location: AT,
    });
    await inject('dispatcher', 'POST', `/cases/${caseNumber}/actions`, { action: 'register' });
    return caseNumber;
  }

  async function expectInert(where: string, shown: string[]) {
    // A payload that ran would have set the flag by now; give event handlers (onerror, onload) a moment.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), where).toBeUndefined();
    expect(dialogs, where).toEqual([]);
    const text = await page.evaluate(() => document.body.innerText);
    for (const literal of shown) expect(text, `${where} shows ${literal} as text`).toContain(literal);
  }

  it('should show every injected text as text and run none of it', async () => {
    // Case A: markup in the title, description, the handling body's answer and a photo's moderation reason.
    const a = await reportPublished(TITLE, DESCRIPTION);
    const photo = await photoWithGps(fixtures, { ...AT, takenAt: new Date(), width: 640, height: 480 });
    const form = new FormData();
    form.append('stage', 'report');
    form.append('files', new Blob([await readFile(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    const uploaded = await fetch(`${base}/api/v1/cases/${a}/media`, {
      method: 'POST',
      headers: await session.as('citizen2'),
      body: form,
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const { items } = (await uploaded.json()) as { items: { id: string }[] };
    await inject('dispatcher', 'POST', `/media/${items[0]!.id}/publication`, {
      publication: 'hidden',
      reason: PHOTO_REASON,
    });
    const handler = await session
      .database()
      .db.selectFrom('users')
      .select(['username', 'handling_body_id'])
      .where('role', '=', 'handler')
      .orderBy('username')
      .executeTakeFirstOrThrow();
    await inject('dispatcher', 'POST', `/cases/${a}/actions`, {
      action: 'dispatch',
      bodyId: handler.handling_body_id,
      assistingBodyIds: [],
    });
    await inject(handler.username, 'POST', `/cases/${a}/actions`, { action: 'accept' });
    await inject(handler.username, 'POST', `/cases/${a}/actions`, { action: 'handle', note: ANSWER });

    // Case B: its words hidden from the public, with markup in the public reason.
    const b = await reportPublished('楼道堆放杂物', '请清理');
    await inject('dispatcher', 'PUT', `/cases/${b}/public-display/text`, { shown: false, reason: TEXT_REASON });

    // The portal: the list, and each case's page.
    await page.goto(`${base}/portal/`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    await expectInert('portal list', [TITLE, TEXT_REASON]);
    await page.goto(`${base}/portal/cases/${a}`);
    await page.getByTestId('track-steps').waitFor();
    await expectInert('portal case A', [TITLE, DESCRIPTION, ANSWER, PHOTO_REASON]);
    await page.screenshot({ path: `${OUTPUT_DIR}/stored-xss-portal.png`, fullPage: true });
    await page.goto(`${base}/portal/cases/${b}`);
    await page.getByTestId('track-steps').waitFor();
    await expectInert('portal case B', [TEXT_REASON]);

    // The console, as the dispatcher: the case page with its history and the public display panel.
    await session.signInAs('dispatcher');
    await page.goto(`${base}/cases/${a}`);
    await page.locator('[data-testid="public-display"]').waitFor();
    await page.locator('[data-testid="public-photo"][data-publication="hidden"]').waitFor();
    await expectInert('console case A', [TITLE, DESCRIPTION, ANSWER, PHOTO_REASON]);
    // The README links it, for the console's moderation panel.
    await page.screenshot({ path: 'docs/screenshots/stored-xss-console.png', fullPage: true });
    await page.goto(`${base}/cases/${b}`);
    await page.locator('[data-testid="public-text-state"][data-hidden="true"]').waitFor();
    await expectInert('console case B', [TEXT_REASON]);

    // The feeds, opened in the browser as a reader would, and their text escaped for feed readers.
    for (const format of ['atom', 'rss']) {
      const feed = await page.goto(`${base}/api/v1/public/feeds/cases.${format}`);
      const body = (await feed!.text()) ?? '';
      expect(body).toContain('&lt;img src=x onerror=');
      expect(body).not.toMatch(/<img|<svg|<script/);
      await expectInert(`${format} feed`, []);
    }
  });
});
