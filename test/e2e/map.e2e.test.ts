/**
 * The map in the console: districts drawn from the city's own boundaries with their names, unit grids
 * with their numbers, cases in four groups with filters and a density layer, a grid worker's own areas
 * first, and picking a case's place on a map. What the map draws is read from the attributes MapLibre's
 * `idle` event writes on its container (labels per level, case points, the view's bounds).
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';

const SCREENSHOTS = 'docs/screenshots';
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('the map (Chromium)', () => {
  const session = consoleSession(60);
  const { signInAs } = session;
  let page: Page;
  let base: string;

  beforeAll(() => {
    page = session.page();
    base = session.base();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const casesOnMap = async () => Number((await page.getByTestId('map-case-count').textContent())?.match(/\d+/)?.[0]);
  const drawn = (attribute: string) => page.getByTestId('map').getAttribute(`data-${attribute}`);
  /** How many labels of each level the map writes now, e.g. { district: 9, street: 0, grid: 0 }. */
  const labels = async () =>
    Object.fromEntries(
      ((await drawn('labels')) ?? '').split(',').map((pair) => [pair.split(':')[0], Number(pair.split(':')[1])]),
    );
  const bounds = async () => ((await drawn('bounds')) ?? '').split(',').map(Number) as [number, number, number, number];
  /** Waits until the map has drawn, after its view or its data changed, and `check` holds. */
  const until = (check: () => Promise<boolean>) => expect.poll(check, { timeout: 20_000, interval: 200 }).toBe(true);

  it('should write district names on the city and unit grid numbers close up', async () => {
    await page.setViewportSize(DESK);
    await signInAs('dispatcher');
    await page.goto(`${base}/map`);
    await page.getByTestId('map-case-count').filter({ hasText: /[1-9]/ }).waitFor();
    expect(await casesOnMap()).toBe(60);
    // The city: the nine districts' names, no unit grid's.
    await until(async () => ((await labels()).district ?? 0) >= 7);
    expect((await labels()).grid).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/map-city.png` });

    // One unit grid of 芙蓉区, among its neighbours: their numbers, no district name.
    const cells = await session.request<{ features: Array<{ properties: { code: string } }> }>(
      '/grid/areas.geojson?level=grid&within=430102',
    );
    const cell = cells.features[Math.floor(cells.features.length / 2)]!.properties.code;
    await page.goto(`${base}/map?area=${cell}`);
    await page.getByTestId('area-card').filter({ hasText: cell }).waitFor();
    await until(async () => ((await labels()).grid ?? 0) > 0);
    expect((await labels()).district).toBe(0);
    expect(await page.getByTestId('area-card').textContent()).toContain('王网格');
    await page.screenshot({ path: `${SCREENSHOTS}/map-unit-grid.png` });
  }, 90_000);

  it('should draw only the groups of cases ticked, and their density on demand', async () => {
    await page.goto(`${base}/map`);
    await until(async () => Number(await drawn('points-drawn')) === 60);
    const closed = Number(await page.getByTestId('map-count-closed').textContent());
    const overdue = Number(await page.getByTestId('map-count-overdue').textContent());
    expect(closed).toBeGreaterThan(0);
    expect(overdue).toBeGreaterThan(0);
    let total = 0;
    for (const group of ['new', 'in_progress', 'overdue', 'closed']) {
      total += Number(await page.getByTestId(`map-count-${group}`).textContent());
    }
    expect(total).toBe(60);

    await page.getByTestId('map-filter-closed').uncheck();
    await until(async () => Number(await drawn('points-drawn')) === 60 - closed);
    await page.getByTestId('map-filter-overdue').uncheck();
    await until(async () => Number(await drawn('points-drawn')) === 60 - closed - overdue);
    await page.getByTestId('map-filter-overdue').check();
    await page.getByTestId('map-filter-closed').check();
    await until(async () => Number(await drawn('points-drawn')) === 60);

    // Density instead of points.
    await page.getByTestId('map-density').check();
    await until(async () => Number(await drawn('points-drawn')) === 0);
    await page.screenshot({ path: `${SCREENSHOTS}/map-density.png` });
    await page.getByTestId('map-density').uncheck();
  }, 60_000);

  it('should open a grid worker on their own areas, showing only their cases', async () => {
    await signInAs('gridworker');
    const district = await session.request<{
      features: Array<{ geometry: { coordinates: number[][][][] | number[][][] } }>;
    }>('/grid/areas.geojson?level=district&within=430102');
    const points = district.features.flatMap((f) => f.geometry.coordinates.flat(Infinity) as number[]);
    const xs = points.filter((_, i) => i % 2 === 0);
    const ys = points.filter((_, i) => i % 2 === 1);
    const own = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;

    for (const [size, name] of [
      [PHONE, 'map-grid-worker-phone'],
      [DESK, 'map-grid-worker'],
    ] as const) {
      await page.setViewportSize(size);
      await page.goto(`${base}/map`);
      await page.getByTestId('area-card').filter({ hasText: '430102' }).waitFor();
      // The view holds all of 芙蓉区 and not much more (fitted: one side spans it, give or take the padding).
      await until(async () => {
        const [west, south, east, north] = await bounds();
        const fits = west <= own[0] && south <= own[1] && east >= own[2] && north >= own[3];
        const tight = east - west < (own[2] - own[0]) * 2.2 || north - south < (own[3] - own[1]) * 2.2;
        return fits && tight;
      });
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
    }
    const onMap = await casesOnMap();
    const counts = await session.request<{ total: number }>('/cases/counts');
    expect(onMap).toBeLessThan(60);
    expect(onMap).toBeGreaterThan(0);
    expect(onMap).toBeLessThanOrEqual(counts.total);
    await page.setViewportSize(DESK);
  }, 60_000);

  it('should place a new case by a click on the map or typed coordinates, naming its unit grid', async () => {
    await signInAs('dispatcher');
    await page.goto(`${base}/cases/new`);
    const map = page.getByTestId('new-location-map');
    await page.locator('[data-testid="new-location-map"][data-ready="true"]').waitFor();
    const grid = page.getByTestId('new-location-grid');

    // Typed (a keyboard's way): the point is located and its unit grid named.
    const cells = await session.request<{
      features: Array<{ properties: { code: string }; geometry: { type: string; coordinates: number[][][] } }>;
    }>('/grid/areas.geojson?level=grid&within=430102');
    // A cell well inside 芙蓉区 (the one nearest the mean of all cells' centres), so a click beside it is too.
    const centreOf = (ring: number[][]) =>
      [0, 1].map((axis) => ring.slice(0, -1).reduce((sum, c) => sum + c[axis]!, 0) / (ring.length - 1)) as [
        number,
        number,
      ];
    const squares = cells.features.filter((f) => f.geometry.type === 'Polygon');
    const centres = squares.map((f) => centreOf(f.geometry.coordinates[0]!));
    const mean = [0, 1].map((axis) => centres.reduce((sum, c) => sum + c[axis]!, 0) / centres.length);
    const distance = (c: [number, number]) => (c[0] - mean[0]!) ** 2 + (c[1] - mean[1]!) ** 2;
    const nearest = centres.reduce((best, c, i) => (distance(c) < distance(centres[best]!) ? i : best), 0);
    const cell = squares[nearest]!;
    const centre = centres[nearest]!;
    await page.getByTestId('new-longitude').fill(centre[0]!.toFixed(6));
    await page.getByTestId('new-latitude').fill(centre[1]!.toFixed(6));
    await page.getByTestId('new-latitude').press('Tab');
    await grid.filter({ hasText: cell.properties.code }).waitFor();

    // Picked: a click on the map fills the fields and names the unit grid the point falls in.
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2 + 90, box.y + box.height / 2);
    await expect.poll(async () => page.getByTestId('new-longitude').inputValue()).not.toBe(centre[0]!.toFixed(6));
    const picked = [
      await page.getByTestId('new-longitude').inputValue(),
      await page.getByTestId('new-latitude').inputValue(),
    ];
    const there = await session.request<{ code: string }>(`/grid/locate?lon=${picked[0]}&lat=${picked[1]}`);
    expect(there.code).toMatch(/^430102\d{9}$/);
    expect(there.code).not.toBe(cell.properties.code);
    await grid.filter({ hasText: there.code }).waitFor();
    await map.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/map-new-case-picker.png` });
    await page.setViewportSize(PHONE);
    await map.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/map-new-case-picker-phone.png` });
    await page.setViewportSize(DESK);
  }, 60_000);
});
