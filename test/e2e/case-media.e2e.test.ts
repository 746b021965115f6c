/**
 * Photos in the staff console: a grid worker's report photo taken 2 km away and one re-used on a second
 * case are flagged with their reasons; the handler's photos before and after handling are side by side
 * while the case awaits verification, under their step in the history, and open in a viewer. At the
 * dispatcher's desk (1440 px) and on a phone (390 px).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoWithGps, resizedRecompressed } from '../media-fixtures.ts';
import { multipartUpload } from '../multipart.ts';
import { OUTPUT_DIR } from './browser.ts';
import { CAN_RUN_CONSOLE_TESTS, consoleSession } from './console-session.ts';
import { expandOnDesk } from './desk-cases.ts';

const CASE_POINT = { longitude: 112.99, latitude: 28.195 };

describe.skipIf(!CAN_RUN_CONSOLE_TESTS)('photos on a case in the console (Chromium)', () => {
  const session = consoleSession(0);
  const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-e2e-media-'));
  let page: Page;
  let first: string;
  let second: string;

  const inject = async (username: string, url: string, payload: object) => {
    const response = await session
      .app()
      .inject({ method: 'POST', url: `/api/v1${url}`, headers: await session.as(username), payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };
  const upload = async (username: string, caseNumber: string, stage: string, files: string[]) => {
    const { contentType, payload } = await multipartUpload(stage, files);
    const response = await session.app().inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/media`,
      headers: { ...(await session.as(username)), 'content-type': contentType },
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
  };
  const report = async (title: string) =>
    (
      await inject('gridworker', '/cases', {
        title,
        description: `${title}，灯杆倾斜`,
        categoryCode: '010204',
        location: CASE_POINT,
        channel: 'grid_patrol',
      })
    ).caseNumber as string;

  beforeAll(async () => {
    page = session.page();
    const now = new Date();
    first = await report('五一大道路灯不亮');
    const far = await photoWithGps(fixtures, { longitude: 112.99, latitude: 28.213, takenAt: now, seed: 5 });
    await upload('gridworker', first, 'report', [far]);
    second = await report('五一大道路灯又坏');
    const copy = await resizedRecompressed(far, path.join(fixtures, 'copy.jpg'), { scale: 0.5, quality: 60 });
    await upload('gridworker', second, 'report', [copy]);

    await inject('dispatcher', `/cases/${first}/actions`, { action: 'register' });
    const dispatched = await inject('dispatcher', `/cases/${first}/actions`, { action: 'dispatch' });
    const { rows } = await sql<{ username: string }>`
      select username from users where handling_body_id = ${dispatched.assignedBody.id} and role = 'handler' limit 1`.execute(
      session.database().db,
    );
    const handler = rows[0]!.username;
    await inject(handler, `/cases/${first}/actions`, { action: 'accept' });
    const before = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: now, seed: 11 });
    const after = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: now, seed: 12 });
    await upload(handler, first, 'before', [before]);
    await upload(handler, first, 'after', [after]);
    await inject(handler, `/cases/${first}/actions`, { action: 'handle', note: '已更换灯泡' });
  }, 120_000);

  afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

  it('shows flags with their reasons, before and after side by side, photos under their step, and a viewer', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.signInAs('dispatcher');
    await page.goto(`${session.base()}/cases/${first}`);
    await page.getByTestId('before-after').waitFor();
    const flags = page.getByTestId('media-flags');
    await expect.poll(() => flags.first().textContent()).toMatch(/公里|km/);
    expect(await page.getByTestId('step-photos').count()).toBeGreaterThanOrEqual(2);
    // Every thumbnail and side-by-side photo loaded (an authorised route, with the session cookie).
    await expect
      .poll(() => page.$$eval('.case-media img', (imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await page.screenshot({ path: `${OUTPUT_DIR}/case-media-1440.png`, fullPage: true });

    await page.getByTestId('media-thumb').first().locator('button').click();
    await page.getByTestId('media-viewer').waitFor();
    await page.screenshot({ path: `${OUTPUT_DIR}/case-media-viewer-1440.png` });
    await page.keyboard.press('Escape');
    await page.getByTestId('media-viewer').waitFor({ state: 'detached' });

    await page.goto(`${session.base()}/cases/${second}`);
    await expect.poll(() => page.getByTestId('media-flags').first().textContent()).toContain(first);

    // The dispatcher sees a report's photos and their flags on the workbench, before registering it.
    await page.goto(`${session.base()}/workbench`);
    const card = await expandOnDesk(page, second);
    await card.getByTestId('report-photos').locator('[data-flag="reused"]').waitFor();
    await card.screenshot({ path: `${OUTPUT_DIR}/case-media-workbench-1440.png` });
  });

  it("shows the supervisor this week's patrol coverage of each grid worker", async () => {
    const startedAt = new Date(Date.now() - 10 * 60_000);
    const { id } = await inject('gridworker', '/patrols', { startedAt: startedAt.toISOString() });
    const points = [0, 1, 2].map((i) => ({
      recordedAt: new Date(startedAt.getTime() + (i + 1) * 60_000).toISOString(),
      longitude: 112.985 + i * 0.001,
      latitude: 28.195,
    }));
    await inject('gridworker', `/patrols/${id}/points`, { points });
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.signInAs('supervisor');
    await page.goto(`${session.base()}/supervision`);
    const row = page.getByTestId('patrol-coverage').locator('tr[data-user="gridworker"]');
    await expect.poll(() => row.textContent()).toMatch(/[1-9]\d* \/ \d+/);
    await page.getByTestId('patrol-coverage').screenshot({ path: `${OUTPUT_DIR}/patrol-coverage-1440.png` });
  });

  it('fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${session.base()}/cases/${first}`);
    await page.getByTestId('before-after').waitFor();
    const overflow = await page.evaluate(() => {
      const media = document.querySelector('[data-testid="case-media"]')!.getBoundingClientRect();
      return media.right - window.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByTestId('case-media').screenshot({ path: `${OUTPUT_DIR}/case-media-390.png` });
  });
});
