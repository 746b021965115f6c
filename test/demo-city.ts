import { CityCalendar } from '../src/calendar/index.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import { seedDemoCity } from '../src/demo/seed-demo.ts';
import { AreaLocator } from '../src/grid/index.ts';
import { type AppDeps, buildApp, CITY_TIME_ZONE } from '../src/http/app.ts';
import { fixedClock } from '../src/lib/clock.ts';
import { actorForUsername, issueApiToken } from '../src/organizations/index.ts';

/** The instant tests treat as "now" for the demo city. */
export const DEMO_NOW = new Date('2026-11-20T02:00:00Z');

/** Loads a small demo city (the real taxonomy and bodies, `cases` demo cases) into a test database. */
export async function loadSmallDemoCity(handle: DatabaseHandle, cases = 12) {
  const areas = new AreaLocator(handle.db);
  const report = await seedDemoCity({
    db: handle.db,
    areas,
    now: DEMO_NOW,
    reopenWindowDays: 15,
    timeZone: CITY_TIME_ZONE,
    limit: cases,
  });
  return { areas, report };
}

/** An app over the test database, and a helper that signs requests as a demo user. */
export async function buildTestApp(handle: DatabaseHandle, areas: AreaLocator, clock = fixedClock(DEMO_NOW)) {
  const calendar = new CityCalendar(handle.db, CITY_TIME_ZONE);
  await calendar.reload();
  const deps: AppDeps = { db: handle.db, clock, config: { demoSignIn: true, reopenWindowDays: 15 }, areas, calendar };
  const app = await buildApp(deps);
  const tokens = new Map<string, string>();
  const tokenFor = async (username: string) => {
    if (!tokens.has(username)) {
      const actor = await actorForUsername(handle.db, username);
      if (!actor) throw new Error(`no demo user ${username}`);
      tokens.set(username, await issueApiToken(handle.db, actor.userId, 'test'));
    }
    return tokens.get(username)!;
  };
  const as = async (username: string) => ({ authorization: `Bearer ${await tokenFor(username)}` });
  return { app, as };
}
