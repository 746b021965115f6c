import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';

/** The PostgreSQL server benches use: BENCH_DATABASE_URL, or the local one. */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database for one bench run: an in-memory PGlite, or a throw-away database on the server. `drop`
 * closes it and, on the server, drops it.
 */
export async function openBenchDatabase(
  kind: 'pglite' | 'postgres',
): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ kind: 'pglite', dataDir: undefined });
    return { handle, drop: () => handle.close() };
  }
  const server = await createServerDatabase();
  const handle = await openDatabase({ kind: 'postgres', url: server.url });
  return {
    handle,
    drop: async () => {
      await handle.close();
      await server.drop();
    },
  };
}

/** A throw-away database on the bench's PostgreSQL server: its URL (for a server process) and its drop. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `civicgrid_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

async function adminQuery(statement: string) {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
