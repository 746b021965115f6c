/**
 * The administrator's console, as an administrator uses it: a new handling body, a handler in it, a grid
 * worker whose area is picked on the map, a category's time limit, a routing rule made with pickers and a
 * holiday. Each then takes effect: a case of that category in that area is suggested to the new body by
 * the new rule, its handling deadline counts the new limit and skips the new holiday, the handler signs in
 * with the password given and finds the case, and the grid worker sees the cases of their area.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const CATEGORY = ['01', '0102', '010212']; // 城乡建设 / 城市建设和市政管理 / 小区管理
const BODY = { code: 'lamps-e2e', nameZh: '测试路灯管理所', nameEn: 'Street lighting (test)' };
const HANDLER = { username: 'lamps.li', name: '路灯所 李工', password: 'Lamp-post-2026!' };
const GRID_WORKER = { username: 'grid.e2e', name: '测试网格员', password: 'Grid-walk-2026!' };
const LIMIT_DAYS = 30;

interface CaseDetail {
  caseNumber: string;
  version: number;
  suggestion: { bodyId: string | null; source: string };
  deadlines: Array<{ kind: string; dueAt: string; startedAt: string }>;
}

/** A weekday about ten days ahead, in the city's calendar: inside a 30-working-day deadline. */
function weekdayAhead(days: number): string {
  const day = new Date(Date.now() + days * 86_400_000);
  while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the administration (Chromium)', () => {
  const session = consoleSession(6);
  let page: Page;
  let base: string;
  let pickedArea = '';
  let bodyId = '';

  beforeAll(() => {
    page = session.page();
    base = session.base();
  });
  const shot = (name: string) => page.screenshot({ path: `${OUTPUT_DIR}/admin-${name}.png`, fullPage: true });
  const tab = async (name: string) => {
    await page.goto(`${base}/admin?tab=${name}`);
    await page.getByTestId(`admin-tab-${name}`).waitFor();
  };
  /** Clicks the middle of a picker's map once its areas are drawn, and gives back the code chosen. */
  async function pickOnMap(picker: string): Promise<string> {
    const map = page.getByTestId(`${picker}-map`);
    await map.locator('canvas').waitFor();
    const chosen = page.locator(`[data-testid="${picker}-chosen"] li[data-code]`);
    // The areas arrive after the map: click until one is chosen (each click on nothing does nothing).
    for (let attempt = 0; attempt < 20 && (await chosen.count()) === 0; attempt++) {
      await map.click({ position: { x: ((await map.boundingBox())!.width * 0.5) | 0, y: 160 } });
      await page.waitForTimeout(250);
    }
    return (await chosen.first().getAttribute('data-code'))!;
  }
  const detail = (caseNumber: string) => session.request<CaseDetail>(`/cases/${caseNumber}`);

  it('should add a handling body and a handler in it who can sign in', async () => {
    await session.signInAs('admin');
    await tab('bodies');
    await page.getByTestId('add-body').click();
    await page.getByTestId('body-code').fill(BODY.code);
    await page.getByTestId('body-name-zh').fill(BODY.nameZh);
    await page.getByTestId('body-name-en').fill(BODY.nameEn);
    await page.getByTestId('body-type').selectOption('government_department');
    await page.getByTestId('body-save').click();
    await page.locator(`[data-testid="bodies"] li[data-code="${BODY.code}"]`).waitFor();
    await shot('bodies');

    await tab('staff');
    await page.getByTestId('add-user').click();
    await page.getByTestId('new-username').fill(HANDLER.username);
    await page.getByTestId('new-display-name').fill(HANDLER.name);
    await page.getByTestId('new-role').selectOption('handler');
    await page.getByTestId('new-body').selectOption({ label: BODY.nameZh });
    await page.getByTestId('new-password').fill(HANDLER.password);
    await page.getByTestId('new-user-save').click();
    await page.locator(`tr[data-username="${HANDLER.username}"]`).waitFor();
    const bodies = await session.request<Array<{ id: string; code: string }>>('/handling-bodies');
    bodyId = bodies.find((b) => b.code === BODY.code)!.id;
  });

  it('should add a grid worker whose area is picked on the map', async () => {
    await page.getByTestId('add-user').click();
    await page.getByTestId('new-username').fill(GRID_WORKER.username);
    await page.getByTestId('new-display-name').fill(GRID_WORKER.name);
    await page.getByTestId('new-role').selectOption('grid_worker');
    await page.getByTestId('new-password').fill(GRID_WORKER.password);
    pickedArea = await pickOnMap('new-areas');
    expect(pickedArea).toMatch(/^\d{6}$/);
    await shot('new-user');
    await page.getByTestId('new-user-save').click();
    const row = page.locator(`tr[data-username="${GRID_WORKER.username}"]`);
    await row.waitFor();
    expect(await row.getByTestId('reach-now').textContent()).toBe(pickedArea);
  });

  it('should set a category’s time limit, a routing rule with pickers, and a holiday', async () => {
    await tab('categories');
    for (const [level, code] of CATEGORY.entries()) {
      await page.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await page.locator(`[data-testid="category-form"][data-code="${CATEGORY[2]}"]`).waitFor();
    await page.getByTestId('handling-limit').fill(String(LIMIT_DAYS));
    await page.getByTestId('category-save').click();
    await page.getByTestId('categories-admin').locator('.notice').waitFor();
    const saved = await session.request<{ handlingLimitDays: number }>(`/categories/${CATEGORY[2]}`);
    expect(saved.handlingLimitDays).toBe(LIMIT_DAYS);

    await page.goto(`${base}/routing-rules`);
    await page.getByTestId('add-rule').click();
    const form = page.getByTestId('rule-form');
    for (const [level, code] of CATEGORY.entries()) {
      await form.getByTestId(`category-level-${level + 1}`).selectOption(code);
    }
    await form.getByTestId('rule-area-list').selectOption(pickedArea);
    await form.getByTestId('rule-lead').selectOption({ label: BODY.nameZh });
    await form.getByTestId('rule-note').fill('e2e: 新单位试点');
    await form.getByTestId('rule-save').click();
    await page.getByTestId('rule-form').waitFor({ state: 'detached' });
    await page.getByTestId('rules').locator('tr[data-rule]').filter({ hasText: 'e2e:' }).waitFor();
    await shot('rules');
  });

  it('should count the new limit and the new holiday in a case the new rule sends to the new body', async () => {
    const [area] = (
      await session.request<{
        features: Array<{ geometry: { type: string; coordinates: number[][][] | number[][][][] } }>;
      }>(`/grid/areas.geojson?level=district&within=${pickedArea}`)
    ).features;
    // A point inside the area: the first of a 7×7 lattice over its outline that the server places in it
    // (a district's outline can be concave, so its mean point may lie outside it).
    const ring = (
      area!.geometry.type === 'MultiPolygon'
        ? (area!.geometry.coordinates as number[][][][])[0]![0]!
        : (area!.geometry.coordinates as number[][][])[0]!
    ) as number[][];
    const [xs, ys] = [ring.map((p) => p[0]!), ring.map((p) => p[1]!)];
    const lattice = Array.from({ length: 49 }, (_, i) => [
      Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * ((i % 7) + 1)) / 8,
      Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * (Math.floor(i / 7) + 1)) / 8,
    ]);
    let inside: number[] | undefined;
    for (const [lon, lat] of lattice) {
      const located = await session.request<{ code: string | null }>(`/grid/locate?lon=${lon}&lat=${lat}`);
      if (located.code?.startsWith(pickedArea)) {
        inside = [lon!, lat!];
        break;
      }
    }
    expect(inside, `a point of ${pickedArea}`).toBeDefined();
    const [cx, cy] = inside!;

    const dispatchOne = async (title: string) => {
      const created = await session
        .app()
        .inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: await session.as('citizen'),
          payload: {
            title,
            description: '小区内路灯不亮',
            categoryCode: CATEGORY[2],
            location: { longitude: cx, latitude: cy },
          },
        })
        .then((r) => r.json() as CaseDetail);
      const act = async (payload: object) =>
        session.app().inject({
          method: 'POST',
          url: `/api/v1/cases/${created.caseNumber}/actions`,
          headers: await session.as('dispatcher'),
          payload,
        });
      const registering = await act({ action: 'register' });
      expect(registering.statusCode, registering.body).toBe(200);
      const registered = await detail(created.caseNumber);
      expect(registered.suggestion).toMatchObject({ bodyId, source: 'rule' });
      const dispatching = await act({ action: 'dispatch', bodyId: registered.suggestion.bodyId });
      expect(dispatching.statusCode, dispatching.body).toBe(200);
      const dispatched = await detail(created.caseNumber);
      return { caseNumber: created.caseNumber, handling: dispatched.deadlines.find((d) => d.kind === 'handling')! };
    };

    const before = await dispatchOne('路灯不亮（节假日前）');
    const days = (d: { startedAt: string; dueAt: string }) =>
      (Date.parse(d.dueAt) - Date.parse(d.startedAt)) / 86_400_000;
    // 30 working days are six weeks or more of calendar time.
    expect(days(before.handling)).toBeGreaterThanOrEqual((LIMIT_DAYS * 7) / 5 - 1);

    const holiday = weekdayAhead(10);
    await tab('calendar');
    await page.getByTestId('calendar-year').fill(holiday.slice(0, 4));
    await page.getByTestId('calendar-year').dispatchEvent('change');
    await page.getByTestId('day-date').fill(holiday);
    await page.getByTestId('day-kind').selectOption('holiday');
    await page.getByTestId('day-name').fill('测试假日');
    await page.getByTestId('day-add').click();
    await page.locator(`[data-testid="calendar-days"] tr[data-date="${holiday}"]`).waitFor();
    await shot('calendar');

    const after = await dispatchOne('路灯不亮（节假日后）');
    // One working day fewer in the window: the same limit ends at least a day later.
    expect(Date.parse(after.handling.dueAt) - Date.parse(before.handling.dueAt)).toBeGreaterThan(20 * 3_600_000);

    // The handler signs in with the password the administrator gave and finds the case in their queue.
    await page.context().clearCookies();
    const signedIn = await page.request.post(`${base}/api/v1/auth/sign-in`, {
      data: { username: HANDLER.username, password: HANDLER.password },
    });
    expect(signedIn.status(), await signedIn.text()).toBe(200);
    await page.goto(`${base}/queue`);
    await page.locator(`[data-testid="queue"] tr[data-case="${after.caseNumber}"]`).waitFor();

    // The grid worker reaches the cases of the area picked for them.
    await page.context().clearCookies();
    const counts = await page.request.post(`${base}/api/v1/auth/sign-in`, {
      data: { username: GRID_WORKER.username, password: GRID_WORKER.password },
    });
    expect(counts.status(), await counts.text()).toBe(200);
    const listed = await (await page.request.get(`${base}/api/v1/cases?limit=50`)).json();
    expect(listed.items.map((c: { caseNumber: string }) => c.caseNumber)).toContain(after.caseNumber);
  });

  it('should pick an area on the map and give it a grid worker', async () => {
    await session.signInAs('admin');
    await tab('areas');
    const code = await pickOnMap('admin-area');
    await page.getByTestId('area-form').waitFor();
    await page.getByTestId(`area-worker-${GRID_WORKER.username}`).check();
    await page.getByTestId('area-save').click();
    await page.getByTestId('area-form').locator('.notice').waitFor();
    const area = await session.request<{ workers: Array<{ username: string }> }>(`/grid/areas/${code}`);
    expect(area.workers.map((w) => w.username)).toContain(GRID_WORKER.username);
    await shot('areas');
  });
});
