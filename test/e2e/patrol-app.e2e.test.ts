/**
 * The patrol app (网格巡查) on a phone (390×844, touch, GPS granted at a point in the demo grid worker's
 * district): the grid worker signs in online and gets their verification tasks; the phone goes offline;
 * a reload still opens the app (service worker) with the tasks kept; they report 3 cases with photos and
 * verify a task with a photo, all into the queue; meanwhile the dispatcher verifies a second task of
 * theirs, which the worker, still offline, verifies too. Back online, the queue goes to the server once
 * and in order: 3 new grid-patrol cases each with its photo, the first task verified with its photo, and
 * the second task's verification refused with the server's reason. Last, a patrol after consent.
 *
 * Offline is Chromium's network emulation (navigator.onLine, the online/offline events, page fetches fail)
 * and, because that emulation does not cover what the browser fetches for a service worker itself
 * (microsoft/playwright#2311: here, its update checks of /patrol-sw.js), the server also drops every
 * connection from the phone while it is "offline". The server's log then shows that nothing of the app
 * (no page, no asset, no API call) was even asked for while offline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo-city.ts';
import { CONSOLE_DIR } from '../../src/http/web.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createTestDatabase } from '../db.ts';
import { buildTestApp, loadSmallDemoCity } from '../demo-city.ts';
import { photoWithGps } from '../media-fixtures.ts';
import { launchBrowser, OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS } from './console-session.ts';

const CAN_RUN = CAN_RUN_CONSOLE_TESTS && fs.existsSync(path.join(CONSOLE_DIR, 'patrol.html'));
const WORKER = 'gridworker'; // 王网格, whose area is 芙蓉区 (430102)
const AREA = '430102';
const CATEGORY = ['01', '0102', '010212']; // 城乡建设 / 城市建设和市政管理 / 小区管理
const SCREENSHOTS = 'docs/screenshots';

interface Logged {
  id: string;
  method: string;
  url: string;
  /** A browser request (session cookie) or one made by the test (API token). */
  from: 'phone' | 'test';
  key: string | null;
  /** null until answered; 'cut' when the phone was offline and the connection was dropped. */
  status: number | 'cut' | null;
}

interface CaseView {
  caseNumber: string;
  title: string;
  status: string;
  channel: string;
  priority: string;
  gridCode: string | null;
  location: { longitude: number; latitude: number } | null;
  assignedBody: { code: string } | null;
  events: Array<{ action: string; actorRole: string }>;
}

interface MediaView {
  stage: string;
}

const REPORTS = [
  { title: '人民路小区门口井盖缺失', description: '井盖丢失，行人夜间容易踩空，需尽快补装。' },
  { title: '小区围墙倒伏占道', description: '围墙一段倒在人行道上，行人只能走机动车道。', adjust: true },
  { title: '楼道堆放杂物堵塞通道', description: '三单元楼道堆满纸箱和旧家具，消防通道不畅。', priority: 'high' },
];

describe.skipIf(!CAN_RUN)('the patrol app on a phone, online and offline (Chromium)', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let as: (username: string) => Promise<{ authorization: string }>;
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let photos: string;
  const log: Logged[] = [];
  /** The worker's two verification tasks, nearest deadline first, and where the first one is. */
  let tasks: string[] = [];
  let here = { longitude: 0, latitude: 0 };
  let patrolCasesBefore: string[] = [];
  /** The phone is offline: the server drops its connections too. */
  let cut = false;

  async function goOffline() {
    cut = true;
    await context.setOffline(true);
  }

  async function goOnline() {
    cut = false;
    await context.setOffline(false);
  }

  /** The API as a demo user, from the test (not the phone), with an API token. */
  async function call<T>(user: string, method: string, url: string, body?: unknown) {
    const form = body instanceof FormData;
    const response = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: { ...(await as(user)), ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  }

  async function ok<T>(user: string, method: string, url: string, body?: unknown): Promise<T> {
    const answer = await call<T>(user, method, url, body);
    if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const patrolCases = async () =>
    (await ok<{ items: CaseView[] }>('dispatcher', 'GET', '/cases?channel=grid_patrol&limit=100')).items.map(
      (c) => c.caseNumber,
    );

  /** Moves a case of the worker's area on to 'handled' as its body's handler: a verification task. */
  async function handOver(caseNumber: string) {
    const detail = await ok<CaseView>('dispatcher', 'GET', `/cases/${caseNumber}`);
    const handler = `handler.${detail.assignedBody!.code}`;
    if (detail.status === 'dispatched') await ok(handler, 'POST', `/cases/${caseNumber}/actions`, { action: 'accept' });
    const handle = () =>
      call<{ error?: { code: string } }>(handler, 'POST', `/cases/${caseNumber}/actions`, {
        action: 'handle',
        note: '已现场处置完毕 / Handled on site',
      });
    let answer = await handle();
    if (answer.body?.error?.code === 'MEDIA_ERR_EVIDENCE_MISSING') {
      // The category wants a photo after handling first.
      const form = new FormData();
      form.append('stage', 'after');
      const file = await photoWithGps(photos, { ...here, takenAt: new Date(), seed: 99 });
      form.append('files', new Blob([fs.readFileSync(file)], { type: 'image/jpeg' }), 'after.jpg');
      await ok(handler, 'POST', `/cases/${caseNumber}/media`, form);
      answer = await handle();
    }
    if (answer.status !== 200) throw new Error(`handle ${caseNumber}: ${JSON.stringify(answer.body)}`);
  }

  /** The phone's requests (those that reached the server) from `from` on. */
  const phoneRequests = (from: number) => log.slice(from).filter((r) => r.from === 'phone');
  /** The browser's own update checks of the service worker's script (not the app's requests). */
  const SW_UPDATE_CHECK = /^\/(patrol-sw|workbox-[\w-]+)\.js$/;
  /** What the app asked for from `from` on: pages, assets, API calls. */
  const appRequests = (from: number) => phoneRequests(from).filter((r) => !SW_UPDATE_CHECK.test(r.url));

  const shot = async (name: string, docs = false) => {
    await page.screenshot({ path: `${OUTPUT_DIR}/patrol-${name}.png` });
    if (docs) fs.copyFileSync(`${OUTPUT_DIR}/patrol-${name}.png`, `${SCREENSHOTS}/patrol-${name}.png`);
  };

  /** Waits until MapLibre has drawn (its canvas exists and the map says it is ready), without an error. */
  const mapDrawn = async (testid: string) => {
    await page.locator(`[data-testid="${testid}"][data-ready="true"] canvas`).waitFor();
    await page.waitForTimeout(800);
    expect(await page.getByTestId(testid).getAttribute('data-map-error')).toBeNull();
  };

  const waitingCount = async () => Number(await page.getByTestId('count-waiting').textContent());

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    const { areas } = await loadSmallDemoCity(handle, 60);
    ({ app, as } = await buildTestApp(handle, areas, systemClock));
    app.addHook('onRequest', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const from = request.headers.authorization ? 'test' : 'phone';
      log.push({
        id: request.id,
        method: request.method,
        url: request.url,
        from,
        key: typeof key === 'string' ? key : null,
        status: cut && from === 'phone' ? 'cut' : null,
      });
      if (cut && from === 'phone') {
        // As a dead network would: no answer, the connection gone.
        reply.hijack();
        request.raw.socket.destroy();
      }
    });
    app.addHook('onResponse', async (request, reply) => {
      const entry = log.find((r) => r.id === request.id);
      if (entry && entry.status === null) entry.status = reply.statusCode;
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    photos = fs.mkdtempSync(path.join(os.tmpdir(), 'patrol-photos-'));
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });

    // The demo has no case awaiting the worker's verification: two of their area's cases are moved on
    // by the body that holds them, as the closed loop would.
    let queue = (await ok<{ items: CaseView[] }>(WORKER, 'GET', '/cases/queue')).items;
    if (queue.length < 2) {
      const open = (
        await ok<{ items: CaseView[] }>(WORKER, 'GET', '/cases?status=dispatched&status=in_progress&limit=100')
      ).items.filter((c) => c.gridCode?.startsWith(AREA) && !queue.some((t) => t.caseNumber === c.caseNumber));
      const first = await ok<CaseView>('dispatcher', 'GET', `/cases/${open[0]!.caseNumber}`);
      here = first.location!;
      for (const c of open.slice(0, 2 - queue.length)) await handOver(c.caseNumber);
      queue = (await ok<{ items: CaseView[] }>(WORKER, 'GET', '/cases/queue')).items;
    }
    tasks = queue.map((c) => c.caseNumber);
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    for (const number of tasks) expect((await ok<CaseView>(WORKER, 'GET', `/cases/${number}`)).status).toBe('handled');
    // The phone stands at the first task (inside the worker's district).
    here = (await ok<CaseView>('dispatcher', 'GET', `/cases/${tasks[0]}`)).location ?? here;
    const located = await ok<{ code: string }>(
      WORKER,
      'GET',
      `/grid/locate?lon=${here.longitude}&lat=${here.latitude}`,
    );
    expect(located.code.startsWith(AREA)).toBe(true);
    patrolCasesBefore = await patrolCases();

    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: { ...here, accuracy: 8 },
      permissions: ['geolocation'],
      serviceWorkers: 'allow',
    });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    // The refused upload's connection stays open on the server (the refusal leaves the rest of the
    // multipart body unread, so the closed browser is not noticed) until Node's request timeouts, about
    // 70 s: close it rather than wait.
    app?.server.closeAllConnections();
    await app?.close();
    await handle?.close();
    if (photos) fs.rmSync(photos, { recursive: true, force: true });
  });

  it('should sign in online, show the tasks, and open again offline from the service worker', async () => {
    await page.goto(`${base}/patrol/`);
    await page.getByTestId('username').fill(WORKER);
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in').click();
    const taskRows = page.getByTestId('task');
    await taskRows.nth(1).waitFor();
    expect(await taskRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).toEqual(tasks);
    await page.getByTestId('coverage-share').waitFor();
    // The service worker has installed and controls the page (clientsClaim).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await mapDrawn('grid-map');
    await shot('my-grid', true);

    // A task, online: its details are kept for offline use.
    for (const number of [...tasks].reverse()) {
      await page.locator(`[data-testid="task"][data-case="${number}"]`).click();
      await page.getByTestId('task-card').filter({ hasText: number }).waitFor();
      await page.getByTestId('tab-grid').click();
      await page.locator(`[data-testid="task"][data-case="${number}"]`).waitFor();
    }
    await page.locator(`[data-testid="task"][data-case="${tasks[0]}"]`).click();
    await page.getByTestId('task-card').waitFor();
    await shot('task', true);

    // Offline, a reload still opens the app: the shell from the service worker, the tasks from IndexedDB.
    await page.getByTestId('tab-grid').click();
    await taskRows.nth(1).waitFor();
    await goOffline();
    const from = log.length;
    await page.reload();
    await page.getByTestId('my-grid').waitFor();
    await expect.poll(() => page.getByTestId('connectivity').textContent()).toBe('离线');
    await page.getByTestId('kept-note').waitFor();
    expect(await taskRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).toEqual(tasks);
    await mapDrawn('grid-map');
    await shot('offline-reload');
    expect(appRequests(from)).toEqual([]);
  }, 120_000);

  it('should queue 3 reports with photos and 2 verifications offline, one of a task verified meanwhile', async () => {
    const from = log.length;
    for (const [i, report] of REPORTS.entries()) {
      await page.getByTestId('tab-report').click();
      await page.getByTestId('report-title').fill(report.title);
      await page.getByTestId('report-description').fill(report.description);
      await page.getByTestId('suggest-offline').waitFor();
      for (const [level, code] of CATEGORY.entries()) {
        await page.getByTestId(`category-level-${level + 1}`).selectOption(code);
      }
      const photo = await photoWithGps(photos, { ...here, takenAt: new Date(), seed: i + 1 });
      await page.getByTestId('photos-input').setInputFiles(photo);
      await page.getByTestId('photo-preview').waitFor();
      await page.getByTestId('gps').filter({ hasText: '±8' }).waitFor();
      await mapDrawn('point-map');
      if (report.adjust) {
        // GPS is off by a building: the worker taps where the problem is.
        await page.getByTestId('point-map').evaluate((map) => map.scrollIntoView({ block: 'center' }));
        const box = (await page.getByTestId('point-map').boundingBox())!;
        await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.7);
        await page.getByTestId('gps').filter({ hasText: '已在地图上调整' }).waitFor();
        await page.getByTestId('notice').waitFor({ state: 'hidden' });
        await page.getByTestId('photos').evaluate((photos) => {
          photos.scrollIntoView({ block: 'start' });
          scrollBy(0, -70);
        });
        await shot('report', true);
      }
      if (report.priority) await page.getByTestId(`priority-${report.priority}`).click();
      await page.getByTestId('report-submit').click();
      await page.getByTestId('notice').filter({ hasText: report.title }).waitFor();
    }

    // The first task, verified on site: pass, with a photo.
    const verify = async (caseNumber: string, seed: number) => {
      await page.getByTestId('tab-grid').click();
      await page.locator(`[data-testid="task"][data-case="${caseNumber}"]`).click();
      await page.getByTestId('verify_pass').click();
      await page.getByTestId('verify-note').fill('现场查看，问题已解决。');
      await page
        .getByTestId('verify-photos-input')
        .setInputFiles(await photoWithGps(photos, { ...here, takenAt: new Date(), seed }));
      await page.getByTestId('photo-preview').waitFor();
      await page.getByTestId('verify-submit').click();
      await page.getByTestId('notice').filter({ hasText: caseNumber }).waitFor();
    };
    await verify(tasks[0]!, 11);

    await page.getByTestId('tab-queue').click();
    // 3 reports, their 3 photos, the verification's photo and the verification itself.
    expect(await waitingCount()).toBe(8);
    expect(await page.getByTestId('send-outcome').textContent()).toContain('离线');
    await shot('queue-offline', true);

    // Meanwhile the dispatcher verifies the second task (the phone cannot know).
    await ok('dispatcher', 'POST', `/cases/${tasks[1]}/actions`, { action: 'verify_pass', note: '电话回访确认已解决' });
    // …and the worker, still offline, verifies it too.
    await verify(tasks[1]!, 12);
    await page.getByTestId('tab-queue').click();
    expect(await waitingCount()).toBe(10);
    const waiting = await page
      .getByTestId('waiting-list')
      .getByTestId('queue-item')
      .evaluateAll((items) => items.map((i) => `${i.getAttribute('data-kind')} ${i.getAttribute('data-label')}`));
    expect(waiting).toEqual([
      `report ${REPORTS[0]!.title}`,
      `media ${REPORTS[0]!.title}`,
      `report ${REPORTS[1]!.title}`,
      `media ${REPORTS[1]!.title}`,
      `report ${REPORTS[2]!.title}`,
      `media ${REPORTS[2]!.title}`,
      expect.stringMatching(/^media /),
      expect.stringMatching(/^action /),
      expect.stringMatching(/^media /),
      expect.stringMatching(/^action /),
    ]);
    // Nothing of the app left the phone while it was offline (and nothing at all got through).
    expect(appRequests(from)).toEqual([]);
    expect(phoneRequests(from).every((r) => r.status === 'cut')).toBe(true);
  }, 180_000);

  it('should send everything once and in order when back online, and show the refused verification', async () => {
    const from = log.length;
    await goOnline();
    await expect.poll(waitingCount, { timeout: 60_000, interval: 500 }).toBe(0);
    expect(Number(await page.getByTestId('count-sent').textContent())).toBe(8);
    expect(Number(await page.getByTestId('count-refused').textContent())).toBe(2);

    // What the phone sent, in order, each once with its own Idempotency-Key.
    const posts = phoneRequests(from).filter((r) => r.method === 'POST' && r.url.startsWith('/api/v1/cases'));
    const created = (await patrolCases()).filter((n) => !patrolCasesBefore.includes(n));
    expect(created).toHaveLength(3);
    const inOrder = [...created].sort();
    expect(posts.map((r) => `${r.url} ${r.status}`)).toEqual([
      `/api/v1/cases 201`,
      `/api/v1/cases/${inOrder[0]}/media 201`,
      `/api/v1/cases 201`,
      `/api/v1/cases/${inOrder[1]}/media 201`,
      `/api/v1/cases 201`,
      `/api/v1/cases/${inOrder[2]}/media 201`,
      `/api/v1/cases/${tasks[0]}/media 201`,
      `/api/v1/cases/${tasks[0]}/actions 200`,
      `/api/v1/cases/${tasks[1]}/media 409`,
    ]);
    const keys = posts.map((r) => r.key);
    expect(keys.every((k) => k && /^[0-9a-f-]{36}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);

    // The three cases: the worker's, through the patrol channel, each with its photo, as reported.
    for (const [i, number] of inOrder.entries()) {
      const detail = await ok<CaseView>('dispatcher', 'GET', `/cases/${number}`);
      expect(detail.title).toBe(REPORTS[i]!.title);
      expect(detail.channel).toBe('grid_patrol');
      expect(detail.gridCode?.startsWith(AREA)).toBe(true);
      const media = await ok<{ items: MediaView[] }>('dispatcher', 'GET', `/cases/${number}/media`);
      expect(media.items.map((m) => m.stage)).toEqual(['report']);
      if (REPORTS[i]!.adjust) expect(detail.location).not.toEqual(here);
      else expect(detail.location).toEqual(here);
      if (REPORTS[i]!.priority) expect(detail.priority).toBe(REPORTS[i]!.priority);
    }

    // The first task: verified by the worker, with the photo taken on site.
    const first = await ok<CaseView>('dispatcher', 'GET', `/cases/${tasks[0]}`);
    expect(first.status).toBe('verified');
    expect(first.events.filter((e) => e.action === 'verify_pass').map((e) => e.actorRole)).toEqual(['grid_worker']);
    const firstMedia = await ok<{ items: MediaView[] }>('dispatcher', 'GET', `/cases/${tasks[0]}/media`);
    expect(firstMedia.items.filter((m) => m.stage === 'verification')).toHaveLength(1);

    // The second: verified once, by the dispatcher; the worker's photo and verification were refused.
    const second = await ok<CaseView>('dispatcher', 'GET', `/cases/${tasks[1]}`);
    expect(second.events.filter((e) => e.action === 'verify_pass').map((e) => e.actorRole)).toEqual(['dispatcher']);
    const secondMedia = await ok<{ items: MediaView[] }>('dispatcher', 'GET', `/cases/${tasks[1]}/media`);
    expect(secondMedia.items.filter((m) => m.stage === 'verification')).toHaveLength(0);
    const refused = page.getByTestId('refused-list').getByTestId('queue-item');
    expect(await refused.evaluateAll((items) => items.map((i) => i.getAttribute('data-case')))).toEqual([
      tasks[1],
      tasks[1],
    ]);
    const reasons = await refused.getByTestId('refusal').allTextContents();
    // The server's own words, for the photos, and again for the verification that depended on them.
    expect(reasons[1]).toMatch(/^退回原因：.+\(MEDIA_ERR_WRONG_STAGE\)$/);
    expect(reasons[0]).toMatch(/^所依附的上一项被退回：.+\(MEDIA_ERR_WRONG_STAGE\)$/);
    await page.getByTestId('refused-list').scrollIntoViewIfNeeded();
    await shot('queue-online', true);

    // Both tasks are done (they leave the list); the home screen points to the refusals.
    await page.getByTestId('tab-grid').click();
    await page.getByTestId('refused-notice').filter({ hasText: '2 项被服务器退回' }).waitFor();
    await expect.poll(() => page.getByTestId('task').count()).toBe(0);
  }, 120_000);

  it('should keep the service worker to /patrol/ and out of the API', async () => {
    const caches = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await self.caches.keys()) {
        for (const request of await (await self.caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      const scopes = (await navigator.serviceWorker.getRegistrations()).map((r) => new URL(r.scope).pathname);
      return { urls, scopes };
    });
    expect(caches.scopes).toEqual(['/patrol/']);
    expect(caches.urls).toContain('/patrol.html');
    expect(caches.urls.filter((u) => u.startsWith('/api/'))).toEqual([]);
    // Nothing of the console is precached: its own entry and chunks stay out.
    expect(caches.urls.filter((u) => u === '/index.html' || /\/assets\/index-/.test(u))).toEqual([]);

    // The staff console at / is not under the service worker.
    const consolePage = await context.newPage();
    await consolePage.goto(`${base}/`);
    await consolePage.locator('header.top-bar').waitFor();
    expect(await consolePage.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await consolePage.close();
  }, 60_000);

  it('should ask again with the same key when an answer is lost, and the server makes the case once', async () => {
    const before = (await patrolCases()).length;
    const from = log.length;
    // The server makes the case, but its answer never reaches the phone (the connection drops).
    let dropped = 0;
    await page.route('**/api/v1/cases', async (route) => {
      if (route.request().method() !== 'POST' || dropped > 0) return route.fallback();
      dropped += 1;
      // The request reaches the server; whatever happens to its answer (even a failed fetch), the phone
      // sees the connection drop. A handler that threw would leave the request pending for ever.
      await route.fetch().catch(() => undefined);
      return route.abort('connectionreset');
    });
    await page.getByTestId('tab-report').click();
    await page.getByTestId('report-title').fill('路灯不亮，燃气味很重');
    await page.getByTestId('report-description').fill('小区南门路灯坏了，附近闻到燃气泄漏的味道。');
    // Online, the text is read: the danger it describes raises the priority.
    await page.getByTestId('suggest').click();
    await page.getByTestId('danger').filter({ hasText: '燃气泄漏' }).waitFor();
    expect(await page.getByTestId('priority-urgent').getAttribute('aria-pressed')).toBe('true');
    for (const [level, code] of CATEGORY.entries()) {
      await page.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await page.getByTestId('report-submit').click();
    await page.getByTestId('tab-queue').click();
    await expect.poll(() => dropped).toBe(1);
    // The first run ends once the server has answered the dropped request (slow on a loaded CI machine):
    // only then may the worker send again.
    await page.getByTestId('send-now').click({ timeout: 60_000 });
    await expect.poll(waitingCount, { timeout: 20_000 }).toBe(0);
    await page.unroute('**/api/v1/cases');

    const posts = phoneRequests(from).filter((r) => r.method === 'POST' && r.url === '/api/v1/cases');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.key).toBe(posts[1]!.key);
    expect((await patrolCases()).length).toBe(before + 1);
    const item = page.getByTestId('sent-list').getByTestId('queue-item').first();
    expect(await item.textContent()).toContain('服务器已收到过，未重复处理');
    const [number] = (await patrolCases())
      .filter((n) => !patrolCasesBefore.includes(n))
      .sort()
      .slice(-1);
    expect((await ok<CaseView>('dispatcher', 'GET', `/cases/${number}`)).priority).toBe('urgent');
  }, 120_000);

  it('should speak English', async () => {
    await page.getByTestId('language').click();
    expect(await page.getByTestId('tab-grid').textContent()).toBe('My grid');
    expect(await page.getByTestId('tab-queue').textContent()).toBe('Outbox');
    await page.getByTestId('language').click();
    expect(await page.getByTestId('tab-grid').textContent()).toBe('我的网格');
  });

  it('should record a patrol only after consent, send its track in a batch and count the covered cell', async () => {
    await page.getByTestId('tab-patrol').click();
    await page.getByTestId('start').click();
    await page.getByTestId('consent').waitFor();
    await shot('patrol-consent');
    await page.getByTestId('consent-agree').click();
    await page.getByTestId('patrol-points').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('stop').click();
    await page.getByTestId('start').waitFor();
    await expect
      .poll(async () => (await ok<{ visited: number }>(WORKER, 'GET', '/patrols/coverage')).visited, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(1);
    await page.getByTestId('tab-queue').click();
    await expect.poll(waitingCount, { timeout: 30_000 }).toBe(0);
    const kinds = await page
      .getByTestId('sent-list')
      .getByTestId('queue-item')
      .evaluateAll((items) => items.slice(0, 3).map((i) => i.getAttribute('data-kind')));
    expect(kinds).toEqual(['patrol_end', 'points', 'patrol']);
    const coverage = await ok<{ visited: number; unitCells: number }>(WORKER, 'GET', '/patrols/coverage');
    await page.getByTestId('tab-patrol').click();
    await page
      .getByTestId('coverage')
      .filter({ hasText: `已到 ${coverage.visited} / ${coverage.unitCells} 个单元网格` })
      .waitFor();
    expect(await page.getByTestId('coverage-share').textContent()).not.toBe('0.00%');
    await page.getByTestId('visited-cells').locator('li').first().waitFor();
    await shot('patrol');
  }, 60_000);
});
