/**
 * Idempotent submissions through the real application (and, for failures the real routes cannot be made
 * to have, through the same hooks on a small app of test routes): a retry with the same Idempotency-Key
 * gets the first answer and does nothing twice, on the embedded database and on PostgreSQL.
 *
 * The random part (fast-check) runs one seed, fixed here, so a failure is found again on every machine;
 * fast-check's report names the seed and the path of the failing case. FC_SEED=<n> runs another seed,
 * FC_RUNS=<n> more runs.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import type { Db } from '../db/database.ts';
import { auditChanges } from '../http/auth.ts';
import { handleError } from '../http/error-handler.ts';
import { claimIdempotency, fingerprintOf, idempotentSubmissions, withoutPersonalData } from '../http/idempotency.ts';
import { AppError } from '../lib/app-error.ts';
import { fixedClock } from '../lib/clock.ts';
import { type Actor, actorForUsername } from '../organizations/index.ts';
import { canonicalJson, claimIdempotencyKey, deleteExpiredIdempotencyKeys, requestFingerprint } from './idempotency.ts';

const CASES = '/api/v1/cases';
const SEED = Number(process.env.FC_SEED ?? 20261203);
const RUNS = Number(process.env.FC_RUNS ?? 10);

/** One key's retries: waves sent one after another, the copies of a wave all at once (1–4 in all). */
const retries = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }).map((waves) => {
  const kept: number[] = [];
  let total = 0;
  for (const wave of waves) {
    const size = Math.min(wave, 4 - total);
    if (size > 0) kept.push(size);
    total += size;
  }
  return kept;
});
/** Keys sent side by side, each with its retries, and whether its retries list the fields in another order. */
const scenario = fc.array(fc.record({ waves: retries, reorder: fc.boolean() }), { minLength: 1, maxLength: 4 });

describe('fingerprints', () => {
  it('should not depend on the order of the keys of the body', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
    expect(requestFingerprint('POST', '/x', { a: 1, b: 2 })).toBe(requestFingerprint('post', '/x', { b: 2, a: 1 }));
  });

  it('should differ by method, URL and body', () => {
    const base = requestFingerprint('POST', '/cases/1', { a: 1 });
    expect(requestFingerprint('PUT', '/cases/1', { a: 1 })).not.toBe(base);
    expect(requestFingerprint('POST', '/cases/2', { a: 1 })).not.toBe(base);
    expect(requestFingerprint('POST', '/cases/1', { a: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/cases/1', undefined)).not.toBe(base);
  });
});

forEachDatabase('idempotent submissions', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let db: Db;
  let dispatcher: Actor;
  let counter = 0;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas));
    db = database().db;
    dispatcher = (await actorForUsername(db, 'dispatcher'))!;
  });

  const newCase = () => ({
    title: `重放测试 第${++counter}件`,
    description: '',
    categoryCode: '010204',
    address: '五一大道 1 号',
  });
  const report = async (body: object, key?: string, username = 'dispatcher') =>
    app.inject({
      method: 'POST',
      url: CASES,
      headers: { ...(await as(username)), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: body,
    });
  const act = async (caseNumber: string, body: object, key?: string) =>
    app.inject({
      method: 'POST',
      url: `${CASES}/${caseNumber}/actions`,
      headers: { ...(await as('dispatcher')), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: body,
    });
  const casesTitled = async (title: string) =>
    (await db.selectFrom('cases').select('case_number').where('title', '=', title).execute()).map(
      (row) => row.case_number,
    );
  const keyRow = (key: string, owner = dispatcher.userId) =>
    db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('owner_user_id', '=', owner)
      .where('key', '=', key)
      .executeTakeFirst();

  it('should replay the first answer to a retry, with the same case number, making one case', async () => {
    const body = newCase();
    const key = randomUUID();
    const first = await report(body, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same request again, its keys in another order: the same request.
    const again = await report(Object.fromEntries(Object.entries(body).reverse()), key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.body).toBe(withoutPersonalData(first.body));
    expect(await casesTitled(body.title)).toEqual([first.json().caseNumber]);
    expect(await keyRow(key)).toMatchObject({
      state: 'done',
      response_status: 201,
      response_body: withoutPersonalData(first.body),
    });
    // The caller's identity, which the first answer showed (masked) to its dispatcher, is never kept for replays.
    expect(first.json().reporter).not.toBeNull();
    expect(again.json().reporter).toBeNull();
  });

  it('should refuse the same key for another body or another route with 422', async () => {
    const key = randomUUID();
    const first = await report(newCase(), key);
    expect(first.statusCode).toBe(201);
    const other = newCase();
    const reused = await report(other, key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_ERR_KEY_REUSED');
    expect(reused.json().error.message).toMatch(/different request/);
    expect(await casesTitled(other.title)).toEqual([]);
    const elsewhere = await act(first.json().caseNumber, { action: 'register' }, key);
    expect(elsewhere.statusCode).toBe(422);
  });

  it('should refuse a malformed key with 400 and run nothing', async () => {
    for (const key of ['x'.repeat(256), 'tab\there', 'é-not-ascii']) {
      const body = newCase();
      const response = await report(body, key);
      expect(response.statusCode, key).toBe(400);
      expect(response.json().error.code).toBe('IDEMPOTENCY_ERR_BAD_KEY');
      expect(await casesTitled(body.title)).toEqual([]);
    }
    expect((await report(newCase(), 'k'.repeat(255))).statusCode).toBe(201);
  });

  it('should run every request without the header, as before', async () => {
    const body = newCase();
    expect((await report(body)).statusCode).toBe(201);
    expect((await report(body)).statusCode).toBe(201);
    expect(await casesTitled(body.title)).toHaveLength(2);
  });

  it('should keep keys per user: the same key from two users is two requests', async () => {
    const body = newCase();
    const key = randomUUID();
    expect((await report(body, key, 'dispatcher')).statusCode).toBe(201);
    expect((await report(body, key, 'citizen')).statusCode).toBe(201);
    expect(await casesTitled(body.title)).toHaveLength(2);
  });

  it('should replay a 409 refusal of an action as 409, even once the action would be allowed', async () => {
    const caseNumber = (await report(newCase())).json().caseNumber as string;
    const key = randomUUID();
    const refused = await act(caseNumber, { action: 'dispatch' }, key);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('CASE_ERR_ILLEGAL_TRANSITION');
    expect((await act(caseNumber, { action: 'register' })).statusCode).toBe(200);
    const retried = await act(caseNumber, { action: 'dispatch' }, key);
    expect(retried.statusCode).toBe(409);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toBe(refused.body);
    const detail = await app.inject({ url: `${CASES}/${caseNumber}`, headers: await as('dispatcher') });
    expect(detail.json().status).toBe('registered');
  });

  it('should replay a step once: one event, the same answer', async () => {
    const caseNumber = (await report(newCase())).json().caseNumber as string;
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => act(caseNumber, { action: 'register' }, key)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => withoutPersonalData(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
    expect(answers[0]!.json().events.map((e: { action: string }) => e.action)).toEqual(['report', 'register']);
  });

  it('should let go of the key after a failure on our side, so that the retry runs anew', async () => {
    await sql`
      create function idempotency_test_fail() returns trigger language plpgsql as $$
      begin
        if new.title like '%失败%' then raise exception 'simulated failure'; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger idempotency_test_fail before insert on cases
      for each row execute function idempotency_test_fail()`.execute(db);
    const body = { ...newCase(), title: `失败后重试 ${counter}` };
    const key = randomUUID();
    try {
      const failed = await report(body, key);
      expect(failed.statusCode).toBe(500);
      expect(await keyRow(key)).toBeUndefined();
    } finally {
      await sql`drop trigger idempotency_test_fail on cases`.execute(db);
      await sql`drop function idempotency_test_fail()`.execute(db);
    }
    const retried = await report(body, key);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await casesTitled(body.title)).toHaveLength(1);
  });

  it('should answer 409 ANSWER_LOST for a request that took effect but whose answer was never stored', async () => {
    const body = newCase();
    const key = randomUUID();
    const fingerprint = requestFingerprint('POST', CASES, body);
    // Its instance died between the commit and the answer, minutes ago.
    await db
      .insertInto('idempotency_keys')
      .values({
        owner_user_id: dispatcher.userId,
        key,
        fingerprint,
        state: 'applied',
        updated_at: new Date(Date.now() - 10 * 60_000),
      })
      .execute();
    const response = await report(body, key);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('IDEMPOTENCY_ERR_ANSWER_LOST');
    expect(response.json().error.message).toMatch(/took effect/);
    expect(await casesTitled(body.title)).toEqual([]);
  });

  it('should let one retry take over a key whose first request died before committing anything', async () => {
    const body = newCase();
    const key = randomUUID();
    await db
      .insertInto('idempotency_keys')
      .values({
        owner_user_id: dispatcher.userId,
        key,
        fingerprint: requestFingerprint('POST', CASES, body),
        state: 'running',
        updated_at: new Date(Date.now() - 10 * 60_000),
      })
      .execute();
    const answers = await Promise.all([report(body, key), report(body, key)]);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(withoutPersonalData(answers[0]!.body)).toBe(withoutPersonalData(answers[1]!.body));
    expect(await casesTitled(body.title)).toHaveLength(1);
  });

  it('should tell a retry the first is still in progress once it has waited long enough', async () => {
    const ref = { ownerUserId: dispatcher.userId, key: randomUUID() };
    expect(await claimIdempotencyKey(db, ref, 'f')).toEqual({ run: true });
    const started = Date.now();
    await expect(claimIdempotencyKey(db, ref, 'f', { waitMs: 300, pollMs: 50 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_ERR_IN_PROGRESS',
      statusCode: 409,
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(claimIdempotencyKey(db, ref, 'g', { waitMs: 0 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_ERR_KEY_REUSED',
    });
  });

  it('should document the header on the idempotent routes', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    for (const [path, method] of [
      ['/api/v1/cases', 'post'],
      ['/api/v1/cases/{caseNumber}/actions', 'post'],
      ['/api/v1/cases/{caseNumber}/survey', 'post'],
    ] as const) {
      const parameters = spec.paths[path][method].parameters as { in: string; name: string; required?: boolean }[];
      expect(parameters, `${method} ${path}`).toContainEqual(
        expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: false }),
      );
    }
    const list = spec.paths['/api/v1/cases'].get.parameters as { in: string }[];
    expect(list.filter((p) => p.in === 'header')).toEqual([]);
  });

  it('should forget keys after a day in the sweep, and only those', async () => {
    const key = randomUUID();
    expect((await report(newCase(), key)).statusCode).toBe(201);
    const { created_at } = (await keyRow(key))!;
    expect(await deleteExpiredIdempotencyKeys(db, new Date(created_at.getTime() + 23 * 3_600_000))).toBe(0);
    expect(await keyRow(key)).toBeDefined();
    const forgotten = await deleteExpiredIdempotencyKeys(db, new Date(created_at.getTime() + 25 * 3_600_000));
    expect(forgotten).toBeGreaterThanOrEqual(1);
    expect(await keyRow(key)).toBeUndefined();
  });

  describe('at random (fast-check): retries, some at the same moment', () => {
    const post = async (url: string, payload: Record<string, unknown>, key: string) =>
      app.inject({ method: 'POST', url, headers: { ...(await as('dispatcher')), 'idempotency-key': key }, payload });

    /** Sends one key's request in its waves; every answer, in the order they came. */
    async function sendInWaves(
      waves: number[],
      reorder: boolean,
      send: (payload: Record<string, unknown>) => Promise<LightMyRequestResponse>,
      payload: Record<string, unknown>,
    ) {
      const answers: LightMyRequestResponse[] = [];
      let sent = 0;
      for (const wave of waves) {
        const copies = Array.from({ length: wave }, () => {
          const body = reorder && sent++ % 2 ? Object.fromEntries(Object.entries(payload).reverse()) : payload;
          return send(body);
        });
        answers.push(...(await Promise.all(copies)));
      }
      return answers;
    }

    /** One answer, told again to every retry: the same status and body, all but the first marked replayed. */
    function expectOneAnswer(answers: LightMyRequestResponse[], status: number) {
      expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => status));
      expect(new Set(answers.map((a) => withoutPersonalData(a.body))).size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(answers.length - 1);
    }

    it('should make exactly one case per key, with one answer for all its retries', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (keys) => {
          const sent = keys.map((plan) => ({ ...plan, key: randomUUID(), title: `随机重发 第${++counter}件` }));
          const answers = await Promise.all(
            sent.map(({ waves, reorder, key, title }) =>
              sendInWaves(waves, reorder, (body) => post('/api/v1/cases', body, key), {
                title,
                description: '重发测试',
                categoryCode: '010204',
                address: '五一大道 1 号',
              }),
            ),
          );
          for (const [i, { title }] of sent.entries()) {
            expectOneAnswer(answers[i]!, 201);
            const made = await db.selectFrom('cases').select('case_number').where('title', '=', title).execute();
            expect(made.map((c) => c.case_number)).toEqual([answers[i]![0]!.json().caseNumber]);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }, 120_000);

    it('should take a step exactly once per key, with one answer for all its retries', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (keys) => {
          const sent = await Promise.all(
            keys.map(async (plan) => {
              const created = await app.inject({
                method: 'POST',
                url: '/api/v1/cases',
                headers: await as('dispatcher'),
                payload: {
                  title: `随机重发步骤 第${++counter}件`,
                  description: '',
                  categoryCode: '010204',
                  address: '五一大道',
                },
              });
              return { ...plan, key: randomUUID(), caseNumber: created.json().caseNumber as string };
            }),
          );
          const answers = await Promise.all(
            sent.map(({ waves, reorder, key, caseNumber }) =>
              sendInWaves(waves, reorder, (body) => post(`/api/v1/cases/${caseNumber}/actions`, body, key), {
                action: 'register',
                note: '登记',
              }),
            ),
          );
          for (const [i, { caseNumber }] of sent.entries()) {
            expectOneAnswer(answers[i]!, 200);
            const events = await db
              .selectFrom('case_events')
              .innerJoin('cases', 'cases.id', 'case_events.case_id')
              .select('case_events.action')
              .where('cases.case_number', '=', caseNumber)
              .orderBy('case_events.seq')
              .execute();
            expect(events.map((e) => e.action)).toEqual(['report', 'register']);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }, 120_000);
  });

  describe('the hooks on routes that fail, and on one that claims in its handler', () => {
    let probe: FastifyInstance;
    const headers = (key: string) => ({ 'idempotency-key': key });

    beforeAll(async () => {
      await sql`create table idempotency_test_probe (n serial primary key, label text not null)`.execute(db);
      probe = Fastify();
      probe.setErrorHandler(handleError);
      probe.decorateRequest('actor', null as unknown as Actor);
      probe.addHook('onRequest', async (request) => {
        request.actor = dispatcher;
      });
      auditChanges(probe, { db, clock: fixedClock(new Date()), keys: keyringOf(database()) });
      idempotentSubmissions(probe, { db });
      const insertProbe = (label: string, executor: Db = db) =>
        sql<{ n: number }>`insert into idempotency_test_probe (label) values (${label}) returning n`.execute(executor);
      probe.post('/fails-before-commit', { config: { idempotent: true } }, async () => {
        throw new Error('simulated failure before anything committed');
      });
      probe.post('/fails-after-commit', { config: { idempotent: true } }, async (request) => {
        const { label } = request.body as { label: string };
        await db.transaction().execute((trx) => insertProbe(label, trx));
        throw new Error('simulated failure after the change committed');
      });
      probe.post('/refuses', { config: { idempotent: true } }, async () => {
        throw new AppError('TEST_ERR_REFUSED', 409, 'refused');
      });
      // As a multipart upload would: the fingerprint of what the handler read, the key claimed by it.
      probe.post('/upload', { config: { idempotent: 'in-handler' } }, async (request, reply) => {
        const { content } = request.body as { content: string; sentAt: string };
        if ((await claimIdempotency(request, reply, fingerprintOf(request, { content }))) === 'replayed') {
          return reply;
        }
        const { rows } = await insertProbe(content);
        reply.code(201).header('location', `/probes/${rows[0]!.n}`);
        return { n: rows[0]!.n };
      });
      await probe.ready();
    });

    afterAll(async () => {
      await probe?.close();
    });

    const probes = async (label: string) =>
      (await sql<{ n: number }>`select n from idempotency_test_probe where label = ${label}`.execute(db)).rows;

    it('should leave no key behind when the route fails before committing', async () => {
      const key = randomUUID();
      const response = await probe.inject({ method: 'POST', url: '/fails-before-commit', headers: headers(key) });
      expect(response.statusCode).toBe(500);
      expect(await keyRow(key)).toBeUndefined();
    });

    it('should mark the key applied with the change, and never run it again when its answer failed', async () => {
      const key = randomUUID();
      const label = `after-${key}`;
      const send = () =>
        probe.inject({ method: 'POST', url: '/fails-after-commit', headers: headers(key), payload: { label } });
      expect((await send()).statusCode).toBe(500);
      expect(await keyRow(key)).toMatchObject({ state: 'done', response_status: null });
      const retried = await send();
      expect(retried.statusCode).toBe(409);
      expect(retried.json().error.code).toBe('IDEMPOTENCY_ERR_ANSWER_LOST');
      expect(await probes(label)).toHaveLength(1);
    });

    it('should store and replay a client error', async () => {
      const key = randomUUID();
      const first = await probe.inject({ method: 'POST', url: '/refuses', headers: headers(key) });
      const again = await probe.inject({ method: 'POST', url: '/refuses', headers: headers(key) });
      expect([first.statusCode, again.statusCode]).toEqual([409, 409]);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toBe(withoutPersonalData(first.body));
    });

    it('should replay what a handler that claims its key itself answered, with its Location', async () => {
      const key = randomUUID();
      const content = `upload-${key}`;
      const send = (sentAt: string) =>
        probe.inject({ method: 'POST', url: '/upload', headers: headers(key), payload: { content, sentAt } });
      // The parts outside the fingerprint (when the phone sent it) may differ between retries.
      const answers = await Promise.all([send('1'), send('2')]);
      answers.push(await send('3'));
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((a) => withoutPersonalData(a.body))).size).toBe(1);
      expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'])).toHaveLength(2);
      expect(await probes(content)).toHaveLength(1);
      const other = await probe.inject({
        method: 'POST',
        url: '/upload',
        headers: headers(key),
        payload: { content: 'something else', sentAt: '4' },
      });
      expect(other.statusCode).toBe(422);
      // Without a key, it runs as any route does.
      const plain = await probe.inject({ method: 'POST', url: '/upload', payload: { content, sentAt: '5' } });
      expect(plain.statusCode).toBe(201);
      expect(await probes(content)).toHaveLength(2);
    });
  });
});
