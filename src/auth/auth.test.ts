/** Signing in, sessions, CSRF, lockout, passwords, API tokens and phone codes, through the HTTP API. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import {
  buildTestApp,
  DEMO_NOW,
  keyringOf,
  loadSmallDemoCity,
  TEST_APP_CONFIG,
  testAppDeps,
} from '../../test/demo-city.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { DEMO_PASSWORD } from '../demo/demo-city.ts';
import type { AreaLocator } from '../grid/index.ts';
import { buildApp } from '../http/app.ts';
import { deliverDueNotifications, type MessageSender, type OutgoingMessage } from '../notifications/index.ts';
import { hashToken } from '../organizations/index.ts';
import { passwordProblems } from './index.ts';

const MINUTE = 60_000;
const NEW_CASE = { title: '噪音扰民', description: '夜间施工', categoryCode: '140101', address: '岳麓区' };

interface Session {
  /** The value of the Cookie header: the session cookie alone. */
  cookie: string;
  csrfToken: string;
}

describe('password policy', () => {
  it('should accept a long password mixing three kinds of character', () => {
    expect(passwordProblems('Kites-over-Xiangjiang-42', 'auditor')).toEqual([]);
  });

  it('should name every problem of a weak password', () => {
    expect(passwordProblems('abc', 'auditor')).toEqual([
      'use at least 10 characters',
      'mix at least three of: lower-case letters, capitals, digits, other characters',
    ]);
    expect(passwordProblems('x'.repeat(201), 'auditor')).toContain('use at most 200 characters');
    expect(passwordProblems('Auditor-2026!', 'auditor')).toEqual(['do not include your user name']);
    // Common passwords are refused even when they pass the other rules.
    expect(passwordProblems('Password123', 'auditor')).toEqual(['this password is among the most common ones']);
  });
});

forEachDatabase('signing in over HTTP', (database) => {
  let app: FastifyInstance;
  let handle: DatabaseHandle;
  // Every test moves this clock forward only, so sessions, locks and codes expire as they would in life.
  let now = DEMO_NOW.getTime();
  const advance = (ms: number) => {
    now += ms;
  };

  let areas: AreaLocator;

  beforeAll(async () => {
    handle = database();
    ({ areas } = await loadSmallDemoCity(handle, 0));
    ({ app } = await buildTestApp(handle, areas, { now: () => new Date(now) }));
  });

  const signIn = (username: string, password = DEMO_PASSWORD, remoteAddress?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username, password },
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  function sessionOf(response: LightMyRequestResponse): Session {
    expect(response.statusCode, response.body).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'cg_session');
    if (!cookie) throw new Error('the sign-in set no session cookie');
    return { cookie: `cg_session=${cookie.value}`, csrfToken: response.json().csrfToken };
  }

  const signedIn = async (username: string) => sessionOf(await signIn(username));

  /** A request made with a session, as the console makes it: the cookie, and the CSRF token on changes. */
  const withSession = (session: Session, csrf = true) => ({
    cookie: session.cookie,
    ...(csrf ? { 'x-csrf-token': session.csrfToken } : {}),
  });

  const whoAmI = (session: Session) => app.inject({ url: '/api/v1/auth/session', headers: { cookie: session.cookie } });

  const errorOf = (response: LightMyRequestResponse) =>
    response.json().error as { code: string; message: string; details?: Record<string, unknown> };

  async function caseCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from cases`.execute(handle.db);
    return rows[0]!.n;
  }

  describe('with a password', () => {
    it('should set an HttpOnly, SameSite=Strict session cookie and return the user and a CSRF token', async () => {
      const response = await signIn('dispatcher');
      expect(response.statusCode, response.body).toBe(200);
      const cookie = response.cookies.find((c) => c.name === 'cg_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(cookie?.value).toMatch(/^[\w-]{43}$/);
      const body = response.json();
      expect(body.user).toMatchObject({ username: 'dispatcher', role: 'dispatcher' });
      expect(body.csrfToken).toMatch(/^[\w-]{32}$/);
    });

    it('should let the cookie alone read the session and the cases', async () => {
      const session = await signedIn('dispatcher');
      const me = await whoAmI(session);
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json()).toMatchObject({ user: { username: 'dispatcher' }, csrfToken: session.csrfToken });
      const cases = await app.inject({ url: '/api/v1/cases', headers: { cookie: session.cookie } });
      expect(cases.statusCode, cases.body).toBe(200);
    });

    it('should refuse a wrong password with the same answer as an unknown user', async () => {
      const wrong = await signIn('dispatcher', 'Not-the-password-1');
      const unknown = await signIn('nobody-here', 'Not-the-password-1');
      for (const response of [wrong, unknown]) {
        expect(response.statusCode).toBe(401);
        expect(response.cookies).toEqual([]);
      }
      expect(errorOf(wrong).code).toBe('AUTH_ERR_BAD_CREDENTIALS');
      expect(errorOf(unknown).code).toBe('AUTH_ERR_BAD_CREDENTIALS');
      expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
    });
  });

  describe('CSRF', () => {
    it('should refuse a change made with the cookie but without its CSRF token, changing nothing', async () => {
      const session = await signedIn('dispatcher');
      const other = await signedIn('dispatcher');
      const before = await caseCount();
      const attempts = [
        withSession(session, false),
        { ...withSession(session, false), 'x-csrf-token': other.csrfToken },
        { ...withSession(session, false), 'x-csrf-token': '' },
      ];
      for (const headers of attempts) {
        const response = await app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: NEW_CASE });
        expect(response.statusCode, response.body).toBe(403);
        expect(errorOf(response).code).toBe('AUTH_ERR_CSRF');
      }
      expect(await caseCount()).toBe(before);

      const made = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: withSession(session),
        payload: NEW_CASE,
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(await caseCount()).toBe(before + 1);
    });
  });

  describe('lockout', () => {
    // Its own address, so the address's own (higher) limit does not mix with the other tests' failures.
    const address = '203.0.113.5';
    const attempt = (password: string) => signIn('supervisor', password, address);

    it('should lock a user name after 5 failures, even for the right password, then let it in again', async () => {
      const start = now;
      for (let n = 1; n <= 5; n++) {
        const response = await attempt(`Wrong-guess-${n}`);
        expect(response.statusCode, `attempt ${n}`).toBe(401);
      }
      const locked = await attempt(DEMO_PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(errorOf(locked)).toMatchObject({ code: 'AUTH_ERR_LOCKED', details: { retryAfterSeconds: 60 } });
      expect(locked.cookies).toEqual([]);

      // While locked nothing is checked: a wrong guess gets the same answer and does not lengthen the lock.
      advance(30_000);
      const stillLocked = await attempt('Wrong-guess-while-locked');
      expect(stillLocked.statusCode).toBe(429);
      expect(errorOf(stillLocked).details).toEqual({ retryAfterSeconds: 30 });

      // The next failure once the lock has ended locks for twice as long (the count is still within its window).
      now = start + MINUTE + 1_000;
      expect((await attempt('Wrong-guess-6')).statusCode).toBe(401);
      const doubled = await attempt(DEMO_PASSWORD);
      expect(doubled.statusCode).toBe(429);
      expect(errorOf(doubled).details).toEqual({ retryAfterSeconds: 120 });

      advance(2 * MINUTE + 1_000);
      const back = await attempt(DEMO_PASSWORD);
      expect(back.statusCode, back.body).toBe(200);
      // A success clears the count: one more slip does not lock the user out again.
      expect((await attempt('Wrong-guess-7')).statusCode).toBe(401);
      expect((await attempt(DEMO_PASSWORD)).statusCode).toBe(200);
    });

    it('should check no more than 5 guesses sent at once: attempts on one user name take turns', async () => {
      const guesses = await Promise.all(
        Array.from({ length: 12 }, (_, n) => signIn('gridworker.430103', `Parallel-guess-${n}`, '203.0.113.77')),
      );
      const statuses = guesses.map((g) => g.statusCode).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    });

    it('should record every attempt in the audit log', async () => {
      const { rows } = await sql<{ action: string; n: number }>`
        select action, count(*)::int as n from audit_log
        where (action in ('auth.sign_in_failed', 'auth.sign_in_locked') and details->>'username' = 'supervisor')
           or (action = 'auth.sign_in' and actor_user_id = (select id from users where username = 'supervisor'))
        group by action order by action`.execute(handle.db);
      expect(rows).toEqual([
        { action: 'auth.sign_in', n: 2 },
        { action: 'auth.sign_in_failed', n: 7 },
        { action: 'auth.sign_in_locked', n: 3 },
      ]);
    });
  });

  describe('changing a password', () => {
    it('should refuse a weak new password, listing its problems', async () => {
      const session = await signedIn('auditor');
      const response = await app.inject({
        method: 'PUT',
        url: '/api/v1/auth/password',
        headers: withSession(session),
        payload: { currentPassword: DEMO_PASSWORD, newPassword: 'auditor1' },
      });
      expect(response.statusCode, response.body).toBe(400);
      const error = errorOf(response);
      expect(error.code).toBe('AUTH_ERR_WEAK_PASSWORD');
      expect(error.details?.problems).toEqual([
        'use at least 10 characters',
        'mix at least three of: lower-case letters, capitals, digits, other characters',
        'do not include your user name',
      ]);
      // Still the old password.
      expect((await signIn('auditor')).statusCode).toBe(200);
    });

    it('should accept a strong one, after which only the new password works', async () => {
      const session = await signedIn('auditor');
      const strong = 'Kites-over-Xiangjiang-42';
      const response = await app.inject({
        method: 'PUT',
        url: '/api/v1/auth/password',
        headers: withSession(session),
        payload: { currentPassword: DEMO_PASSWORD, newPassword: strong },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ tokensRevoked: 0 });
      const old = await signIn('auditor');
      expect(old.statusCode).toBe(401);
      expect(errorOf(old).code).toBe('AUTH_ERR_BAD_CREDENTIALS');
      expect((await signIn('auditor', strong)).statusCode).toBe(200);

      const stored = await handle.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'auditor')
        .executeTakeFirstOrThrow();
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
      expect(stored.password_hash).not.toContain(strong);
    });

    it('should not change the password without the current one', async () => {
      const session = await signedIn('dispatcher');
      const response = await app.inject({
        method: 'PUT',
        url: '/api/v1/auth/password',
        headers: withSession(session),
        payload: { currentPassword: 'Not-the-password-1', newPassword: 'Kites-over-Xiangjiang-42' },
      });
      expect(response.statusCode).toBe(401);
      expect((await signIn('dispatcher')).statusCode).toBe(200);
    });
  });

  describe('sessions', () => {
    const { idleMinutes, absoluteHours } = TEST_APP_CONFIG.sessions;

    it('should end a session left unused for longer than the idle time', async () => {
      const session = await signedIn('admin');
      advance((idleMinutes - 1) * MINUTE);
      expect((await whoAmI(session)).statusCode).toBe(200);
      // Each use moves the idle expiry on: the time now counts from that last request.
      advance((idleMinutes - 1) * MINUTE);
      expect((await whoAmI(session)).statusCode).toBe(200);
      advance((idleMinutes + 1) * MINUTE);
      const ended = await whoAmI(session);
      expect(ended.statusCode).toBe(401);
      expect(errorOf(ended)).toMatchObject({ code: 'AUTH_ERR_UNAUTHENTICATED' });
      expect(errorOf(ended).message).toMatch(/^Your session has ended/);
    });

    it('should end a session at its absolute time even when it is used all along', async () => {
      const session = await signedIn('admin');
      const start = now;
      const end = start + absoluteHours * 60 * MINUTE;
      while (now + (idleMinutes - 20) * MINUTE < end) {
        advance((idleMinutes - 20) * MINUTE);
        expect((await whoAmI(session)).statusCode, `at ${(now - start) / MINUTE} min`).toBe(200);
      }
      now = end + 1_000;
      const ended = await whoAmI(session);
      expect(ended.statusCode).toBe(401);
      expect(errorOf(ended).message).toMatch(/^Your session has ended/);
    });

    it('should end only this session on sign-out', async () => {
      const here = await signedIn('admin');
      const elsewhere = await signedIn('admin');
      const out = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: withSession(here) });
      expect(out.statusCode, out.body).toBe(204);
      // The cookie is cleared in the browser, and the session ends on the server whatever the browser keeps.
      expect(out.cookies.find((c) => c.name === 'cg_session')?.value).toBe('');
      expect((await whoAmI(here)).statusCode).toBe(401);
      expect((await whoAmI(elsewhere)).statusCode).toBe(200);
    });

    it("should end every one of the user's sessions on sign-out everywhere, and no one else's", async () => {
      const laptop = await signedIn('admin');
      const phone = await signedIn('admin');
      const someoneElse = await signedIn('dispatcher');
      const out = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out-everywhere',
        headers: withSession(laptop),
      });
      expect(out.statusCode, out.body).toBe(200);
      expect(out.json().sessionsEnded).toBeGreaterThanOrEqual(2);
      expect((await whoAmI(laptop)).statusCode).toBe(401);
      expect((await whoAmI(phone)).statusCode).toBe(401);
      expect((await whoAmI(someoneElse)).statusCode).toBe(200);
    });
  });

  describe('API tokens', () => {
    let session: Session;
    let caseNumber: string;

    beforeAll(async () => {
      session = await signedIn('dispatcher');
      const made = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: withSession(session),
        payload: NEW_CASE,
      });
      expect(made.statusCode, made.body).toBe(201);
      caseNumber = made.json().caseNumber;
    });

    const issue = (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: withSession(session), payload });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it('should issue a token once, which may do only what its scopes allow', async () => {
      const issued = await issue({ label: 'reporting dashboard', scopes: ['cases:read'] });
      expect(issued.statusCode, issued.body).toBe(201);
      const { token } = issued.json() as { id: string; token: string };
      expect(token).toMatch(/^cg_/);

      const list = await app.inject({ url: '/api/v1/cases', headers: bearer(token) });
      expect(list.statusCode, list.body).toBe(200);
      const report = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: bearer(token),
        payload: NEW_CASE,
      });
      expect(report.statusCode).toBe(403);
      expect(errorOf(report)).toMatchObject({ code: 'AUTH_ERR_FORBIDDEN', details: { scope: 'cases:write' } });
      const unmask = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/reporter/unmask`,
        headers: bearer(token),
        payload: { purpose: 'verification_callback', reason: '核实处理结果' },
      });
      expect(unmask.statusCode).toBe(403);
      expect(errorOf(unmask)).toMatchObject({ code: 'AUTH_ERR_FORBIDDEN', details: { scope: 'personal_data' } });

      // Nor may a token for personal data alone: seeing a reporter in clear is reading the case too.
      const personalOnly = (await issue({ label: 'personal data only', scopes: ['personal_data'] })).json().token;
      const unmaskWithout = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/reporter/unmask`,
        headers: bearer(personalOnly),
        payload: { purpose: 'verification_callback', reason: '核实处理结果' },
      });
      expect(unmaskWithout.statusCode).toBe(403);
      expect(errorOf(unmaskWithout)).toMatchObject({ code: 'AUTH_ERR_FORBIDDEN', details: { scope: 'cases:read' } });
    });

    it('should not give a token the account scope: managing the account needs a person, signed in', async () => {
      const refused = await issue({ label: 'account manager', scopes: ['cases:read', 'account'] });
      expect(refused.statusCode).toBe(400);
      expect(errorOf(refused).code).toBe('REQUEST_ERR_VALIDATION');
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from api_tokens where label = 'account manager'`.execute(handle.db);
      expect(rows[0]!.n).toBe(0);
    });

    it('should refuse a revoked token and an expired one', async () => {
      const revoked = (await issue({ label: 'to revoke', scopes: ['cases:read'] })).json();
      const expiring = (await issue({ label: 'for a day', scopes: ['cases:read'], expiresInDays: 1 })).json();
      expect((await app.inject({ url: '/api/v1/cases', headers: bearer(revoked.token) })).statusCode).toBe(200);

      const gone = await app.inject({
        method: 'DELETE',
        url: `/api/v1/auth/tokens/${revoked.id}`,
        headers: withSession(session),
      });
      expect(gone.statusCode, gone.body).toBe(204);
      const afterRevoking = await app.inject({ url: '/api/v1/cases', headers: bearer(revoked.token) });
      expect(afterRevoking.statusCode).toBe(401);
      expect(errorOf(afterRevoking).code).toBe('AUTH_ERR_UNAUTHENTICATED');

      expect((await app.inject({ url: '/api/v1/cases', headers: bearer(expiring.token) })).statusCode).toBe(200);
      advance(24 * 60 * MINUTE + 1_000);
      const afterExpiry = await app.inject({ url: '/api/v1/cases', headers: bearer(expiring.token) });
      expect(afterExpiry.statusCode).toBe(401);
      expect(errorOf(afterExpiry).code).toBe('AUTH_ERR_UNAUTHENTICATED');
    });

    it('should list tokens without their secret, and store only a SHA-256 hash of each', async () => {
      session = await signedIn('dispatcher');
      const { id, token } = (await issue({ label: 'listed', scopes: ['cases:read', 'evaluation:read'] })).json();
      const listed = await app.inject({ url: '/api/v1/auth/tokens', headers: { cookie: session.cookie } });
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json()).toContainEqual(
        expect.objectContaining({ id, label: 'listed', scopes: ['cases:read', 'evaluation:read'] }),
      );
      expect(listed.body).not.toContain(token);
      expect(listed.body).not.toMatch(/"token"/);

      const { rows } = await sql<Record<string, unknown>>`select * from api_tokens`.execute(handle.db);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice(3));
      const row = rows.find((r) => r.id === id);
      expect(row?.token_hash).toBe(hashToken(token));
      expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('should revoke every token of the user when the password changes or they sign out everywhere', async () => {
      // A thief with a stolen session mints a long-lived token for everything…
      const stolen = await signedIn('supervisor');
      const minted = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: withSession(stolen),
        payload: { label: 'backdoor', scopes: ['*'], expiresInDays: 366 },
      });
      expect(minted.statusCode, minted.body).toBe(201);
      const backdoor = minted.json().token as string;
      expect((await app.inject({ url: '/api/v1/cases', headers: bearer(backdoor) })).statusCode).toBe(200);
      // …and the owner recovers by changing the password: the token dies with the other sessions.
      const owner = await signedIn('supervisor');
      const changed = await app.inject({
        method: 'PUT',
        url: '/api/v1/auth/password',
        headers: withSession(owner),
        payload: { currentPassword: DEMO_PASSWORD, newPassword: 'Kites-over-Xiangjiang-42' },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
      expect((await app.inject({ url: '/api/v1/cases', headers: bearer(backdoor) })).statusCode).toBe(401);
      expect((await whoAmI(stolen)).statusCode).toBe(401);
      expect((await whoAmI(owner)).statusCode).toBe(200);

      // Signing out everywhere does the same, this session included.
      const again = (
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/tokens',
          headers: withSession(owner),
          payload: { label: 'second', scopes: ['cases:read'] },
        })
      ).json().token as string;
      const out = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out-everywhere',
        headers: withSession(owner),
      });
      expect(out.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
      expect((await app.inject({ url: '/api/v1/cases', headers: bearer(again) })).statusCode).toBe(401);
      expect((await whoAmI(owner)).statusCode).toBe(401);
    });
  });

  describe('citizens by phone', () => {
    const requestCode = (phone: string) => app.inject({ method: 'POST', url: '/api/v1/auth/code', payload: { phone } });
    const verify = (phone: string, code: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/code/verify', payload: { phone, code } });

    /** The latest code the outbox holds for someone: what the SMS gateway would have sent. */
    async function latestCode(): Promise<string> {
      const { rows } = await sql<{ code: string }>`
        select params->>'code' as code from notifications where template = 'sign_in_code'
        order by created_at desc limit 1`.execute(handle.db);
      return rows[0]!.code;
    }
    const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    it('should sign a known phone in as its citizen, with the code sent to it, once', async () => {
      advance(MINUTE);
      const sent = await requestCode('138 0013 8000');
      expect(sent.statusCode, sent.body).toBe(202);
      expect(sent.json()).toEqual({ expiresInSeconds: 300 });
      const code = await latestCode();
      expect(code).toMatch(/^\d{6}$/);

      const wrong = await verify('13800138000', otherThan(code));
      expect(wrong.statusCode).toBe(401);
      expect(errorOf(wrong).code).toBe('AUTH_ERR_BAD_CODE');

      const right = await verify('13800138000', code);
      expect(right.statusCode, right.body).toBe(200);
      expect(right.json().user).toMatchObject({ username: 'citizen', role: 'citizen' });
      const session = sessionOf(right);
      expect((await whoAmI(session)).json().user.username).toBe('citizen');

      const again = await verify('13800138000', code);
      expect(again.statusCode).toBe(401);
      expect(errorOf(again).code).toBe('AUTH_ERR_BAD_CODE');

      // The citizen could sign in although a wrong code was tried first: a number is never locked.
      const tooSoon = await requestCode('13800138000');
      expect(tooSoon.statusCode).toBe(429);
      expect(errorOf(tooSoon)).toMatchObject({ code: 'AUTH_ERR_CODE_TOO_SOON', details: { retryAfterSeconds: 60 } });
      advance(MINUTE + 1_000);
      expect((await requestCode('13800138000')).statusCode).toBe(202);
    });

    it('should refuse a code that has expired', async () => {
      advance(MINUTE + 1_000);
      expect((await requestCode('13800138001')).statusCode).toBe(202);
      const code = await latestCode();
      advance(5 * MINUTE + 1_000);
      const late = await verify('13800138001', code);
      expect(late.statusCode).toBe(401);
      expect(errorOf(late).code).toBe('AUTH_ERR_BAD_CODE');
    });

    it('should give a new phone a new citizen account, and keep the number in no table in clear', async () => {
      const phone = '13900001111';
      const usersBefore = await handle.db.selectFrom('users').select('id').execute();
      advance(MINUTE + 1_000);
      expect((await requestCode(phone)).statusCode).toBe(202);
      const signedInByPhone = await verify(phone, await latestCode());
      expect(signedInByPhone.statusCode, signedInByPhone.body).toBe(200);
      const user = signedInByPhone.json().user;
      expect(user.role).toBe('citizen');
      expect(usersBefore.map((u) => u.id)).not.toContain(user.userId);
      // The display name shows the number masked, as every other screen does.
      expect(user.displayName).toBe('市民 139****1111');

      // The demo sign-in page lists the demo's own users only, never accounts made since.
      const listed = (await app.inject({ url: '/api/v1/demo/users' })).json().users as Array<{ username: string }>;
      expect(listed.map((u) => u.username)).toContain('dispatcher');
      expect(listed.map((u) => u.username)).not.toContain(user.username);

      // Signing in again finds the same account, not another new one.
      advance(MINUTE + 1_000);
      expect((await requestCode(phone)).statusCode).toBe(202);
      const again = await verify(phone, await latestCode());
      expect(again.json().user.userId).toBe(user.userId);

      for (const table of ['persons', 'users', 'notifications', 'sign_in_throttle', 'audit_log']) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(handle.db);
        expect(rows.length, table).toBeGreaterThan(0);
        expect(JSON.stringify(rows), table).not.toContain(phone);
      }
      // The code's copy of the number is sealed, and gone once the code was used.
      const codes = await sql<{ sealed_phone: string | null }>`select sealed_phone from sign_in_codes`.execute(
        handle.db,
      );
      expect(JSON.stringify(codes.rows)).not.toContain(phone);
    });

    it('should make no person or account for a number until its code is verified', async () => {
      const counts = async () =>
        (
          await sql<{ persons: number; users: number }>`select (select count(*)::int from persons) as persons,
            (select count(*)::int from users) as users`.execute(handle.db)
        ).rows[0]!;
      const before = await counts();
      advance(MINUTE + 1_000);
      for (const phone of ['13700000001', '13700000002', '13700000003']) {
        expect((await requestCode(phone)).statusCode).toBe(202);
      }
      expect(await counts()).toEqual(before);
      // The outbox still sends each its code, to the number it was asked for.
      const { rows } = await sql<{ person_id: string | null; sign_in_code_id: string | null }>`
        select person_id, sign_in_code_id from notifications where template = 'sign_in_code'
        order by created_at desc limit 3`.execute(handle.db);
      expect(rows.every((r) => r.person_id === null && r.sign_in_code_id !== null)).toBe(true);
    });

    it('should not lock a number out when someone guesses its codes, only void each guessed code', async () => {
      const phone = '13600000007';
      advance(MINUTE + 1_000);
      expect((await requestCode(phone)).statusCode).toBe(202);
      const guessed = await latestCode();
      for (let i = 0; i < 5; i++) {
        const wrong = await verify(phone, otherThan(guessed));
        expect(wrong.statusCode).toBe(401);
      }
      // The guessed code is void, even with the right digits…
      expect((await verify(phone, guessed)).statusCode).toBe(401);
      // …but the resident asks for a new one and signs in.
      advance(MINUTE + 1_000);
      expect((await requestCode(phone)).statusCode).toBe(202);
      const fresh = await verify(phone, await latestCode());
      expect(fresh.statusCode, fresh.body).toBe(200);
    });

    it('should limit the codes an address may ask for, and a number may be sent, so one attacker cannot use up a resident’s', async () => {
      const from = (remoteAddress: string, phone: string) =>
        app.inject({ method: 'POST', url: '/api/v1/auth/code', payload: { phone }, remoteAddress });
      advance(2 * 60 * MINUTE);
      const spray = [];
      for (let i = 0; i < 21; i++) spray.push(await from('203.0.113.77', `1350000${String(100 + i).padStart(4, '0')}`));
      expect(spray.slice(0, 20).every((r) => r.statusCode === 202)).toBe(true);
      expect(spray[20]!.statusCode).toBe(429);
      expect(errorOf(spray[20]!).code).toBe('AUTH_ERR_CODE_LIMIT');
      expect(Number(spray[20]!.headers['retry-after'])).toBeGreaterThan(0);

      // One address can take only 3 of a number's 10 daily codes…
      const victim = '13500009999';
      const attacker = [];
      for (let i = 0; i < 4; i++) {
        advance(MINUTE + 1_000);
        attacker.push((await from('198.51.100.1', victim)).statusCode);
      }
      expect(attacker).toEqual([202, 202, 202, 429]);
      // …so the resident still gets theirs; from many addresses the number's daily limit holds.
      const others = [];
      for (let i = 0; i < 8; i++) {
        advance(MINUTE + 1_000);
        others.push((await from(`198.51.100.${10 + i}`, victim)).statusCode);
      }
      expect(others).toEqual([202, 202, 202, 202, 202, 202, 202, 429]);
    });

    it('should refuse phone sign-in with a clear answer when no SMS gateway is configured (production)', async () => {
      const { app: production } = await buildTestApp(
        handle,
        areas,
        { now: () => new Date(now) },
        { phoneSignIn: false },
      );
      try {
        const refused = await production.inject({
          method: 'POST',
          url: '/api/v1/auth/code',
          payload: { phone: '13800138000' },
        });
        expect(refused.statusCode).toBe(503);
        expect(errorOf(refused).code).toBe('AUTH_ERR_PHONE_SIGN_IN_OFF');
      } finally {
        await production.close();
      }
    });
  });

  describe('sign-in codes sent at once', () => {
    /** An SMS gateway that keeps what it is given, and refuses while `down`. */
    function gateway() {
      const sent: OutgoingMessage[] = [];
      const state = { down: false };
      const sender: MessageSender = {
        async send(message) {
          if (state.down) throw new Error('gateway unavailable');
          sent.push(message);
        },
      };
      return { sent, state, sender };
    }

    async function appWith(sender: MessageSender) {
      const deps = await testAppDeps(handle, areas, { clock: { now: () => new Date(now) } });
      return buildApp({ ...deps, sender });
    }

    const latestCodeMessage = () =>
      handle.db
        .selectFrom('notifications')
        .select(['status', 'attempts', 'params', 'next_attempt_at'])
        .where('template', '=', 'sign_in_code')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();

    it('should hand the code to the SMS gateway before answering, with no sweep, and send it once', async () => {
      const { sent, sender } = gateway();
      const withGateway = await appWith(sender);
      try {
        advance(MINUTE + 1_000);
        const phone = '13700002222';
        const asked = await withGateway.inject({ method: 'POST', url: '/api/v1/auth/code', payload: { phone } });
        expect(asked.statusCode, asked.body).toBe(202);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ channel: 'sms', to: phone });
        const code = /\d{6}/.exec(sent[0]!.text)?.[0];
        expect(code, sent[0]!.text).toBeDefined();
        // Sent: the outbox no longer keeps the code, and the sweep does not send it again.
        expect(await latestCodeMessage()).toMatchObject({ status: 'sent', attempts: 1, params: {} });
        await deliverDueNotifications(handle.db, keyringOf(handle), sender, new Date(now));
        expect(sent.filter((m) => m.to === phone)).toHaveLength(1);
        const verified = await withGateway.inject({
          method: 'POST',
          url: '/api/v1/auth/code/verify',
          payload: { phone, code },
        });
        expect(verified.statusCode, verified.body).toBe(200);
      } finally {
        await withGateway.close();
      }
    });

    it('should leave a code the gateway refused to the sweep, which sends it on its retry', async () => {
      const { sent, state, sender } = gateway();
      const withGateway = await appWith(sender);
      try {
        advance(MINUTE + 1_000);
        state.down = true;
        const asked = await withGateway.inject({
          method: 'POST',
          url: '/api/v1/auth/code',
          payload: { phone: '13700003333' },
        });
        // The request is accepted all the same: the code is queued, and sending it is the outbox's job.
        expect(asked.statusCode, asked.body).toBe(202);
        const failed = await latestCodeMessage();
        expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
        state.down = false;
        const sentTo = () => sent.filter((m) => m.to === '13700003333');
        // Not before its back-off: the gateway was just refusing.
        await deliverDueNotifications(handle.db, keyringOf(handle), sender, new Date(now));
        expect(sentTo()).toEqual([]);
        advance(failed.next_attempt_at.getTime() - now);
        await deliverDueNotifications(handle.db, keyringOf(handle), sender, new Date(now));
        expect(sentTo()).toHaveLength(1);
        expect(await latestCodeMessage()).toMatchObject({ status: 'sent', attempts: 2 });
      } finally {
        await withGateway.close();
      }
    });
  });

  describe('disabled users', () => {
    it('should refuse a disabled user at sign-in and end their live sessions', async () => {
      const session = await signedIn('steward');
      expect((await whoAmI(session)).statusCode).toBe(200);
      await sql`update users set disabled_at = now() where username = 'steward'`.execute(handle.db);

      const refused = await whoAmI(session);
      expect(refused.statusCode).toBe(401);
      expect(errorOf(refused).message).toMatch(/^Your session has ended/);
      const change = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-out-everywhere',
        headers: withSession(session),
      });
      expect(change.statusCode).toBe(401);

      const signInAgain = await signIn('steward');
      expect(signInAgain.statusCode).toBe(401);
      // The same answer as a wrong password: the response does not tell that the account exists.
      expect(errorOf(signInAgain).code).toBe('AUTH_ERR_BAD_CREDENTIALS');
    });
  });
});
