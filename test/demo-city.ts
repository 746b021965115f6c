import { randomBytes } from 'node:crypto';
import { issueApiToken } from '../src/auth/index.ts';
import { CityCalendar } from '../src/calendar/index.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import { seedDemoCity } from '../src/demo/seed-demo.ts';
import { AreaLocator } from '../src/grid/index.ts';
import { type AppDeps, buildApp, CITY_TIME_ZONE } from '../src/http/app.ts';
import { type Clock, fixedClock } from '../src/lib/clock.ts';
import { actorForUsername, hashToken } from '../src/organizations/index.ts';
import { Keyring } from '../src/privacy/index.ts';

/** The instant tests treat as "now" for the demo city. */
export const DEMO_NOW = new Date('2026-11-20T02:00:00Z');

/** A keyring with one fresh random key: each test database seals its personal data under its own. */
export function testKeyring(): Keyring {
  return new Keyring('test', [{ id: 'test', key: randomBytes(32) }]);
}

/** The keyring of each test database the demo city was loaded into (the app over it needs the same). */
const keyrings = new WeakMap<DatabaseHandle, Keyring>();

export function keyringOf(handle: DatabaseHandle): Keyring {
  let keyring = keyrings.get(handle);
  if (!keyring) {
    keyring = testKeyring();
    keyrings.set(handle, keyring);
  }
  return keyring;
}

/** Loads a small demo city (the real taxonomy and bodies, `cases` demo cases) into a test database. */
export async function loadSmallDemoCity(handle: DatabaseHandle, cases = 12) {
  const areas = new AreaLocator(handle.db);
  const report = await seedDemoCity({
    db: handle.db,
    areas,
    keyring: keyringOf(handle),
    now: DEMO_NOW,
    reopenWindowDays: 15,
    timeZone: CITY_TIME_ZONE,
    limit: cases,
  });
  return { areas, report };
}

export const TEST_APP_CONFIG: AppDeps['config'] = {
  demoSignIn: true,
  reopenWindowDays: 15,
  secureCookies: false,
  sessions: { idleMinutes: 120, absoluteHours: 12 },
};

/** An app over the test database, and a helper that signs requests as a demo user. */
/**
 * What buildApp needs over a test database: its calendar loaded, its keyring, the test configuration.
 * Rate limits are lifted unless given: tests send hundreds of requests from one address, and the limits
 * are tested on their own.
 */
export async function testAppDeps(
  handle: DatabaseHandle,
  areas: AreaLocator,
  options: { clock?: Clock; hardening?: AppDeps['hardening'] } = {},
): Promise<AppDeps> {
  const calendar = new CityCalendar(handle.db, CITY_TIME_ZONE);
  await calendar.reload();
  return {
    db: handle.db,
    listen: handle.listen,
    clock: options.clock ?? fixedClock(DEMO_NOW),
    config: TEST_APP_CONFIG,
    areas,
    calendar,
    keyring: keyringOf(handle),
    hardening: options.hardening ?? { perIpPerMinute: 1_000_000_000, signInPerMinute: 1_000_000_000 },
  };
}

export async function buildTestApp(
  handle: DatabaseHandle,
  areas: AreaLocator,
  clock = fixedClock(DEMO_NOW),
  config: Partial<AppDeps['config']> = {},
  media?: AppDeps['media'],
) {
  const deps = await testAppDeps(handle, areas, { clock });
  const app = await buildApp({ ...deps, config: { ...deps.config, ...config }, media });
  const tokens = new Map<string, string>();
  // A test that signs a user out everywhere (or changes their password) revokes their token: a new one is
  // issued then, so later requests as that user still carry a live credential.
  const live = async (token: string | undefined) =>
    token !== undefined &&
    (await handle.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) !== undefined;
  const tokenFor = async (username: string) => {
    if (!(await live(tokens.get(username)))) {
      const actor = await actorForUsername(handle.db, username);
      if (!actor) throw new Error(`no demo user ${username}`);
      // Every scope, the account's too (no API token can be given that one): the tests check roles.
      const { token } = await issueApiToken(handle.db, actor.userId, {
        label: 'test',
        scopes: ['*', 'account'],
        expiresAt: null,
      });
      tokens.set(username, token);
    }
    return tokens.get(username)!;
  };
  const as = async (username: string) => ({ authorization: `Bearer ${await tokenFor(username)}` });
  return { app, as, keyring: deps.keyring };
}
