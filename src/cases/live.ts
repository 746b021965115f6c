import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import type { Listen } from '../db/pglite-thread.ts';
import { visibleTo } from './visibility.ts';

/** What the `case_changes` channel says of a step (the case_events trigger). */
interface CaseChange {
  caseId: string;
  seq: number;
  action: string;
  status: string;
}

/**
 * The steps of cases as they commit, in this instance, whichever instance took them: one LISTEN for
 * the process, shared by every open stream.
 */
export class CaseChangeFeed {
  readonly #subscribers = new Set<(change: CaseChange) => void>();
  #listening = false;

  constructor(private readonly listen: Listen) {}

  subscribe(onChange: (change: CaseChange) => void): () => void {
    if (!this.#listening) {
      this.#listening = true;
      this.listen('case_changes', (payload) => {
        let change: CaseChange;
        try {
          change = JSON.parse(payload) as CaseChange;
        } catch {
          return;
        }
        for (const subscriber of this.#subscribers) subscriber(change);
      });
    }
    this.#subscribers.add(onChange);
    return () => this.#subscribers.delete(onChange);
  }
}

/**
 * A stream lasts this long at most: the browser's EventSource opens the next one by itself, signed in
 * afresh, so a session that ended (signed out, disabled) hears nothing after it. Also what a proxy
 * lets an idle-looking response run.
 */
const STREAM_SECONDS = 60;
/** A comment line this often keeps proxies from closing the stream as idle. */
const HEARTBEAT_MS = 20_000;

/**
 * GET /cases/changes: Server-Sent Events, one `case` event for each step of a case the viewer may see
 * (its number, the step and the status after it), so consoles refresh what they show at once.
 */
export const caseChangesRoutes: FastifyPluginAsyncTypebox<{ db: Db; feed: CaseChangeFeed }> = async (
  app,
  { db, feed },
) => {
  app.get(
    '/cases/changes',
    {
      config: { action: 'case.list' },
      schema: {
        tags: ['cases'],
        summary: 'Live: a Server-Sent Events stream of the steps of the cases you may see (text/event-stream)',
        description:
          'Each event is `event: case` with `{ caseNumber, action, status }` as data. The stream ends after ' +
          '`seconds` (at most 60); EventSource reconnects by itself. Nothing missed is replayed: refresh on (re)connect.',
        querystring: Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: STREAM_SECONDS })) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': String(request.id),
        // Proxies (nginx) would otherwise hold the events back in a buffer.
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 1000\nevent: ready\ndata: {}\n\n');
      // Steps are told in the order they came, one visibility check at a time.
      let queue = Promise.resolve();
      const unsubscribe = feed.subscribe((change) => {
        queue = queue.then(async () => {
          // Steps queued before the viewer left are not looked up for nobody.
          if (raw.writableEnded) return;
          const visible = await db
            .selectFrom('cases')
            .select('case_number')
            .where('cases.id', '=', change.caseId)
            .where(visibleTo(actor))
            .executeTakeFirst()
            .catch(() => undefined);
          if (!visible || raw.writableEnded) return;
          const data = { caseNumber: visible.case_number, action: change.action, status: change.status };
          raw.write(`event: case\ndata: ${JSON.stringify(data)}\n\n`);
        });
      });
      const heartbeat = setInterval(() => raw.write(': still here\n\n'), HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        clearTimeout(timer);
        unsubscribe();
        if (!raw.writableEnded) raw.end();
      };
      const timer = setTimeout(end, (request.query.seconds ?? STREAM_SECONDS) * 1000);
      // The response closes when the viewer goes away (or the connection drops): stop listening for them,
      // also when they went away before the stream began.
      raw.on('close', end);
      if (raw.destroyed) end();
    },
  );
};
