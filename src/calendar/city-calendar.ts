import type { Db } from '../db/database.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { CHINA_2026 } from './cn-2026.ts';
import { type CalendarDay, WorkingCalendar } from './working-calendar.ts';

const VERSION_KEY = 'calendar_version';

async function readDays(db: Db, year?: number): Promise<CalendarDay[]> {
  let query = db.selectFrom('calendar_days').selectAll().orderBy('date');
  if (year !== undefined) query = query.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`);
  const rows = await query.execute();
  return rows.map((r) => ({ date: r.date, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en }));
}

/**
 * The city's working calendar as this process knows it. Deadlines are computed in the request, so the
 * calendar is held in memory; a change made by another instance or by the CLI is picked up by
 * refreshIfChanged (a version number in the settings table), like the grid's placement index.
 */
export class CityCalendar {
  #current: WorkingCalendar;
  #version: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
  ) {
    this.#current = new WorkingCalendar({ timeZone, days: [] });
  }

  get current(): WorkingCalendar {
    return this.#current;
  }

  async reload(): Promise<void> {
    this.#version = (await readSetting<number>(this.db, VERSION_KEY)) ?? 0;
    this.#current = new WorkingCalendar({ timeZone: this.timeZone, days: await readDays(this.db) });
  }

  /** Reloads when the stored calendar changed since the last load; says whether it did. */
  async refreshIfChanged(): Promise<boolean> {
    const version = (await readSetting<number>(this.db, VERSION_KEY)) ?? 0;
    if (version === this.#version) return false;
    await this.reload();
    return true;
  }
}

/**
 * Replaces one year's holidays and adjusted working days (the State Council publishes each year's in
 * November). Every day given must fall in that year.
 */
export async function replaceCalendarYear(db: Db, year: number, days: readonly CalendarDay[]): Promise<void> {
  const outside = days.filter((d) => !d.date.startsWith(`${year}-`));
  if (outside.length) throw new Error(`days outside ${year}: ${outside.map((d) => d.date).join(', ')}`);
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('calendar_days')
      .where('date', '>=', `${year}-01-01`)
      .where('date', '<=', `${year}-12-31`)
      .execute();
    if (days.length) {
      await trx
        .insertInto('calendar_days')
        .values(days.map((d) => ({ date: d.date, kind: d.kind, name_zh: d.nameZh, name_en: d.nameEn })))
        .execute();
    }
    const version = (await readSetting<number>(trx, VERSION_KEY)) ?? 0;
    await writeSetting(trx, VERSION_KEY, version + 1);
  });
}

/** Loads the national calendars CivicGrid ships with, for each year that has none yet. */
export async function loadShippedCalendars(db: Db): Promise<void> {
  if (!(await readDays(db, 2026)).length) await replaceCalendarYear(db, 2026, CHINA_2026);
}

/** The stored days of one year, for the console and the API. */
export async function calendarYear(db: Db, year: number): Promise<CalendarDay[]> {
  return readDays(db, year);
}
