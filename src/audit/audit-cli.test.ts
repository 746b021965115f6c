/** `civicgrid audit verify` and `audit head` as an operator runs them: real processes against a database. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.ts';
import { runCliForResult } from '../../test/server/server-process.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { Keyring } from '../privacy/keyring.ts';
import { anchorHead, appendAudit, auditHead } from './index.ts';

type WithDb = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

/** The key the command reads from CIVICGRID_KEY (a one-key keyring whose key id is "env"). */
const key = randomBytes(32);
const keys = new Keyring('env', [{ id: 'env', key }]);

async function verifyThenTamper(baseEnv: Record<string, string>, withDb: WithDb) {
  const anchorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-anchors-'));
  const anchorFile = path.join(anchorDir, 'audit-anchors.jsonl');
  const env = { ...baseEnv, CIVICGRID_KEY: key.toString('base64'), AUDIT_ANCHOR_FILE: anchorFile };
  const head = await withDb(async (db) => {
    for (let n = 1; n <= 5; n++) {
      await appendAudit(db, keys, { at: new Date(), actorUserId: null, actorRole: null, action: 'sweep.supervision' });
      if (n === 4) await anchorHead(db, anchorFile, null, new Date());
    }
    return auditHead(db);
  });

  const intact = await runCliForResult(['audit', 'verify'], env);
  expect(intact.code, intact.output).toBe(0);
  expect(intact.output).toMatch(/audit log intact: 5 entries, 1 anchored heads in /);
  const printed = await runCliForResult(['audit', 'head'], env);
  expect(printed.code, printed.output).toBe(0);
  expect(JSON.parse(printed.output)).toEqual(head);

  // Without the key file's key, nothing can be vouched for.
  const otherKey = await runCliForResult(['audit', 'verify'], {
    ...env,
    CIVICGRID_KEY: randomBytes(32).toString('base64'),
  });
  expect(otherKey.code, otherKey.output).toBe(1);
  expect(otherKey.output).toMatch(/audit log broken at entry 1: the MAC does not match/);

  // The last two entries cut off: a valid, MACed chain, but shorter than the head anchored outside.
  await withDb((db) =>
    db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`delete from audit_log where seq > 3`.execute(trx);
    }),
  );
  const cut = await runCliForResult(['audit', 'verify'], env);
  expect(cut.code, cut.output).toBe(1);
  expect(cut.output).toMatch(/the log ends at entry 3, but entry 4 was anchored: entries were removed/);
  fs.rmSync(anchorDir, { recursive: true, force: true });

  // A superuser edits entry 3 with the append-only triggers switched off.
  await withDb((db) =>
    db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_log set action = 'sweep.nothing' where seq = 3`.execute(trx);
    }),
  );
  const broken = await runCliForResult(['audit', 'verify'], env);
  expect(broken.code, broken.output).toBe(1);
  expect(broken.output).toMatch(/audit log broken at entry 3: hash does not match its content/);
}

describe('civicgrid audit', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'should report an intact log, then the entry changed behind its back (PostgreSQL)',
    async () => {
      const database = await createTestDatabase('postgres');
      try {
        await verifyThenTamper({ DATABASE_URL: database.url!, DEMO_DATA: 'false' }, (work) => work(database.db));
      } finally {
        await database.close();
      }
    },
    120_000,
  );

  it('should report an intact log, then the entry changed behind its back (embedded database)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-audit-cli-'));
    try {
      // The embedded database allows one process at a time, so the test opens it only between commands.
      await verifyThenTamper({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO_DATA: 'false' }, async (work) => {
        const handle = await openDatabase({ kind: 'pglite', dataDir });
        try {
          await migrateToLatest(handle.db);
          return await work(handle.db);
        } finally {
          await handle.close();
        }
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
