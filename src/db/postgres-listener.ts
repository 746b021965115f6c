import pg from 'pg';
import type { Listen } from './pglite-thread.ts';

const CHANNEL_NAME = /^[a-z_]{1,63}$/;
/** After a lost connection, the listener tries again after this long, and then every so often. */
const RECONNECT_MS = 2_000;

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
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #connect(): Promise<void> {
    if (this.#client || this.#closed) return Promise.resolve();
    this.#connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 5_000 });
      client.on('notification', (message) => {
        for (const onPayload of this.#listeners.get(message.channel) ?? []) onPayload(message.payload ?? '');
      });
      client.on('error', (error) => {
        console.warn(`database notifications: connection lost (${error.message}); listening again shortly`);
        this.#lost();
      });
      client.on('end', () => this.#lost());
      try {
        await client.connect();
        for (const channel of this.#listeners.keys()) await client.query(`listen ${channel}`);
        if (this.#closed) await client.end();
        else this.#client = client;
      } catch {
        await client.end().catch(() => {});
        this.#lost();
      }
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  #lost() {
    this.#client?.removeAllListeners('end');
    this.#client = null;
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#connect();
    }, RECONNECT_MS);
    this.#retry.unref();
  }
}
