import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AuditTables } from '../audit/audit.tables.ts';
import type { AuthTables } from '../auth/auth.tables.ts';
import type { CalendarTables } from '../calendar/calendar.tables.ts';
import type { CasesTables } from '../cases/cases.tables.ts';
import type { EvaluationTables } from '../evaluation/evaluation.tables.ts';
import type { GridTables } from '../grid/grid.tables.ts';
import type { HubTables } from '../hub/hub.tables.ts';
import type { IdempotencyTables } from '../idempotency/idempotency.tables.ts';
import type { KnowledgeTables } from '../knowledge/knowledge.tables.ts';
import type { MediaTables } from '../media/media.tables.ts';
import type { NotificationsTables } from '../notifications/notifications.tables.ts';
import type { OpenDataTables } from '../opendata/opendata.tables.ts';
import type { OrganizationsTables } from '../organizations/organizations.tables.ts';
import type { PatrolsTables } from '../patrols/patrols.tables.ts';
import type { PortalTables } from '../portal/portal.tables.ts';
import type { PrivacyTables } from '../privacy/privacy.tables.ts';
import type { RoutingTables } from '../routing/routing.tables.ts';
import type { SensorsTables } from '../sensors/sensors.tables.ts';
import type { SharingTables } from '../sharing/sharing.tables.ts';
import type { TextTables } from '../text/text.tables.ts';
import { withCommitHooks } from './commit-hooks.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { type Listen, PGliteThread } from './pglite-thread.ts';
import { PostgresListener } from './postgres-listener.ts';
import type { SettingsTables } from './settings.ts';

/** The whole schema, composed from the tables each domain owns. */
export interface Database
  extends SettingsTables,
    OrganizationsTables,
    PrivacyTables,
    GridTables,
    CalendarTables,
    RoutingTables,
    CasesTables,
    NotificationsTables,
    EvaluationTables,
    AuditTables,
    AuthTables,
    TextTables,
    MediaTables,
    IdempotencyTables,
    KnowledgeTables,
    PatrolsTables,
    PortalTables,
    HubTables,
    SensorsTables,
    SharingTables,
    OpenDataTables {}

export type Db = Kysely<Database>;

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | undefined } // undefined = in memory (tests)
  | { kind: 'postgres'; url: string };

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseTarget['kind'];
  /** Hears a channel's notifications (NOTIFY), from every instance on the database. */
  listen: Listen;
  close(): Promise<void>;
}

// Both back ends return the same JavaScript types: bigint counts as numbers (they never exceed 2^53 here)
// and DATE columns as 'YYYY-MM-DD' strings, so no code needs to know which database it runs on (the
// embedded database's parsers are in pglite-worker.js).
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      // A database that does not answer is refused in seconds (503), not waited for without end.
      connectionTimeoutMillis: 5_000,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
          if (oid === DATE) return (value: string) => value;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // A connection the server ends (a restart, a failover, an administrator) must not end the process.
    // Idle, the pool reports it here and drops it. In use, the client itself emits the error, and pg-pool
    // listens only to idle clients: without a listener of its own, that error would end the process. The
    // query in flight fails (the request answers 503); the pool discards the client when it is released,
    // and opens a new one when next needed.
    pool.on('error', (error) => console.warn(`database connection lost while idle: ${error.message}`));
    pool.on('connect', (client) => {
      client.on('error', (error) => console.warn(`database connection lost while in use: ${error.message}`));
    });
    const db = new Kysely<Database>({ dialect: withCommitHooks(new PostgresDialect({ pool })) });
    const listener = new PostgresListener(target.url);
    return {
      db,
      kind: 'postgres',
      listen: listener.listen,
      close: async () => {
        await listener.close();
        await db.destroy();
      },
    };
  }
  let unlock = () => {};
  if (target.dataDir) {
    fs.mkdirSync(target.dataDir, { recursive: true });
    unlock = lockDataDir(target.dataDir);
  }
  let pglite: PGliteThread;
  try {
    pglite = await PGliteThread.start(target.dataDir ? path.join(target.dataDir, 'pglite') : undefined, (error) => {
      // Every query would fail from now on: end the process, so that whatever supervises it starts it again.
      console.error(`CivicGrid: ${error.message}; stopping the process`);
      process.exit(1);
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: withCommitHooks(new PGliteDialect(pglite)) });
  return {
    db,
    kind: 'pglite',
    listen: pglite.listen,
    close: async () => {
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

export function databaseTarget(config: { databaseUrl: string | undefined; dataDir: string }): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: config.dataDir };
}
