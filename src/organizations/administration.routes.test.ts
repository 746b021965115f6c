import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

const PASSWORD = 'Street-lamp-2026';

/** The administrator's console, through its API: bodies, staff accounts and categories. */
forEachDatabase('administration', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas));
  });

  const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, username = 'admin') =>
    app.inject({ method, url: `/api/v1${url}`, headers: await as(username), ...(payload ? { payload } : {}) });
  const signIn = (username: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { username, password } });
  const bodyByCode = async (code: string) => {
    const bodies = (await app.inject({ url: '/api/v1/handling-bodies' })).json() as Array<{ id: string; code: string }>;
    return bodies.find((b) => b.code === code);
  };

  describe('handling bodies', () => {
    it('should add a body under its superior, and refuse a taken code or an unknown superior', async () => {
      const district = (await bodyByCode('district-430102'))!;
      const created = await call('POST', '/handling-bodies', {
        code: 'furong-lamps',
        nameZh: '芙蓉区路灯所',
        nameEn: 'Furong street lighting',
        type: 'government_department',
        parentId: district.id,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ code: 'furong-lamps', parentId: district.id });

      const again = await call('POST', '/handling-bodies', { ...created.json(), id: undefined, parentId: null });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('BODY_ERR_CODE_TAKEN');
      const orphan = await call('POST', '/handling-bodies', {
        code: 'nowhere',
        nameZh: '无',
        nameEn: 'None',
        type: 'ngo',
        parentId: '00000000-0000-4000-8000-000000000000',
      });
      expect(orphan.statusCode).toBe(400);
      expect(orphan.json().error.code).toBe('BODY_ERR_UNKNOWN');
    });

    it('should rename and move a body, but never under itself or a body below it', async () => {
      const district = (await bodyByCode('district-430102'))!;
      const lamps = (await bodyByCode('furong-lamps'))!;
      const cycle = await call('PATCH', `/handling-bodies/${district.id}`, { parentId: lamps.id });
      expect(cycle.statusCode).toBe(400);
      expect(cycle.json().error.code).toBe('BODY_ERR_CYCLE');
      const renamed = await call('PATCH', `/handling-bodies/${lamps.id}`, {
        nameZh: '芙蓉区路灯管理所',
        parentId: null,
      });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json()).toMatchObject({ nameZh: '芙蓉区路灯管理所', parentId: null });
      expect(
        (await call('PATCH', '/handling-bodies/00000000-0000-4000-8000-000000000000', { nameEn: 'x' })).statusCode,
      ).toBe(404);
    });
  });

  describe('staff accounts', () => {
    it('should add a handler with a first password they can sign in with', async () => {
      const lamps = (await bodyByCode('furong-lamps'))!;
      const created = await call('POST', '/users', {
        username: 'Lamps.Handler',
        displayName: '路灯所 李工',
        role: 'handler',
        handlingBodyId: lamps.id,
        password: PASSWORD,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toEqual({ username: 'lamps.handler', displayName: '路灯所 李工', role: 'handler' });
      const signedIn = await signIn('lamps.handler', PASSWORD);
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      expect(signedIn.json().user).toMatchObject({ role: 'handler', handlingBodyId: lamps.id });
    });

    it('should refuse a weak password, a taken name and a handler without a body, leaving no account', async () => {
      const lamps = (await bodyByCode('furong-lamps'))!;
      const account = { username: 'weak.one', displayName: '弱', role: 'handler', handlingBodyId: lamps.id };
      const weak = await call('POST', '/users', { ...account, password: 'short' });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.code).toBe('AUTH_ERR_WEAK_PASSWORD');
      const taken = await call('POST', '/users', { ...account, username: 'LAMPS.handler', password: PASSWORD });
      expect(taken.statusCode).toBe(409);
      const bodiless = await call('POST', '/users', { ...account, handlingBodyId: null, password: PASSWORD });
      expect(bodiless.statusCode).toBe(400);
      expect(bodiless.json().error.code).toBe('USER_ERR_BAD_CHANGE');
      const staff = (await app.inject({ url: '/api/v1/users', headers: await as('admin') })).json();
      expect(staff.map((s: { username: string }) => s.username)).not.toContain('weak.one');
    });

    it('should change a role with its rules, and never one’s own role', async () => {
      const bodyKept = await call('PATCH', '/users/lamps.handler', { role: 'dispatcher' });
      expect(bodyKept.statusCode).toBe(400);
      const changed = await call('PATCH', '/users/lamps.handler', {
        role: 'dispatcher',
        handlingBodyId: null,
        displayName: '李工',
        clearance: 'general',
      });
      expect(changed.statusCode, changed.body).toBe(200);
      // A dispatcher is placed by area: moved into the role with none, they see no case until given some.
      expect(changed.json()).toMatchObject({
        role: 'dispatcher',
        reach: [],
        clearance: 'general',
        displayName: '李工',
      });
      const self = await call('PATCH', '/users/admin', { role: 'supervisor' });
      expect(self.statusCode).toBe(400);
      expect((await call('PATCH', '/users/nobody', { displayName: 'x' })).statusCode).toBe(404);
      expect((await call('PATCH', '/users/lamps.handler', { displayName: 'x' }, 'supervisor')).statusCode).toBe(403);
    });

    it('should disable an account (sign-in refused, credentials revoked), enable it, and reset its password', async () => {
      const session = await signIn('lamps.handler', PASSWORD);
      expect(session.statusCode).toBe(200);
      const disabled = await call('POST', '/users/lamps.handler/disable');
      expect(disabled.statusCode, disabled.body).toBe(200);
      expect(disabled.json().sessionsEnded).toBeGreaterThanOrEqual(1);
      expect((await signIn('lamps.handler', PASSWORD)).statusCode).toBe(401);
      expect((await call('POST', '/users/admin/disable')).statusCode).toBe(400);

      expect((await call('POST', '/users/lamps.handler/enable')).statusCode).toBe(200);
      const reset = await call('PUT', '/users/lamps.handler/password', { password: 'Night-shift-lamp-7' });
      expect(reset.statusCode, reset.body).toBe(200);
      expect((await signIn('lamps.handler', PASSWORD)).statusCode).toBe(401);
      expect((await signIn('lamps.handler', 'Night-shift-lamp-7')).statusCode).toBe(200);
    });
  });

  describe('categories', () => {
    it('should set a category’s time limits and default body, refusing an unknown body or a limit out of range', async () => {
      const lamps = (await bodyByCode('furong-lamps'))!;
      const changed = await call('PATCH', '/categories/010204', {
        handlingLimitDays: 3,
        responseLimitHours: 2,
        defaultBodyId: lamps.id,
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ handlingLimitDays: 3, responseLimitHours: 2, defaultBodyId: lamps.id });
      const unknownBody = await call('PATCH', '/categories/010204', {
        defaultBodyId: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknownBody.statusCode).toBe(400);
      expect((await call('PATCH', '/categories/010204', { handlingLimitDays: 0 })).statusCode).toBe(400);
      expect((await call('PATCH', '/categories/0999', { nameZh: '无' })).statusCode).toBe(404);
      expect((await call('PATCH', '/categories/010204', {})).statusCode).toBe(400);
    });
  });
});
