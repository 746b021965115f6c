/**
 * No change commits without its audit entry, whatever clients and the process do: clients give up in the
 * middle of their requests, and the server is killed (SIGKILL) at random moments while cases are reported
 * and registered. Afterwards every case event that was stored is matched by an audit entry written by the
 * same transaction (the same xmin: PostgreSQL's id of the transaction that inserted a row), and
 * `civicgrid audit verify` finds the trail intact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../db.ts';
import { type RunningServer, runCli, signInOverHttp, startServer } from './server-process.ts';

const KILLS = 2;
const WRITERS = 6;

for (const kind of DATABASE_KINDS) {
  describe(`${kind}: audit entries under aborted requests and killed servers`, () => {
    let dataDir: string;
    let database: TestDatabase | undefined;
    let env: Record<string, string>;

    beforeAll(async () => {
      // The development key lives in DATA_DIR: the commands and the servers share it.
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `civicgrid-audit-${kind}-`));
      if (kind === 'postgres') database = await createTestDatabase('postgres');
      env = {
        DATA_DIR: dataDir,
        DATABASE_URL: database?.url ?? '',
        DEMO_DATA: 'false',
        RATE_LIMIT_PER_MINUTE: '1000000',
      };
      await runCli(['seed-demo', '--cases', '0'], env);
    }, 180_000);

    afterAll(async () => {
      await database?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Reports and registers cases as fast as it can, giving up on some requests part-way through. */
    async function write(server: RunningServer, until: () => boolean, tally: Map<string, number>) {
      const headers = await signInOverHttp(server.url, 'dispatcher');
      const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
      const writer = async (w: number) => {
        for (let i = 0; !until(); i++) {
          // One request in three is abandoned after a few milliseconds, often while it is being handled.
          const signal = i % 3 === 0 ? AbortSignal.timeout(2 + ((w * 7 + i) % 20)) : undefined;
          try {
            const created = await fetch(`${server.url}/api/v1/cases`, {
              method: 'POST',
              headers,
              signal,
              body: JSON.stringify({
                title: `并发${w}-${i}`,
                description: '审计测试',
                categoryCode: '010204',
                address: '五一大道',
              }),
            });
            count(`report ${created.status}`);
            if (created.status !== 201) continue;
            const { caseNumber } = (await created.json()) as { caseNumber: string };
            const registered = await fetch(`${server.url}/api/v1/cases/${caseNumber}/actions`, {
              method: 'POST',
              headers,
              signal: i % 2 ? AbortSignal.timeout(1 + (i % 10)) : undefined,
              body: JSON.stringify({ action: 'register' }),
            });
            count(`register ${registered.status}`);
          } catch {
            count(until() ? 'cut off by the kill' : 'abandoned by the client');
          }
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    }

    it('should find an audit entry from the same transaction for every stored case event, and an intact trail', async () => {
      const startedAt = new Date();
      const tally = new Map<string, number>();
      for (let round = 0; round <= KILLS; round++) {
        const server = await startServer(env);
        let killed = false;
        const writing = write(server, () => killed, tally);
        await new Promise((resolve) => setTimeout(resolve, 1_500 + ((round * 977) % 1_500)));
        if (round < KILLS) {
          killed = true;
          await server.stop('SIGKILL');
        } else {
          killed = true;
          await writing;
          await server.stop('SIGTERM');
        }
        await writing;
      }

      const handle =
        kind === 'postgres' ? await openDatabase({ kind, url: database!.url! }) : await openDatabase({ kind, dataDir });
      try {
        const { rows } = await sql<{ events: number; unmatched: number; cases: number }>`
          select count(*)::int as events,
            count(*) filter (where not exists (select 1 from audit_log a where a.xmin = e.xmin))::int as unmatched,
            count(distinct e.case_id)::int as cases
          from case_events e where e.created_at >= ${startedAt}`.execute(handle.db);
        console.log(`${kind}: ${JSON.stringify(rows[0])}; requests: ${JSON.stringify([...tally])}`);
        expect(rows[0]!.events).toBeGreaterThan(20);
        expect(rows[0]!.unmatched).toBe(0);
        expect([...tally.keys()].some((k) => k.startsWith('abandoned') || k.startsWith('cut off'))).toBe(true);
      } finally {
        await handle.close();
      }
      const verified = await runCli(['audit', 'verify'], env);
      expect(verified).toMatch(/audit log intact/);
    }, 300_000);
  });
}
