import pg from 'pg';
import type { Listen } from './pglite-thread.ts';

const CHANNEL_NAME = /^[a-z_]{1,63}$/;
/** After a lost connection, the listener tries again after this long, and then every so often. */
const RECONNECT_MS = 2_000;
/**
 * A listening connection carries nothing unless something happens, so a path that died without a reset (a
 * failed-over primary powered off, a NAT that forgot it) would go unnoticed: it is asked something this
 * often, and given up when it does not answer in time.
 */
const CHECK_MS = 30_000;

/**
 * Notifications from a PostgreSQL server: LISTEN needs a connection of its own, held open (a pooled one is
 * handed to the next query). A connection the server drops (a restart, a failover) is opened again and
 * the channels listened to again; nothing sent meanwhile is replayed, so a listener that must not miss a
 * change refreshes when it reconnects (the console does). Never ends the process.
 */
export class PostgresListener {
  readonly #url: string;
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  #retry: NodeJS.Timeout | null = null;
  #check: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  listen: Listen = (channel, onPayload) => {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`"${channel}" is not a channel name`);
    let heard = this.#listeners.get(channel);
    if (!heard) {
      heard = new Set();
      this.#listeners.set(channel, heard);
      if (this.#client) void this.#client.query(`listen ${channel}`).catch(() => this.#lost());
    }
    heard.add(onPayload);
    void this.#connect();
    return () => heard.delete(onPayload);
  };

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#check) clearInterval(this.#check);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #connect(): Promise<void> {
    if (this.#client || this.#closed) return Promise.resolve();
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#url,
        connectionTimeoutMillis: 5_000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        query_timeout: 10_000,
      });
      client.on('notification', (message) => {
        for (const onPayload of this.#listeners.get(message.channel) ?? []) onPayload(message.payload ?? '');
      });
      // Only the connection in use may call for a new one: a late event of an old one must not end its successor.
      client.on('error', (error) => {
        console.warn(`database notifications: connection lost (${error.message}); listening again shortly`);
        if (this.#client === client) this.#lost();
      });
      client.on('end', () => {
        if (this.#client === client) this.#lost();
      });
      try {
        await client.connect();
        for (const channel of this.#listeners.keys()) await client.query(`listen ${channel}`);
        if (this.#closed) await client.end();
        else {
          this.#client = client;
          this.#check ??= setInterval(() => {
            void this.#client?.query('select 1').catch(() => this.#lost());
          }, CHECK_MS);
          this.#check.unref();
        }
      } catch {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        this.#lost();
      }
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  #lost() {
    const client = this.#client;
    this.#client = null;
    if (client) {
      // The old connection is ended, not only forgotten: still open, it would deliver every event a second
      // time beside the new one. Its errors from now on are expected, and must not end the process.
      client.removeAllListeners('notification');
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      void client.end().catch(() => {});
    }
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#connect();
    }, RECONNECT_MS);
    this.#retry.unref();
  }
}
