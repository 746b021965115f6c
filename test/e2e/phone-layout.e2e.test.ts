/**
 * The staff console on a phone (390×844): every page each staff role may open fits the screen's width
 * (no sideways scrolling), the top bar folds into a menu, and the map fills the width. Saves a screenshot of
 * each page to docs/screenshots/phone-<page>.png (linked from the README), and one of the audit trail at a
 * desk's size.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
const SCREENSHOTS = 'docs/screenshots';

/** A console page: its path (`case` is filled in with a case number) and what shows once it has loaded. */
const PAGES = {
  cases: { path: '/cases', ready: 'case-list' },
  case: { path: '/cases/{case}', ready: 'timeline' },
  'new-case': { path: '/cases/new', ready: 'new-case-form' },
  workbench: { path: '/workbench', ready: 'workbench' },
  queue: { path: '/queue', ready: 'handler-queue' },
  supervision: { path: '/supervision', ready: 'supervision-board' },
  evaluation: { path: '/evaluation', ready: 'evaluation' },
  insight: { path: '/insight', ready: 'hot-issues-csv' },
  knowledge: { path: '/knowledge', ready: 'knowledge-base' },
  'routing-rules': { path: '/routing-rules', ready: 'routing-rules' },
  sensors: { path: '/sensors', ready: 'sensors' },
  map: { path: '/map', ready: 'map-case-count' },
  public: { path: '/public', ready: 'public-cases' },
  'data-requests': { path: '/data-requests', ready: 'data-requests-page' },
  'admin-staff': { path: '/admin', ready: 'staff-page' },
  'admin-bodies': { path: '/admin?tab=bodies', ready: 'administration' },
  'admin-categories': { path: '/admin?tab=categories', ready: 'administration' },
  'admin-areas': { path: '/admin?tab=areas', ready: 'administration' },
  'admin-calendar': { path: '/admin?tab=calendar', ready: 'administration' },
  audit: { path: '/audit', ready: 'audit-trail' },
  catalogue: { path: '/catalogue', ready: 'data-catalogue' },
  'import-data': { path: '/catalogue/import', ready: 'import-data' },
  'open-data': { path: '/open-data', ready: 'open-data' },
  sharing: { path: '/sharing', ready: 'data-sharing' },
} as const;
type PageName = keyof typeof PAGES;

/**
 * Each staff role (a demo user of it) and the pages its top bar offers, plus a case page where it has one.
 * The public list looks the same to every role: the dispatcher's visit stands for all.
 */
const ROLES: Record<string, PageName[]> = {
  dispatcher: [
    'cases',
    'case',
    'new-case',
    'workbench',
    'supervision',
    'evaluation',
    'insight',
    'knowledge',
    'sensors',
    'routing-rules',
    'map',
    'public',
    'catalogue',
  ],
  supervisor: [
    'cases',
    'workbench',
    'supervision',
    'evaluation',
    'insight',
    'knowledge',
    'sensors',
    'routing-rules',
    'map',
    'catalogue',
  ],
  admin: [
    'cases',
    'supervision',
    'evaluation',
    'insight',
    'knowledge',
    'sensors',
    'routing-rules',
    'map',
    'admin-staff',
    'admin-bodies',
    'admin-categories',
    'admin-areas',
    'admin-calendar',
    'catalogue',
    'import-data',
  ],
  'handler.urban-management': ['cases', 'case', 'queue', 'evaluation', 'knowledge', 'map', 'catalogue', 'sharing'],
  gridworker: ['cases', 'new-case', 'knowledge', 'map', 'catalogue'],
  steward: ['cases', 'data-requests', 'map', 'catalogue', 'import-data', 'open-data', 'sharing'],
  auditor: ['cases', 'audit', 'map', 'catalogue', 'sharing'],
};

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the console on a phone (Chromium)', () => {
  const session = consoleSession(40);
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  /** Opens a page and waits until its content and any data it fetches have arrived. */
  const open = async (name: PageName) => {
    let path: string = PAGES[name].path;
    if (path.includes('{case}')) {
      await open('cases');
      const first = await page.getByTestId('case-list').locator('tr[data-case]').first().getAttribute('data-case');
      path = path.replace('{case}', first!);
    }
    await page.goto(`${base}${path}`);
    await page.getByTestId(PAGES[name].ready).first().waitFor();
    await page.waitForLoadState('networkidle');
  };

  /** How much wider than the screen the document is (0 when it fits). */
  const overflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('should fit every staff page into a phone screen, for every staff role', async () => {
    await page.setViewportSize(PHONE);
    const overflowing: string[] = [];
    const photographed = new Set<PageName>();
    for (const [username, pages] of Object.entries(ROLES)) {
      await session.signInAs(username);
      // A page added to the top bar must be added here too.
      const offered = await page
        .locator('header nav a[data-testid^="nav-"]')
        .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      const checked = new Set(['/public', ...pages.map((name) => PAGES[name].path.split('?')[0])]);
      expect(
        offered.filter((path) => path !== '/patrol/' && !checked.has(path)),
        username,
      ).toEqual([]);
      for (const name of pages) {
        await open(name);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width) overflowing.push(`${name} as ${username}: ${width} px wide`);
        if (name === 'map') {
          const canvas = await page.locator('canvas.maplibregl-canvas').boundingBox();
          if (!canvas || canvas.width < PHONE.width - 60) {
            overflowing.push(`map as ${username}: its canvas is ${canvas?.width ?? 0} px wide`);
          }
        }
        if (!photographed.has(name)) {
          photographed.add(name);
          await page.screenshot({ path: `${SCREENSHOTS}/phone-${name}.png` });
        }
      }
    }
    expect(overflowing).toEqual([]);
    expect([...photographed].sort()).toEqual(Object.keys(PAGES).sort());
  }, 300_000);

  it('should fold the top bar into a menu that opens and closes on a phone', async () => {
    await page.setViewportSize(PHONE);
    await session.signInAs('dispatcher');
    await open('cases');
    const nav = page.getByTestId('nav-cases');
    expect(await nav.isVisible()).toBe(false);
    await page.getByTestId('menu').click();
    await nav.waitFor({ state: 'visible' });
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/phone-menu.png` });
    await page.getByTestId('nav-workbench').click();
    await page.getByTestId('workbench').waitFor();
    // Going to a page closes the menu.
    await nav.waitFor({ state: 'hidden' });
  }, 60_000);

  it('should show the audit trail at a desk: who, what in words, on which case, filtered by person', async () => {
    await page.setViewportSize(DESK);
    // Something for the trail to show beyond sign-ins: a step on a case, and a step the case refuses.
    await session.signInAs('dispatcher');
    const { items } = await session.request<{ items: { caseNumber: string }[] }>('/cases?status=reported&limit=1');
    const caseNumber = items[0]!.caseNumber;
    await session.request(`/cases/${caseNumber}/actions`, { method: 'POST', body: { action: 'register' } });
    await expect(
      session.request(`/cases/${caseNumber}/actions`, { method: 'POST', body: { action: 'register' } }),
    ).rejects.toThrow(/409/);

    await session.signInAs('auditor');
    await open('audit');
    const steps = page.locator('[data-testid="audit-trail"] tr[data-action="case.act"]');
    expect(await steps.count()).toBe(2);
    for (const row of await steps.all()) {
      expect(await row.getByTestId('audit-who').textContent()).toBe('张调度 (12345) dispatcher · 调度员');
      expect(await row.getByTestId('audit-what').textContent()).toBe('办理案件 · 立案');
      expect(await row.getByTestId('audit-subject').textContent()).toBe(caseNumber);
    }
    // Every action is said in words: no code such as auth.sign_in is left on the page.
    const what = await page.getByTestId('audit-what').allTextContents();
    expect(what.filter((text) => /[a-z]+[._][a-z_]+/.test(text))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/desk-audit.png` });

    await page.getByTestId('audit-person').fill('张调度');
    await page.getByTestId('audit-apply').click();
    const rows = page.locator('[data-testid="audit-trail"] tr[data-seq]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="audit-who"]')].every((cell) => cell.textContent?.includes('张调度')),
    );
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
