/**
 * The embedded database's own thread (see pglite-thread.ts): opens PGlite and runs the queries it is
 * sent, one at a time, in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLITE_PARSERS } from './pglite-parsers.ts';

const port = parentPort!;

/** An error as plain fields (what a message can carry): PostgreSQL's code, detail, constraint and the rest. */
function fieldsOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    fields[key] = typeof value === 'object' && value !== null ? String(value) : value;
  }
  return fields;
}

let pglite: PGlite;
try {
  pglite = await PGlite.create({
    dataDir: (workerData as { dataDir?: string }).dataDir,
    extensions: { pg_trgm },
    parsers: PGLITE_PARSERS,
  });
} catch (error) {
  port.postMessage({ fatal: fieldsOf(error) });
  process.exit(1);
}
port.postMessage({ ready: true });

port.on('message', async (message: { id: number; sql: string; params: unknown[] } | { close: true }) => {
  if ('close' in message) {
    await pglite.close();
    port.postMessage({ closed: true });
    return;
  }
  try {
    const result = await pglite.query(message.sql, message.params);
    port.postMessage({ id: message.id, rows: result.rows, affectedRows: result.affectedRows });
  } catch (error) {
    port.postMessage({ id: message.id, error: fieldsOf(error) });
  }
});
