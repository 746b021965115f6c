import type { Page } from 'playwright-core';
import { demoMessages } from '../../src/demo/seed-demo.ts';
import type { ConsoleSession } from './console-session.ts';

/**
 * Reports `count` new hotline cases through the API, from the demo's real citizen messages
 * (the TipDM 2020 messages the demo city is built from, with its 长沙 place names), newest last;
 * `reporterPhone` gives the first one a caller on record. Returns their case numbers in the order reported.
 */
export async function reportDemoCases(
  session: ConsoleSession,
  count: number,
  options: { offset?: number; reporterPhone?: string } = {},
): Promise<string[]> {
  const { db } = session.database();
  const districts = await db
    .selectFrom('grid_areas')
    .select('name_zh')
    .where('level', '=', 'district')
    .orderBy('code')
    .execute();
  const messages = demoMessages(districts.map((d) => d.name_zh));
  const categories = await db.selectFrom('categories').select(['id', 'parent_id', 'code', 'name_zh']).execute();
  const byId = new Map(categories.map((c) => [c.id, c]));
  const pathOf = (c: (typeof categories)[number]): string =>
    c.parent_id ? `${pathOf(byId.get(c.parent_id)!)}/${c.name_zh}` : c.name_zh;
  const codeByPath = new Map(categories.map((c) => [pathOf(c), c.code]));
  const headers = await session.as('dispatcher');
  const numbers: string[] = [];
  const start = messages.length - (options.offset ?? 0) - count;
  for (const [i, message] of messages.slice(start, start + count).entries()) {
    const response = await session.app().inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers,
      payload: {
        title: message.title,
        description: message.description,
        categoryCode: codeByPath.get(message.category),
        location: { longitude: message.longitude, latitude: message.latitude },
        channel: 'hotline',
        reporter: i === 0 && options.reporterPhone ? { phone: options.reporterPhone } : undefined,
      },
    });
    if (response.statusCode !== 201) throw new Error(`could not report a demo case: ${response.body}`);
    numbers.push(response.json().caseNumber);
  }
  return numbers;
}

/**
 * Puts the desk's marker on a case's row and opens it out (the `e` key): the card under it has the
 * duplicates, the return reason, the photos and "dispatch elsewhere". Returns the card.
 */
export async function expandOnDesk(page: Page, caseNumber: string) {
  const row = page.locator(`[data-desk-case="${caseNumber}"]`);
  await row.locator('.desk-meta').click();
  await page.keyboard.press('e');
  return row.getByTestId('workbench-card');
}
