import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import type { Listen } from '../db/pglite-thread.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { caseNotFound } from './cases.errors.ts';
import { CaseNumberParams } from './cases.schemas.ts';
import { PUBLIC_STEP_ACTIONS, published } from './public-view.ts';
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
      streamChanges(request, reply, feed, request.query.seconds, async (change) => {
        const visible = await db
          .selectFrom('cases')
          .select('case_number')
          .where('cases.id', '=', change.caseId)
          .where(visibleTo(actor))
          .executeTakeFirst();
        return visible ? { caseNumber: visible.case_number, action: change.action, status: change.status } : null;
      });
    },
  );
};

/**
 * GET /public/cases/:caseNumber/changes: the public steps of one published case as they happen, for the
 * portal's page of a case tracked by its number (no sign-in: a step of a published case is public).
 */
export const publicCaseChangesRoutes: FastifyPluginAsyncTypebox<{ db: Db; feed: CaseChangeFeed }> = async (
  app,
  { db, feed },
) => {
  app.get(
    '/public/cases/:caseNumber/changes',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'Live: the public steps of one published case, as Server-Sent Events (text/event-stream)',
        security: [],
        params: CaseNumberParams,
        querystring: Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: STREAM_SECONDS })) }),
        response: {
          200: Type.Unsafe({ type: 'string', description: 'text/event-stream: `event: case` per public step' }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { caseNumber } = request.params;
      const shown = await db
        .selectFrom('cases')
        .select('id')
        .where('case_number', '=', caseNumber)
        .where(published)
        .executeTakeFirst();
      if (!shown) throw caseNotFound(caseNumber);
      const told: ReadonlySet<string> = new Set(PUBLIC_STEP_ACTIONS);
      streamChanges(request, reply, feed, request.query.seconds, async (change) => {
        if (change.caseId !== shown.id || !told.has(change.action)) return null;
        // Still public (a reporter may withdraw consent, a moderator may act) when the step is told.
        const still = await db
          .selectFrom('cases')
          .select('id')
          .where('id', '=', shown.id)
          .where(published)
          .executeTakeFirst();
        return still ? { caseNumber, action: change.action, status: change.status } : null;
      });
    },
  );
};

/**
 * Writes a Server-Sent Events stream: `ready` at once, then one `case` event for each step `tell` turns
 * into data (null: not for this viewer), in the order the steps came, until `seconds` pass or the viewer
 * leaves. A lookup that fails drops that one event, never the stream.
 */
function streamChanges(
  request: FastifyRequest,
  reply: FastifyReply,
  feed: CaseChangeFeed,
  seconds: number | undefined,
  tell: (change: CaseChange) => Promise<object | null>,
) {
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
  let queue = Promise.resolve();
  const unsubscribe = feed.subscribe((change) => {
    queue = queue.then(async () => {
      // Steps queued before the viewer left are not looked up for nobody.
      if (raw.writableEnded) return;
      const data = await tell(change).catch(() => null);
      if (!data || raw.writableEnded) return;
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
  const timer = setTimeout(end, (seconds ?? STREAM_SECONDS) * 1000);
  // The response closes when the viewer goes away (or the connection drops): stop listening for them,
  // also when they went away before the stream began.
  raw.on('close', end);
  if (raw.destroyed) end();
}
