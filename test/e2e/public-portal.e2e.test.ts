/**
 * The residents' public portal on a phone (390 × 844), as a resident uses it: a pothole photographed on
 * the spot (the photo's GPS places it; a tap on the map moves it), the open report already there shown
 * first and supported with "me too" (signing in by a code sent to the phone only then), a different
 * problem reported, tracked by its number while staff take it through the loop (the page follows by
 * itself), and rated at closure; then tracked again signed out. axe-core finds no serious or critical
 * WCAG 2.1 A/AA violation on any page, and no page is wider than a 360 px screen.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoWithGps } from '../media-fixtures.ts';
import { seriousViolations } from './accessibility.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const RESIDENT_PHONE = '13900139000';
/** Where the pothole is: a pavement in 芙蓉区. */
const POTHOLE = { longitude: 112.9901, latitude: 28.1951 };

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the public portal on a phone (Chromium)', () => {
  const session = consoleSession(8);
  let page: Page;
  let base: string;
  let fixtures: string;

  beforeAll(async () => {
    page = session.page();
    base = session.base();
    await page.setViewportSize({ width: 390, height: 844 });
    fixtures = await mkdtemp(join(tmpdir(), 'portal-e2e-'));
  });
  afterAll(async () => {
    await rm(fixtures, { recursive: true, force: true });
  });

  /** The README links these (docs/screenshots/portal-*.png). */
  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/portal-${name}.png`, fullPage: true });

  async function inject<T>(username: string, method: 'GET' | 'POST', url: string, payload?: object): Promise<T> {
    const response = await session
      .app()
      .inject({ method, url: `/api/v1${url}`, headers: await session.as(username), payload });
    if (response.statusCode >= 400) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as T;
  }

  async function categoryCode(nameZh: string): Promise<string> {
    const categories = await inject<{ code: string; nameZh: string; level: number }[]>(
      'dispatcher',
      'GET',
      '/categories',
    );
    return categories.find((c) => c.nameZh === nameZh && c.level === 3)!.code;
  }

  /** A handler and their body, to dispatch to. */
  async function someHandler() {
    const row = await session
      .database()
      .db.selectFrom('users')
      .select(['username', 'handling_body_id'])
      .where('role', '=', 'handler')
      .orderBy('username')
      .executeTakeFirstOrThrow();
    return { username: row.username, bodyId: row.handling_body_id! };
  }

  async function expectAccessible(where: string) {
    const violations = await seriousViolations(page);
    expect(violations, `${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  async function expectFitsWidth(width: number, where: string) {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, where).toBeLessThanOrEqual(width);
  }

  async function latestSignInCode(): Promise<string> {
    const { rows } = await sql<{ code: string }>`
      select params->>'code' as code from notifications
      where template = 'sign_in_code' order by created_at desc limit 1`.execute(session.database().db);
    expect(rows[0]?.code).toMatch(/^\d{6}$/);
    return rows[0]!.code;
  }

  it('should let a resident support a nearby report, report another problem, follow it to closure and rate it', async () => {
    // Someone else reported the pothole already; the desk registered it, so it is public.
    const facilities = await categoryCode('城市公共设施');
    const existing = await inject<{ caseNumber: string }>('citizen2', 'POST', '/cases', {
      title: '人行道井盖缺失，路面有坑',
      description: '五一大道人行道上井盖不见了，晚上很危险',
      categoryCode: facilities,
      location: POTHOLE,
    });
    await inject('dispatcher', 'POST', `/cases/${existing.caseNumber}/actions`, { action: 'register' });

    // The front page: public cases on a map and in a list.
    await page.goto(`${base}/portal/`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    await page.locator('[data-testid="cases-map"][data-ready="true"]').waitFor();
    await expect(page.getByTestId(`public-case-${existing.caseNumber}`).textContent()).resolves.toContain('井盖');
    await expectAccessible('front page');
    await shot('01-home');

    // Report: the photo's GPS places the point; a tap on the map moves it a little.
    await page.getByTestId('start-report').click();
    await page.locator('[data-testid="report-map"][data-ready="true"]').waitFor();
    const photo = await photoWithGps(fixtures, {
      longitude: POTHOLE.longitude + 0.0002,
      latitude: POTHOLE.latitude - 0.0001,
      takenAt: new Date(),
      width: 800,
      height: 600,
    });
    await page.getByTestId('photos-input').setInputFiles(photo);
    await page.getByTestId('photo-preview').waitFor();
    await page.locator('[data-testid="chosen-point"][data-from="photo"]').waitFor();
    const box = (await page.getByTestId('report-map').boundingBox())!;
    await page.getByTestId('report-map').click({ position: { x: box.width / 2 - 40, y: box.height / 2 + 30 } });
    await page.locator('[data-testid="chosen-point"][data-from="map"]').waitFor();

    // "Is it one of these?": the existing report is offered first, and the resident supports it.
    const offered = page.getByTestId('nearby').getByTestId(`public-case-${existing.caseNumber}`);
    await offered.waitFor();
    await expectAccessible('report form with nearby reports');
    await shot('02-nearby-first');
    await page.getByTestId(`me-too-${existing.caseNumber}`).click();
    await page.getByTestId('phone-sign-in-dialog').waitFor();
    await page.getByTestId('phone-number').fill(RESIDENT_PHONE);
    await page.getByTestId('phone-send-code').click();
    await page.getByTestId('phone-code-sent').waitFor();
    await expectAccessible('sign-in dialog');
    await page.getByTestId('phone-code').fill(await latestSignInCode());
    await page.getByTestId('phone-sign-in').click();
    await expect(page.getByTestId(`me-too-done-${existing.caseNumber}`).textContent()).resolves.toContain('共 1 人');
    await shot('03-supported');
    const supported = await inject<{ meTooCount: number }>('dispatcher', 'GET', `/cases/${existing.caseNumber}`);
    expect(supported.meTooCount).toBe(1);

    // A different problem at the same place: a broken branch hanging over the pavement.
    await page.getByTestId('report-title').fill('行道树断枝悬挂在人行道上方');
    await page.getByTestId('report-description').fill('昨晚大风吹断的树枝挂在半空，行人经过很危险');
    await page.getByTestId('report-category').selectOption({ label: '园林绿化' });
    await page.getByTestId('report-send').click();
    await page.getByTestId('report-sent').waitFor();
    const caseNumber = /(\d{4}-\d+)/.exec((await page.getByTestId('sent-case-number').textContent())!)![1]!;
    await shot('04-sent');
    const filed = await inject<{ location: { longitude: number } | null; channel: string }>(
      'dispatcher',
      'GET',
      `/cases/${caseNumber}`,
    );
    expect(filed.location?.longitude).toBeCloseTo(POTHOLE.longitude, 2);
    const media = await inject<{ items: { stage: string }[] }>('dispatcher', 'GET', `/cases/${caseNumber}/media`);
    expect(media.items.map((m) => m.stage)).toEqual(['report']);

    // Tracking: the page follows the case by itself while staff take it through the loop.
    await page.getByTestId('track-sent').click();
    await page.locator(`[data-testid="track"][data-status="reported"]`).waitFor();
    const handler = await someHandler();
    await inject('dispatcher', 'POST', `/cases/${caseNumber}/actions`, { action: 'register' });
    await inject('dispatcher', 'POST', `/cases/${caseNumber}/actions`, {
      action: 'dispatch',
      bodyId: handler.bodyId,
      assistingBodyIds: [],
    });
    await page.locator(`[data-testid="track"][data-status="dispatched"]`).waitFor({ timeout: 10_000 });
    await inject(handler.username, 'POST', `/cases/${caseNumber}/actions`, { action: 'accept' });
    await inject(handler.username, 'POST', `/cases/${caseNumber}/actions`, {
      action: 'handle',
      note: '已锯除断枝并清运',
    });
    await inject('dispatcher', 'POST', `/cases/${caseNumber}/actions`, { action: 'verify_pass' });
    await inject('dispatcher', 'POST', `/cases/${caseNumber}/actions`, { action: 'close' });
    await page.locator(`[data-testid="track"][data-status="closed"]`).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('track-steps').textContent()).resolves.toContain('已锯除断枝并清运');

    // Rated at closure.
    await page.getByTestId('rating').waitFor();
    await expectAccessible('closed case with its rating form');
    await page.getByTestId('rate-satisfied').check();
    await page.getByTestId('rate-solved').check();
    await page.getByTestId('rate-submit').click();
    await page.getByTestId('rated').waitFor();
    await shot('05-rated');
    const rated = await inject<{ surveys: { satisfaction: string; solved: boolean }[] }>(
      'dispatcher',
      'GET',
      `/cases/${caseNumber}`,
    );
    expect(rated.surveys).toEqual([expect.objectContaining({ satisfaction: 'satisfied', solved: true })]);

    // The resident follows the pothole they supported: its steps will come by text message.
    await page.goto(`${base}/portal/cases/${existing.caseNumber}`);
    await page.getByTestId('follow-case').click();
    await page.getByTestId('follow-case-done').waitFor();
    const following = await session
      .database()
      .db.selectFrom('subscriptions')
      .innerJoin('cases', 'cases.id', 'subscriptions.case_id')
      .select('cases.case_number')
      .execute();
    expect(following.map((f) => f.case_number)).toEqual([existing.caseNumber]);

    // Signed out, anyone tracks it by number: the public steps and the answer, no names.
    await page.getByTestId('nav-home').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('track-number').fill(caseNumber);
    await page.getByTestId('track-submit').click();
    await page.locator(`[data-testid="track"][data-status="closed"]`).waitFor();
    const publicSteps = await page
      .getByTestId('track-steps')
      .locator('li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-action')));
    expect(publicSteps).toEqual(['report', 'register', 'dispatch', 'accept', 'handle', 'verify_pass', 'close']);
    const text = (await page.getByTestId('track').textContent())!;
    expect(text).toContain('已锯除断枝并清运');
    expect(text).not.toContain(RESIDENT_PHONE);
    expect(text).not.toContain('承办人');
    await expectAccessible('public case page');
    await shot('06-tracked-signed-out');
  });

  it('should fit a 360 px wide phone on every page', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const published = await session.app().inject({ url: '/api/v1/public/cases?limit=1' });
    const caseNumber = published.json()[0].caseNumber as string;
    for (const path of ['', 'report', 'mine', `cases/${caseNumber}`]) {
      await page.goto(`${base}/portal/${path}`);
      await page.locator('main h1').first().waitFor();
      await expectFitsWidth(360, `/portal/${path}`);
    }
    await page.goto(`${base}/portal/`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    await shot('07-home-360');
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('should be usable with a keyboard: skip link, then the report form in order', async () => {
    await page.goto(`${base}/portal/`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Tab reaches the report button, and Enter opens the form.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'start-report') break;
    }
    await page.keyboard.press('Enter');
    await page.getByTestId('report-title').waitFor();
    await page.getByTestId('report-title').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('report-description');
    // An address typed and Enter: the gazetteer's area is named and outlined for a tap inside it.
    await page.getByTestId('report-address').fill('芙蓉区五一大道');
    await page.getByTestId('report-address').press('Enter');
    await expect(page.locator('[data-testid="address-placed"][data-found="true"]').textContent()).resolves.toContain(
      '芙蓉',
    );
  });

  it('should lay the map beside the list on a desk screen', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/portal/`);
    await page.locator('[data-testid="public-cases"][data-loaded="true"]').waitFor();
    await page.locator('[data-testid="cases-map"][data-ready="true"]').waitFor();
    const map = (await page.getByTestId('cases-map').boundingBox())!;
    const list = (await page.getByTestId('public-cases').boundingBox())!;
    expect(list.x).toBeGreaterThan(map.x + map.width - 1);
    await expectAccessible('front page at 1440 px');
    await page.screenshot({ path: `${SCREENSHOTS}/portal-08-home-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
  });
});
