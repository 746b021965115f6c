import { sealLegacyAudit } from '../audit/index.ts';
import { type Config, readConfig } from '../config.ts';
import { type DatabaseHandle, databaseTarget, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { type Keyring, loadKeyring, sealLegacyPersons } from '../privacy/index.ts';

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

/**
 * The keyring personal data is sealed with (CIVICGRID_KEY_FILE, CIVICGRID_KEY, or a development key
 * generated under the data directory, said loudly), after sealing any identity still stored in clear.
 * Outside production, audit entries written before entries were MACed are sealed here too: a development
 * key lies beside the data, so an operator's step would guard nothing (in production: `audit seal-legacy`).
 */
export async function openKeyring(handle: DatabaseHandle, config: Config = readConfig()): Promise<Keyring> {
  const keyring = loadKeyring({
    keyFile: config.keyFile,
    envKey: config.envKey,
    dataDir: config.dataDir,
    production: config.production,
    warn: (message) => console.warn(message),
  });
  const sealed = await sealLegacyPersons(handle.db, keyring);
  if (sealed) console.log(`CivicGrid: sealed ${sealed} identities that were stored in clear`);
  if (!config.production) {
    const entries = await sealLegacyAudit(handle.db, keyring, new Date());
    if (entries) console.log(`CivicGrid: sealed the ${entries} audit entries written before entries were MACed`);
  }
  return keyring;
}
