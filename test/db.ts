/**
 * The database matrix every DB-backed test runs on: PGlite always, and a real PostgreSQL server too when
 * TEST_DATABASE_URL is set (CI sets it). Each test file gets its own fresh database with the real
 * migrations applied: an in-memory PGlite, or a throw-away database on the server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A test database; a server one also gives its URL, for other processes to connect to. */
export type TestDatabase = DatabaseHandle & { url?: string };

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ kind: 'pglite', dataDir: undefined });
    await migrateToLatest(handle.db);
    return handle;
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `civicgrid_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString() });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      await withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Declares the same tests once per database kind (after Kysely's own DIALECTS loop):
 *   forEachDatabase('case intake', (database) => { it('…', async () => { const { db } = database(); … }) })
 */
export function forEachDatabase(name: string, declare: (database: () => DatabaseHandle, kind: DatabaseKind) => void) {
  for (const kind of DATABASE_KINDS) {
    describe(`${kind}: ${name}`, () => {
      let handle: DatabaseHandle | undefined;
      beforeAll(async () => {
        handle = await createTestDatabase(kind);
      }, 60_000);
      afterAll(async () => {
        await handle?.close();
      });
      declare(() => {
        if (!handle) throw new Error('the test database is not ready');
        return handle;
      }, kind);
    });
  }
}
