import { CITY_TIME_ZONE } from '../src/config.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import { type ImportOptions, type ImportSummary, runImport } from '../src/hub/index.ts';
import type { Clock } from '../src/lib/clock.ts';
import { keyringOf } from './demo-city.ts';

/**
 * Imports a file into a test database as its administrator, with no area placing anything (the tests of
 * the catalogue and its APIs start from an imported dataset or two).
 */
export async function importAsAdmin(
  handle: DatabaseHandle,
  clock: Clock,
  options: Omit<ImportOptions, 'userId'>,
): Promise<ImportSummary> {
  const admin = await handle.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  const deps = {
    db: handle.db,
    keyring: keyringOf(handle),
    locateArea: () => null,
    cityTimeZone: CITY_TIME_ZONE,
    clock,
  };
  return runImport(deps, { ...options, userId: admin.id });
}
