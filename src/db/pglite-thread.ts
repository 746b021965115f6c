import { Worker } from 'node:worker_threads';

/** What the dialect needs of an embedded database: PGlite's query, run here or on its own thread. */
export interface EmbeddedDatabase {
  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
}

/** Hears a channel's notifications (NOTIFY); the function returned stops hearing them. */
export type Listen = (channel: string, onPayload: (payload: string) => void) => () => void;

/** The channels the database announces on (see the migrations' triggers). */
export const NOTIFY_CHANNELS: readonly string[] = ['case_changes'];

/** What the worker sends back: a query's result, a query's error, or news of the database itself. */
type Reply =
  | { id: number; rows: unknown[]; affectedRows?: number }
  | { id: number; error: Record<string, unknown> }
  | { notification: { channel: string; payload: string } }
  | { ready: true }
  | { fatal: Record<string, unknown> }
  | { closed: true };

/**
 * The embedded database (PGlite) on a thread of its own. PGlite executes SQL synchronously in WebAssembly:
 * on the server's thread, every query would stop everything else (a health check waited 12 s behind 300
 * case reads). Here the server's thread only sends SQL and receives rows, so it stays free to answer
 * while the database works. PGlite offers a worker for browsers only (Web Workers, BroadcastChannel),
 * hence this small protocol over a Node worker thread: one message per query, answered in order.
 */
export class PGliteThread implements EmbeddedDatabase {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  #next = 1;
  #stopped: Error | null = null;
  #closing: Promise<void> | null = null;
  #closed: () => void = () => {};
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /**
   * Starts the thread and opens the database in it (in memory when `dataDir` is undefined). `onLost` is
   * called if the thread ends without being closed: every query fails from then on, so the process
   * should end and be started again rather than answer 503 for ever.
   */
  static start(dataDir: string | undefined, onLost: (error: Error) => void): Promise<PGliteThread> {
    const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
      workerData: { dataDir, channels: NOTIFY_CHANNELS },
    });
    const thread = new PGliteThread(worker);
    let ready = false;
    return new Promise((resolve, reject) => {
      worker.on('message', (reply: Reply) => {
        if ('ready' in reply) {
          ready = true;
          resolve(thread);
        } else if ('fatal' in reply) reject(errorFrom(reply.fatal));
        else thread.#receive(reply);
      });
      worker.on('error', (error) => {
        thread.#stop(error);
        if (!ready) reject(error);
      });
      worker.on('exit', (code) => {
        const error = new Error(`the embedded database stopped (thread exit ${code})`);
        const unexpected = ready && !thread.#closing;
        thread.#stop(error);
        if (unexpected) onLost(error);
        else if (!ready) reject(error);
      });
    });
  }

  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (reply) => {
          if ('error' in reply) reject(errorFrom(reply.error));
          else resolve(reply as { rows: R[]; affectedRows?: number });
        },
        reject,
      });
      try {
        this.#worker.postMessage({ id, sql, params });
      } catch (error) {
        // A parameter that cannot be sent to the thread: this query fails, no other.
        this.#pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Hears one of NOTIFY_CHANNELS, which the thread listens to from the start. */
  listen: Listen = (channel, onPayload) => {
    if (!NOTIFY_CHANNELS.includes(channel)) throw new Error(`The embedded database does not listen to "${channel}"`);
    let heard = this.#listeners.get(channel);
    if (!heard) {
      heard = new Set();
      this.#listeners.set(channel, heard);
    }
    heard.add(onPayload);
    return () => heard.delete(onPayload);
  };

  /** Closes the database and ends the thread; every caller waits for the same close, which always ends. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#closed = resolve;
      if (this.#stopped) resolve();
      else this.#worker.postMessage({ close: true });
    }).then(() => this.#worker.terminate().then(() => {}));
    return this.#closing;
  }

  #receive(reply: Reply) {
    if ('closed' in reply) {
      this.#stop(new Error('the embedded database is closed'));
      return;
    }
    if ('notification' in reply) {
      for (const onPayload of this.#listeners.get(reply.notification.channel) ?? [])
        onPayload(reply.notification.payload);
      return;
    }
    if (!('id' in reply)) return;
    const waiting = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    waiting?.resolve(reply);
  }

  /** Every query still waiting fails: the thread is gone (a crash, or closed), and so are later ones. */
  #stop(error: Error) {
    this.#stopped ??= error;
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
    this.#closed();
  }
}

/** An error as PostgreSQL described it (message, SQLSTATE code, detail, constraint…), rebuilt on this side. */
function errorFrom(fields: Record<string, unknown>): Error {
  const error = new Error(String(fields.message ?? 'the embedded database failed'));
  return Object.assign(error, fields);
}
