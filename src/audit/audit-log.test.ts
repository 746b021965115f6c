import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachDatabase, type TestDatabase } from '../../test/db.ts';
import { type Db, openDatabase } from '../db/database.ts';
import { Keyring } from '../privacy/keyring.ts';
import { anchorHead, readAnchorsIfAny } from './audit-anchors.ts';
import {
  type AuditEntry,
  appendAudit,
  auditHash,
  auditHead,
  canonicalEntry,
  GENESIS_HASH,
  listAudit,
  sealLegacyAudit,
  verifyAuditChain,
} from './audit-log.ts';

/** The key file's keys: entries are MACed with the current one. */
const keys = new Keyring('k1', [{ id: 'k1', key: randomBytes(32) }]);

const DISPATCHER = '3f0c6a52-8d7e-4b1a-9c2d-5e6f7a8b9c0d';
const SUPERVISOR = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 24, 9, 0, 0, n)),
  actorUserId: DISPATCHER,
  actorRole: 'dispatcher',
  action: 'case.dispatch',
  subjectType: 'case',
  subjectId: `2026-${String(n).padStart(6, '0')}`,
  details: { bodyId: 'b1', n },
  ...extra,
});

/** Runs statements with the triggers off, as a superuser could: how an attacker would edit the log. */
async function asSuperuserPastTriggers(db: Db, statement: RawBuilder<unknown>) {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });
}

describe('canonical serialisation', () => {
  it('should keep the exact bytes every written chain depends on', () => {
    const row = {
      seq: 1,
      prev_hash: GENESIS_HASH,
      occurred_at: new Date('2026-11-24T09:00:00.005Z'),
      actor_user_id: null,
      actor_role: null,
      action: 'personal_data.unmask',
      subject_type: 'person',
      subject_id: '42',
      purpose: '回访',
      details: { z: [1, { b: 2, a: 1 }], a: null },
      ip: '127.0.0.1',
      request_id: null,
    };
    expect(canonicalEntry(row)).toBe(
      `[1,"${GENESIS_HASH}","2026-11-24T09:00:00.005Z",null,null,"personal_data.unmask","person","42","回访",` +
        '{"a":null,"z":[1,{"a":1,"b":2}]},"127.0.0.1",null]',
    );
    expect(auditHash(row)).toBe('2cf702665d42535807dbbf9794875e2bb2f8681b0c39c893f0fc43b15e697d5d');
  });
});

forEachDatabase('audit log', (database, kind) => {
  it('should number entries 1, 2, 3… and chain each to the one before', async () => {
    const { db } = database();
    expect(await auditHead(db)).toBeNull();
    expect(await verifyAuditChain(db, keys)).toEqual({ checked: 0, ok: true });
    const appended = [];
    for (let n = 1; n <= 12; n++) appended.push(await appendAudit(db, keys, entry(n)));
    expect(appended.map((a) => a.seq)).toEqual([...Array(12).keys()].map((i) => i + 1));
    const rows = await db.selectFrom('audit_log').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await auditHead(db)).toEqual(appended.at(-1));
    const progress: [number, number][] = [];
    expect(await verifyAuditChain(db, keys, { onProgress: (done, total) => progress.push([done, total]) })).toEqual({
      checked: 12,
      ok: true,
    });
    expect(progress.at(-1)).toEqual([12, 12]);
  });

  it('should keep the chain whole when appends race, from several app instances', async () => {
    const { db } = database();
    const start = (await auditHead(db))?.seq ?? 0;
    // On PostgreSQL, a second instance with its own pool; PGlite is one connection either way.
    const other =
      kind === 'postgres' ? await openDatabase({ kind, url: (database() as TestDatabase).url! }) : undefined;
    try {
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) => appendAudit(i % 2 && other ? other.db : db, keys, entry(100 + i))),
      );
      expect(appended.map((a) => a.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => start + 1 + i),
      );
    } finally {
      await other?.close();
    }
    expect(await verifyAuditChain(db, keys)).toEqual({ checked: start + 50, ok: true });
  });

  it('should leave no trace and no gap when the transaction it was written in rolls back', async () => {
    const { db } = database();
    const before = await auditHead(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await appendAudit(trx, keys, entry(1, { action: 'case.cancel' }));
        throw new Error('the change it records failed');
      }),
    ).rejects.toThrow('the change it records failed');
    expect(await auditHead(db)).toEqual(before);
    const committed = await db
      .transaction()
      .execute((trx) => appendAudit(trx, keys, entry(2, { action: 'case.cancel' })));
    expect(committed.seq).toBe((before?.seq ?? 0) + 1);
    expect(await listAudit(db, { action: 'case.cancel', limit: 10 })).toHaveLength(1);
    expect((await verifyAuditChain(db, keys)).ok).toBe(true);
  });

  it('should verify entries whose content the database stores differently from how it was given', async () => {
    const { db } = database();
    await appendAudit(db, keys, {
      at: new Date('2026-11-24T09:30:00.123Z'),
      actorUserId: SUPERVISOR.toUpperCase(),
      actorRole: 'supervisor',
      action: 'personal_data.unmask',
      subjectType: 'person',
      subjectId: 'p-1',
      purpose: `核实举报人联系方式 ${'👩'.slice(0, 1)}\u0000`, // cut mid-emoji, and a NUL: PostgreSQL holds neither
      details: {
        zeta: { y: [3, 2, { d: true, c: null }], x: '路灯' },
        alpha: 1e21,
        beta: 0.1 + 0.2,
        gamma: -0,
        long: 'x'.repeat(300),
        emoji: '👩‍👩‍👧',
        when: new Date('2026-01-01T00:00:00Z'),
        dropped: undefined,
        aa: 1,
        b: 2,
        cut: '路灯👩'.slice(0, 3),
        '\uDC00key': 'lone surrogate in a key',
      },
      ip: '::1',
      requestId: 'req-1',
    });
    const [stored] = await listAudit(db, { subjectId: 'p-1', limit: 1 });
    expect(stored!.actorUserId).toBe(SUPERVISOR);
    expect(stored!.at.toISOString()).toBe('2026-11-24T09:30:00.123Z');
    expect(stored!.details).not.toHaveProperty('dropped');
    expect(stored!.details.when).toBe('2026-01-01T00:00:00.000Z');
    expect(stored!.purpose).toBe('核实举报人联系方式 \uFFFD\uFFFD');
    expect(stored!.details.cut).toBe('路灯\uFFFD');
    expect((await verifyAuditChain(db, keys)).ok).toBe(true);
  });

  it('should list entries newest first, filtered, a page at a time', async () => {
    const { db } = database();
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 8, minute));
    for (let minute = 0; minute < 6; minute++) {
      await appendAudit(db, keys, {
        at: at(minute),
        actorUserId: minute % 2 ? SUPERVISOR : null,
        actorRole: minute % 2 ? 'supervisor' : null,
        action: 'case.supervise',
        subjectType: 'case',
        subjectId: 'list-1',
      });
    }
    const all = await listAudit(db, { subjectType: 'case', subjectId: 'list-1', limit: 10 });
    expect(all.map((e) => e.at)).toEqual([5, 4, 3, 2, 1, 0].map(at));
    const firstPage = await listAudit(db, { subjectId: 'list-1', limit: 4 });
    const secondPage = await listAudit(db, { subjectId: 'list-1', limit: 4, beforeSeq: firstPage.at(-1)!.seq });
    expect([...firstPage, ...secondPage]).toEqual(all);
    const bySupervisor = await listAudit(db, { actorUserId: SUPERVISOR, action: 'case.supervise', limit: 10 });
    expect(bySupervisor.map((e) => e.at)).toEqual([5, 3, 1].map(at));
    const window = await listAudit(db, { subjectId: 'list-1', from: at(2), to: at(4), limit: 10 });
    expect(window.map((e) => e.at)).toEqual([3, 2].map(at));
  });

  it('should refuse to change, remove or empty the log, even for its owner', async () => {
    const { db } = database();
    const { seq } = await appendAudit(db, keys, entry(1, { action: 'case.close' }));
    await expect(sql`update audit_log set action = 'x' where seq = ${seq}`.execute(db)).rejects.toThrow(
      /append-only \(UPDATE refused\)/,
    );
    await expect(sql`delete from audit_log where seq = ${seq}`.execute(db)).rejects.toThrow(
      /append-only \(DELETE refused\)/,
    );
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    expect((await verifyAuditChain(db, keys)).ok).toBe(true);
  });

  it.skipIf(kind !== 'postgres')('should let a plain database role append but not change the log', async () => {
    const { db } = database();
    const role = `audit_probe_${randomBytes(6).toString('hex')}`;
    await sql`create role ${sql.id(role)} login`.execute(db);
    await sql`grant all on audit_log to ${sql.id(role)}`.execute(db);
    const url = new URL((database() as TestDatabase).url!);
    url.username = role;
    url.password = '';
    const asRole = await openDatabase({ kind: 'postgres', url: url.toString() });
    try {
      const whoAmI = await sql`select rolsuper from pg_roles where rolname = current_user`.execute(asRole.db);
      expect(whoAmI.rows).toEqual([{ rolsuper: false }]);
      const { seq } = await appendAudit(
        asRole.db,
        keys,
        entry(1, { action: 'auth.sign_in_failed', actorUserId: null }),
      );
      await expect(sql`update audit_log set action = 'x' where seq = ${seq}`.execute(asRole.db)).rejects.toThrow(
        /append-only/,
      );
      await expect(sql`delete from audit_log where seq = ${seq}`.execute(asRole.db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_log`.execute(asRole.db)).rejects.toThrow(/append-only/);
    } finally {
      await asRole.close();
      await sql`drop owned by ${sql.id(role)}`.execute(db);
      await sql`drop role ${sql.id(role)}`.execute(db);
    }
    expect((await verifyAuditChain(db, keys)).ok).toBe(true);
  });
});

forEachDatabase('audit log tampering', (database) => {
  it('should name the first entry that was changed, re-hashed or removed', async () => {
    const { db } = database();
    for (let n = 1; n <= 12; n++) await appendAudit(db, keys, entry(n));
    expect(await verifyAuditChain(db, keys)).toEqual({ checked: 12, ok: true });

    await asSuperuserPastTriggers(db, sql`update audit_log set details = '{"x":1}' where seq = 7`);
    expect(await verifyAuditChain(db, keys)).toEqual({
      checked: 6,
      ok: false,
      firstBad: { seq: 7, reason: 'hash does not match its content' },
    });

    // A careful attacker re-hashes the entry they changed: its MAC, made with a key they lack, gives it away
    // (and the next entry's link would too).
    const changed = await db.selectFrom('audit_log').selectAll().where('seq', '=', 7).executeTakeFirstOrThrow();
    await asSuperuserPastTriggers(db, sql`update audit_log set hash = ${auditHash(changed)} where seq = 7`);
    expect((await verifyAuditChain(db, keys)).firstBad).toEqual({
      seq: 7,
      reason: 'the MAC does not match: the entry was not written with the audit key',
    });

    await asSuperuserPastTriggers(db, sql`delete from audit_log where seq = 7`);
    expect(await verifyAuditChain(db, keys)).toEqual({
      checked: 6,
      ok: false,
      firstBad: { seq: 7, reason: 'entry 7 is missing' },
    });
  });

  it('should name a first entry that no longer starts from the genesis hash', async () => {
    const { db } = database();
    await asSuperuserPastTriggers(db, sql`update audit_log set prev_hash = ${'f'.repeat(64)} where seq = 1`);
    expect((await verifyAuditChain(db, keys)).firstBad).toEqual({
      seq: 1,
      reason: 'prev_hash of the first entry is not the genesis hash',
    });
  });
});

/**
 * The attack the MAC is for: the table's owner (what the application connects as, unless the operator set
 * up the separate role) turns the trigger off, edits and removes entries, recomputes the whole chain from
 * there with SHA-256 (which needs no key) and turns the trigger back on.
 */
async function rewriteAsOwner(db: Db, edit: (trx: Db) => Promise<void>) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger user`.execute(trx);
    await edit(trx);
    const rows = await trx.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = GENESIS_HASH;
    for (const [i, row] of rows.entries()) {
      const rewritten = { ...row, seq: i + 1, prev_hash: prev };
      const hash = auditHash(rewritten);
      await sql`update audit_log set seq = ${i + 1}, prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`.execute(
        trx,
      );
      prev = hash;
    }
    await sql`alter table audit_log enable trigger user`.execute(trx);
  });
}

/** Each test below starts from an empty log (the owner may empty it with the trigger off). */
async function emptyLog(db: Db) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger user`.execute(trx);
    await sql`delete from audit_log`.execute(trx);
    await sql`alter table audit_log enable trigger user`.execute(trx);
  });
}

forEachDatabase('audit log MACs and anchors', (database, kind) => {
  beforeEach(() => emptyLog(database().db));

  it('should fail verification of a chain recomputed by the owner without the key', async () => {
    const { db } = database();
    for (let n = 1; n <= 10; n++) await appendAudit(db, keys, entry(n));
    expect((await verifyAuditChain(db, keys)).ok).toBe(true);
    await rewriteAsOwner(db, async (trx) => {
      await sql`delete from audit_log where seq = 4`.execute(trx);
      await sql`update audit_log set details = '{"bodyId":"elsewhere"}' where seq = 6`.execute(trx);
    });
    // The hashes are consistent again: only the MACs, which needed the key file, give it away.
    expect(await verifyAuditChain(db, keys)).toEqual({
      checked: 3,
      ok: false,
      firstBad: { seq: 4, reason: 'the MAC does not match: the entry was not written with the audit key' },
    });
  });

  it('should not extend or vouch for a head without a MAC, and seal entries from before MACs only once', async () => {
    const { db } = database();
    for (let n = 1; n <= 4; n++) await appendAudit(db, keys, entry(n));
    // Entries from before MACs existed, as a database upgraded in place has them.
    await asSuperuserPastTriggers(db, sql`update audit_log set mac = null, mac_key_id = null`);
    expect((await verifyAuditChain(db, keys)).firstBad).toEqual({
      seq: 4,
      reason: 'the latest entry has no MAC: the log cannot be vouched for without the audit key',
    });
    // Appending would vouch for whatever stands before: refused until the entries are sealed, once.
    await expect(appendAudit(db, keys, entry(5))).rejects.toThrow(/latest entry \(4\) has no MAC/);
    expect(await sealLegacyAudit(db, keys, new Date())).toBe(4);
    expect(await sealLegacyAudit(db, keys, new Date())).toBe(0);
    expect(await verifyAuditChain(db, keys)).toEqual({ checked: 5, ok: true });
    // Once entries carry MACs, one without is refused wherever it is…
    await appendAudit(db, keys, entry(6));
    await appendAudit(db, keys, entry(7));
    await asSuperuserPastTriggers(db, sql`update audit_log set mac = null where seq = 6`);
    expect((await verifyAuditChain(db, keys)).firstBad).toEqual({
      seq: 6,
      reason: 'the entry has no MAC, though entries before it have one',
    });
    // …and an unsealed head among MACed entries is tampering: never sealed.
    await asSuperuserPastTriggers(db, sql`update audit_log set mac = null where seq = 7`);
    await expect(sealLegacyAudit(db, keys, new Date())).rejects.toThrow(/tampered with/);
  });

  it('should refuse entries without a MAC that no seal vouches for, even before the first MACed one', async () => {
    const { db } = database();
    for (let n = 1; n <= 4; n++) await appendAudit(db, keys, entry(n));
    // An owner strips the MACs of the first entries and rewrites one: the MACed entries after them did not
    // vouch for them by name, so the chain breaks at the first MACed entry.
    await rewriteAsOwner(db, async (trx) => {
      await sql`update audit_log set mac = null, mac_key_id = null where seq <= 2`.execute(trx);
      await sql`update audit_log set details = '{"forged":true}' where seq = 1`.execute(trx);
    });
    const result = await verifyAuditChain(db, keys);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.seq).toBe(3);
  });

  it('should verify entries MACed under a rotated key, and name a key the key file lost', async () => {
    const { db } = database();
    const old = randomBytes(32);
    const before = new Keyring('old', [{ id: 'old', key: old }]);
    const after = new Keyring('new', [
      { id: 'old', key: old },
      { id: 'new', key: randomBytes(32) },
    ]);
    await appendAudit(db, before, entry(1));
    await appendAudit(db, after, entry(2));
    expect(await verifyAuditChain(db, after)).toEqual({ checked: 2, ok: true });
    const withoutOld = new Keyring('new', [{ id: 'new', key: randomBytes(32) }]);
    expect((await verifyAuditChain(db, withoutOld)).firstBad).toEqual({
      seq: 1,
      reason: 'the entry is MACed with key "old", which the key file does not hold',
    });
  });

  it('should notice a tail cut off after the head was anchored, and an anchored entry rewritten', async () => {
    const { db } = database();
    const dir = await mkdtemp(join(tmpdir(), 'audit-anchors-'));
    const file = join(dir, 'anchors.jsonl');
    try {
      expect(await readAnchorsIfAny(file)).toEqual([]);
      let anchored = null;
      for (let n = 1; n <= 6; n++) {
        await appendAudit(db, keys, entry(n));
        anchored = await anchorHead(db, file, anchored, new Date());
      }
      // An unchanged head is not written again.
      await anchorHead(db, file, anchored, new Date());
      const anchors = await readAnchorsIfAny(file);
      const head = (await auditHead(db))!;
      expect(anchors.at(-1)).toEqual(head);
      expect(new Set(anchors.map((a) => a.seq)).size).toBe(anchors.length);
      expect(await verifyAuditChain(db, keys, { anchors })).toEqual({ checked: head.seq, ok: true });

      // The last two entries removed: the chain that is left is valid and MACed, but shorter than anchored.
      await asSuperuserPastTriggers(db, sql`delete from audit_log where seq > ${head.seq - 2}`);
      expect((await verifyAuditChain(db, keys, { anchors })).firstBad).toEqual({
        seq: head.seq - 1,
        reason: `the log ends at entry ${head.seq - 2}, but entry ${head.seq} was anchored: entries were removed`,
      });
      const forged = [{ seq: head.seq - 3, hash: 'f'.repeat(64) }];
      expect((await verifyAuditChain(db, keys, { anchors: forged })).firstBad).toEqual({
        seq: head.seq - 3,
        reason: 'the entry differs from the head anchored outside the database',
      });
      await writeFile(file, 'not json\n', { flag: 'a' });
      await expect(readAnchorsIfAny(file)).rejects.toThrow(/line \d+: not an audit anchor/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(kind !== 'postgres')(
    'should not let the application role disable the trigger, nor change the log',
    async () => {
      const { db } = database();
      // The role migrations make for the application (README: run the server as a member of it).
      await db.connection().execute(async (connection) => {
        await sql`set role civicgrid_app`.execute(connection);
        try {
          await expect(sql`alter table audit_log disable trigger user`.execute(connection)).rejects.toThrow(
            /must be owner/,
          );
          await expect(sql`update audit_log set action = 'x'`.execute(connection)).rejects.toThrow(/permission denied/);
          await expect(sql`delete from audit_log`.execute(connection)).rejects.toThrow(/permission denied/);
          await expect(sql`truncate audit_log`.execute(connection)).rejects.toThrow(/permission denied/);
          // …while it can do its work: read, and append entries.
          await appendAudit(connection, keys, entry(1, { action: 'case.report' }));
          expect((await sql<{ n: number }>`select count(*)::int as n from cases`.execute(connection)).rows).toEqual([
            { n: 0 },
          ]);
        } finally {
          await sql`reset role`.execute(connection);
        }
      });
    },
  );
});
