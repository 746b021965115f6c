import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type RootOperationNode,
  type TransactionSettings,
} from 'kysely';

/** Runs a query on the connection of the transaction being committed. */
export type Execute = (query: CompiledQuery) => Promise<QueryResult<unknown>>;

/**
 * Work that must commit with every transaction that changes data, inside it, just before its COMMIT: for a
 * request through the API, the audit entry recording the change (http/auth.ts). A change and its record
 * then commit together or not at all, whatever happens to the client or the process in between.
 */
export interface CommitHook {
  beforeCommit(execute: Execute): Promise<void>;
}

const hooks = new AsyncLocalStorage<CommitHook>();

/** Runs `work` so that every transaction it commits that changed data runs `hook` first. */
export function withCommitHook<T>(hook: CommitHook, work: () => T): T {
  return hooks.run(hook, work);
}

/**
 * A dialect whose transactions run the commit hook of the work they belong to. Written as a wrapper of
 * Kysely's driver because a commit is the one place both databases (the PostgreSQL pool and the embedded
 * database) pass through, whichever domain function opened the transaction; Kysely's plugins see
 * queries only, never a commit.
 */
export function withCommitHooks(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new HookedDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

class HookedDriver implements Driver {
  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  constructor(private readonly inner: Driver) {
    // Only what the driver offers: Kysely refuses savepoints on a driver without them, as it should here.
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = inner;
    if (savepoint) this.savepoint = (c, name, compile) => savepoint.call(inner, unwrap(c), name, compile);
    if (rollbackToSavepoint) {
      this.rollbackToSavepoint = (c, name, compile) => rollbackToSavepoint.call(inner, unwrap(c), name, compile);
    }
    if (releaseSavepoint) {
      this.releaseSavepoint = (c, name, compile) => releaseSavepoint.call(inner, unwrap(c), name, compile);
    }
  }

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new HookedConnection(await this.inner.acquireConnection());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const hooked = connection as HookedConnection;
    await this.inner.beginTransaction(hooked.inner, settings);
    hooked.inTransaction = true;
    hooked.wrote = false;
  }

  async commitTransaction(connection: DatabaseConnection) {
    const hooked = connection as HookedConnection;
    const hook = hooks.getStore();
    // Should the hook fail, Kysely rolls the transaction back: no change without its record.
    if (hook && hooked.wrote) await hook.beforeCommit((query) => hooked.inner.executeQuery(query));
    hooked.inTransaction = false;
    await this.inner.commitTransaction(hooked.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    const hooked = connection as HookedConnection;
    hooked.inTransaction = false;
    await this.inner.rollbackTransaction(hooked.inner);
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection((connection as HookedConnection).inner);
  }

  destroy() {
    return this.inner.destroy();
  }
}

const unwrap = (connection: DatabaseConnection) => (connection as HookedConnection).inner;

/** One connection as acquired: whether it is in a transaction, and whether that transaction changed data. */
class HookedConnection implements DatabaseConnection {
  inTransaction = false;
  wrote = false;

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const hook = hooks.getStore();
    if (!hook || !changesData(query)) return this.inner.executeQuery<R>(query);
    if (this.inTransaction) {
      this.wrote = true;
      return this.inner.executeQuery<R>(query);
    }
    // A change made outside any transaction becomes a transaction of its own, so its record joins it.
    await this.inner.executeQuery(CompiledQuery.raw('begin'));
    try {
      const result = await this.inner.executeQuery<R>(query);
      await hook.beforeCommit((q) => this.inner.executeQuery(q));
      await this.inner.executeQuery(CompiledQuery.raw('commit'));
      return result;
    } catch (error) {
      await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Raw SQL that changes data (Kysely's own queries are told apart by their node instead); a `select … for
 * update` inside a WITH only locks.
 */
const CHANGING_SQL = /^\s*(insert|update|delete|merge)\b|^\s*with\b[\s\S]*(\binsert|(?<!\bfor\s+)\bupdate|\bdelete)\b/i;
/** Rows of the audit trail itself are records, not changes to record. */
const RECORDS = 'audit_log';

function changesData(query: CompiledQuery): boolean {
  const node: RootOperationNode = query.query;
  switch (node.kind) {
    case 'InsertQueryNode':
      return node.into?.table.identifier.name !== RECORDS;
    case 'UpdateQueryNode':
    case 'DeleteQueryNode':
    case 'MergeQueryNode':
      return true;
    case 'RawNode':
      return CHANGING_SQL.test(query.sql);
    default:
      return false;
  }
}
