/**
 * The embedded database's own thread (see pglite-thread.ts): opens PGlite and runs the queries it is
 * sent, one at a time, in the order they arrive.
 *
 * Plain JavaScript, not TypeScript like the rest: a worker thread starts in bare Node, without the loader
 * the command runs under (tsx) or the test runner's transform, so it must be code Node runs as it is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

// The same JavaScript types as database.ts gives the PostgreSQL pool: bigint and numeric as numbers
// (counts never exceed 2^53 here), DATE as 'YYYY-MM-DD' strings.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
const parsers = {
  [INT8]: (value) => Number(value),
  [NUMERIC]: (value) => Number(value),
  [DATE]: (value) => value,
};

/**
 * What PostgreSQL says of an error, as plain fields a message can carry. Only these: PGlite also attaches
 * the query and its parameters, which may hold personal data and must not reach the server's log.
 */
const ERROR_FIELDS = ['code', 'severity', 'detail', 'hint', 'schema', 'table', 'column', 'dataType', 'constraint'];

function fieldsOf(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { message: error.message };
  for (const key of ERROR_FIELDS) {
    if (typeof error[key] === 'string') fields[key] = error[key];
  }
  return fields;
}

const port = parentPort;
let pglite;
try {
  pglite = await PGlite.create({ dataDir: workerData.dataDir, extensions: { pg_trgm }, parsers });
  // The channels are listened to here, before any query: PGlite has one session, and a LISTEN sent while
  // a request's transaction is open would join it (and be undone with it, or fail with it).
  for (const channel of workerData.channels ?? []) {
    await pglite.listen(channel, (payload) => port.postMessage({ notification: { channel, payload } }));
  }
} catch (error) {
  port.postMessage({ fatal: fieldsOf(error) });
  process.exit(1);
}
port.postMessage({ ready: true });

port.on('message', async (message) => {
  if (message.close) {
    // Closed or not, the server is told, so its shutdown never waits for an answer that does not come.
    await pglite.close().catch(() => {});
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
