/** Logs go to places with wider access than the database: no credential or personal datum may reach them. */

import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { loadSmallDemoCity, testAppDeps } from '../../test/demo-city.ts';
import { issueApiToken } from '../auth/index.ts';
import type { AreaLocator } from '../grid/index.ts';
import { actorForUsername } from '../organizations/index.ts';
import { buildApp } from './app.ts';
import { loggerOptions, REDACTED, redactQuery, serverLoggerOptions } from './logging.ts';

const SECRETS = {
  token: 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  cookie: 'sess_0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  csrf: 'csrf_5e4d3c2b1a09f8e7d6c5b4a3',
  password: 'Hunter2-correct-horse-battery',
  newPassword: 'Staple-battery-horse-correct-9',
  phone: '13812345678',
  idNumber: '43010219900307123X',
  email: 'chen.shimin@example.cn',
  name: '陈秘密',
  address: '芙蓉区五一大道秘密1号',
  smsCode: '482913',
};

/** A stream that keeps every log line in memory, so a test can read what an operator would see. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    text: async () => {
      // "request completed" is written from the response's finish event: let it land first.
      await nextTurn();
      return lines.join('');
    },
  };
}

function expectNoSecrets(log: string) {
  for (const [what, secret] of Object.entries(SECRETS)) {
    expect(log.includes(secret), `the log holds the ${what}`).toBe(false);
  }
}

describe('log redaction', () => {
  let app: FastifyInstance;
  const log = captureLog();

  beforeAll(async () => {
    app = Fastify({ logger: { ...loggerOptions('debug'), stream: log.stream } });
    app.post('/sign-in', async (request) => {
      // What careless code does: logs the whole body, both as a field and as the object itself.
      request.log.info({ body: request.body }, 'sign-in attempt');
      request.log.info(request.body as object, 'sign-in body');
      return { ok: true };
    });
    app.get('/lookup', async (request, reply) => {
      request.log.info({ query: request.query }, 'looking up a reporter');
      reply.header('set-cookie', `session=${SECRETS.cookie}; HttpOnly`);
      return { found: false };
    });
    app.get('/boom', async () => {
      throw new Error('the ledger is on fire');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const credentials = {
    authorization: `Bearer ${SECRETS.token}`,
    cookie: `session=${SECRETS.cookie}`,
    'x-csrf-token': SECRETS.csrf,
  };

  it('should keep tokens, cookies, passwords and personal data out of the log', async () => {
    const signIn = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: credentials,
      payload: {
        username: 'chen',
        password: SECRETS.password,
        newPassword: SECRETS.newPassword,
        code: SECRETS.smsCode,
        profile: { phone: SECRETS.phone, idNumber: SECRETS.idNumber, email: SECRETS.email },
        reporter: { name: SECRETS.name, address: SECRETS.address },
      },
    });
    expect(signIn.statusCode).toBe(200);
    const lookup = await app.inject({
      url: `/lookup?phone=${SECRETS.phone}&token=${SECRETS.token}&code=${SECRETS.smsCode}&page=2`,
      headers: credentials,
    });
    expect(lookup.statusCode).toBe(200);
    const boom = await app.inject({ url: `/boom?phone=${SECRETS.phone}`, headers: credentials });
    expect(boom.statusCode).toBe(500);

    const text = await log.text();
    expectNoSecrets(text);
    expect(text).toContain(REDACTED);
    // What operators need is still there: what was asked, by which request, and what went wrong.
    expect(text).toContain('/lookup?phone=[redacted]&token=[redacted]&code=[redacted]&page=2');
    expect(text).toContain('the ledger is on fire');
    expect(text).toContain('"username":"chen"');
    expect(text).not.toMatch(/"headers"/);
  });

  it('should log each request with its method, URL, host, address and id but no headers', async () => {
    await app.inject({ url: '/lookup', headers: { ...credentials, 'x-request-id': 'not-used-here' } });
    const entries = (await log.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; req?: Record<string, unknown> });
    const incoming = entries.filter((entry) => entry.msg === 'incoming request').at(-1);
    expect(incoming?.req).toEqual({
      method: 'GET',
      url: '/lookup',
      hostname: 'localhost',
      remoteAddress: '127.0.0.1',
      id: expect.any(String),
    });
  });

  it('should keep an error code readable though every other "code" key is redacted', async () => {
    const capture = captureLog();
    const app2 = Fastify({ logger: { ...loggerOptions('info'), stream: capture.stream } });
    app2.get('/fail', async () => {
      throw Object.assign(new Error('duplicate key'), { code: '23505' });
    });
    await app2.inject({ url: '/fail' });
    const text = await capture.text();
    expect(text).toContain('"errorCode":"23505"');
    expect(text).toContain('"code":"[redacted]"');
    await app2.close();
  });
});

describe('redacting query strings', () => {
  it('should replace the values of sensitive parameters however they are spelled', () => {
    expect(redactQuery('/x?phone=138&page=2')).toBe('/x?phone=[redacted]&page=2');
    expect(redactQuery('/x?PHONE=138&ph%6Fne=139&phone[]=140&phone%5B0%5D=141')).toBe(
      '/x?PHONE=[redacted]&ph%6Fne=[redacted]&phone[]=[redacted]&phone%5B0%5D=[redacted]',
    );
    expect(redactQuery('/x?token=a&token=b&code=1')).toBe('/x?token=[redacted]&token=[redacted]&code=[redacted]');
    // A search can be for a caller's number or name: its terms are personal data too.
    expect(redactQuery('/api/v1/cases?q=13800138000&status=reported')).toBe(
      '/api/v1/cases?q=[redacted]&status=reported',
    );
  });

  it('should leave other URLs as they are, malformed escapes included', () => {
    expect(redactQuery('/api/v1/cases')).toBe('/api/v1/cases');
    expect(redactQuery('/x?page=2&flag&%E0%A4%A=1')).toBe('/x?page=2&flag&%E0%A4%A=1');
    expect(redactQuery('/x?')).toBe('/x?');
  });
});

describe('the real application', () => {
  let handle: TestDatabase;

  let areas: AreaLocator;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    ({ areas } = await loadSmallDemoCity(handle, 3));
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
  });

  it('should leave no bearer token in the log, valid or not', async () => {
    const capture = captureLog();
    const app = await buildApp(await testAppDeps(handle, areas), { ...loggerOptions('debug'), stream: capture.stream });
    try {
      const actor = await actorForUsername(handle.db, 'dispatcher');
      const { token } = await issueApiToken(handle.db, actor!.userId, {
        label: 'test',
        scopes: ['*'],
        expiresAt: null,
      });
      const ok = await app.inject({
        url: `/api/v1/cases?phone=${SECRETS.phone}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ok.statusCode).toBeLessThan(500);
      const forged = await app.inject({ url: '/api/v1/cases', headers: { authorization: `Bearer ${SECRETS.token}` } });
      expect(forged.statusCode).toBe(401);

      const text = await capture.text();
      expect(text).toContain('incoming request');
      expect(text.includes(token)).toBe(false);
      expectNoSecrets(text);
    } finally {
      await app.close();
    }
  });

  it('should keep the traffic out of the log at info, and write each request at debug', async () => {
    const lines = async (level: string) => {
      const capture = captureLog();
      const app = await buildApp(await testAppDeps(handle, areas), { ...loggerOptions(level), stream: capture.stream });
      try {
        expect((await app.inject({ url: '/api/v1/lifecycle' })).statusCode).toBe(200);
        return (await capture.text()).split('\n').filter(Boolean);
      } finally {
        await app.close();
      }
    };
    const atInfo = await lines('info');
    expect(atInfo.filter((line) => /incoming request|request completed/.test(line))).toEqual([]);
    const atDebug = (await lines('debug')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(atDebug.find((line) => line.msg === 'request completed')).toMatchObject({
      level: 20,
      res: { statusCode: 200 },
    });
  });
});

describe("the server process's log format", () => {
  const level = { logLevel: 'info' };

  it('should write pretty lines at a terminal and outside production, JSON lines in production', () => {
    expect(serverLoggerOptions({ ...level, production: false }, false)).toHaveProperty('stream');
    expect(serverLoggerOptions({ ...level, production: true }, true)).toHaveProperty('stream');
    expect(serverLoggerOptions({ ...level, production: true }, false)).not.toHaveProperty('stream');
  });

  it('should follow LOG_FORMAT when it is set, with the same redaction either way', () => {
    const json = serverLoggerOptions({ ...level, logFormat: 'json', production: false }, true);
    expect(json).not.toHaveProperty('stream');
    const pretty = serverLoggerOptions({ ...level, logFormat: 'pretty', production: true }, false);
    expect(pretty).toHaveProperty('stream');
    expect(pretty).toMatchObject({ redact: loggerOptions('info').redact });
  });
});
