import { type Config, readConfig } from '../config.ts';
import { type DatabaseHandle, databaseTarget, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** Opens the configured database and brings its schema up to date: what every command starts with. */
export async function openConfiguredDatabase(config: Config = readConfig()): Promise<DatabaseHandle> {
  const handle = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `embedded PostgreSQL (PGlite) in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
