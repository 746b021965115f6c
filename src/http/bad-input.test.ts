/** A client's mistake is answered with 4xx and the one error shape, never a 500 or a stack trace. */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

const VALID_CASE = { title: '路灯不亮', description: '五一大道路灯坏了', categoryCode: '010204', address: '五一大道' };

function expectErrorShape(
  response: { statusCode: number; json(): unknown; body: string },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toBeTruthy();
  expect(response.body).not.toMatch(/at .*\.ts:\d+|node_modules|select |insert into/i);
}

forEachDatabase('bad input', (database) => {
  let app: FastifyInstance;
  let dispatcher: Record<string, string>;
  let as: (username: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 3);
    const built = await buildTestApp(database(), areas);
    app = built.app;
    as = built.as;
    dispatcher = await as('dispatcher');
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = dispatcher) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });

  describe('creating a case', () => {
    it('should answer 400 naming each missing field', async () => {
      const response = await post('/api/v1/cases', { description: 'no title or category' });
      expectErrorShape(response, 400, 'REQUEST_ERR_VALIDATION');
      const paths = (response.json().error.details.issues as Array<{ message: string }>)
        .map((i) => i.message)
        .join(' ');
      expect(paths).toMatch(/title/);
      expect(paths).toMatch(/categoryCode/);
    });

    it('should answer 400 for wrong-typed fields', async () => {
      expectErrorShape(await post('/api/v1/cases', { ...VALID_CASE, title: 42 }), 400, 'REQUEST_ERR_VALIDATION');
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, location: { longitude: 'east', latitude: 28 } }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, priority: 'whenever' }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
      expectErrorShape(await post('/api/v1/cases', [VALID_CASE]), 400, 'REQUEST_ERR_VALIDATION');
    });

    it('should answer 400 for coordinates off the globe and for unknown fields', async () => {
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, location: { longitude: 200, latitude: 28 } }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
      const response = await post('/api/v1/cases', { ...VALID_CASE, categroyCode: '01' });
      expectErrorShape(response, 400, 'REQUEST_ERR_VALIDATION');
      expect(JSON.stringify(response.json().error.details)).toContain('categroyCode');
    });

    // Found by the route fuzzer (seed 49897843): a valid BD-09 point lands just past the pole once converted.
    it('should answer 400 naming the field when a converted point lands outside the world', async () => {
      const found = await post(
        '/api/v1/cases',
        {
          title: 'x',
          description: '',
          categoryCode: '010204',
          location: { longitude: 0, latitude: -89.994, crs: 'bd09' },
        },
        await as('citizen'),
      );
      expect(found.statusCode, found.body).toBeLessThan(500);
      // BD-09 (0, −89.9999) is −90.0059 in WGS-84.
      const nearThePole = { longitude: 0, latitude: -89.9999, crs: 'bd09' };
      const reported = await post(
        '/api/v1/cases',
        { title: 'x', description: '', categoryCode: '010204', location: nearThePole },
        await as('citizen'),
      );
      expectErrorShape(reported, 400, 'GRID_ERR_BAD_POINT');
      expect(reported.json().error.details).toMatchObject({ field: 'location', crs: 'bd09' });
      for (const crs of ['gcj02', 'bd09']) {
        const located = await app.inject({ url: `/api/v1/grid/locate?lon=179.9999&lat=-89.9999&crs=${crs}` });
        expect(located.statusCode, located.body).toBeLessThan(500);
      }
      const locate = await app.inject({ url: '/api/v1/grid/locate?lon=0&lat=-89.9999&crs=bd09' });
      expectErrorShape(locate, 400, 'GRID_ERR_BAD_POINT');
      const created = await post('/api/v1/cases', VALID_CASE);
      const moved = await post(`/api/v1/cases/${created.json().caseNumber}/actions`, {
        action: 'relocate',
        location: nearThePole,
      });
      expectErrorShape(moved, 400, 'GRID_ERR_BAD_POINT');
    });

    it('should answer 400 naming an unknown category', async () => {
      const response = await post('/api/v1/cases', { ...VALID_CASE, categoryCode: '999999' });
      expectErrorShape(response, 400, 'CATEGORY_ERR_UNKNOWN');
      expect(response.json().error.details.category).toBe('999999');
    });

    it('should answer 400 when there is neither a location nor an address', async () => {
      const { address: _address, ...withoutPlace } = VALID_CASE;
      expectErrorShape(await post('/api/v1/cases', withoutPlace), 400, 'CASE_ERR_MISSING_INPUT');
    });

    it('should answer 400 for text the database cannot store or that says nothing', async () => {
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, title: 'a\u0000b' }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, reporter: { phone: '1\u0000' } }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
      expectErrorShape(await post('/api/v1/cases', { ...VALID_CASE, title: '   ' }), 400, 'REQUEST_ERR_VALIDATION');
      expectErrorShape(
        await post('/api/v1/auth/sign-in', { username: 'dispatcher\u0000', password: 'x' }, {}),
        400,
        'REQUEST_ERR_VALIDATION',
      );
    });

    it('should answer 400 for a category that has subcategories: cases go on leaves', async () => {
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, categoryCode: '0102' }),
        400,
        'CATEGORY_ERR_NOT_LEAF',
      );
    });

    it('should answer 413 for an oversized body', async () => {
      const response = await post('/api/v1/cases', { ...VALID_CASE, description: 'x'.repeat(300 * 1024) });
      expectErrorShape(response, 413, 'REQUEST_ERR_TOO_LARGE');
    });

    it('should answer 400 for malformed JSON and 415 for a body that is not JSON', async () => {
      const malformed = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...dispatcher, 'content-type': 'application/json' },
        payload: '{"title": "unterminated',
      });
      expectErrorShape(malformed, 400, 'REQUEST_ERR_MALFORMED_JSON');
      const text = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...dispatcher, 'content-type': 'text/plain' },
        payload: 'hello',
      });
      expectErrorShape(text, 415, 'REQUEST_ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('should answer 403 when a role reports through a channel that is not its own', async () => {
      expectErrorShape(
        await post('/api/v1/cases', { ...VALID_CASE, channel: 'sensor' }),
        403,
        'CASE_ERR_CHANNEL_FORBIDDEN',
      );
    });
  });

  describe('reading cases', () => {
    it('should answer 400 for a cursor it did not give out', async () => {
      for (const cursor of ['garbage', 'eyJhIjoxfQ', Buffer.from('["not a date","x"]').toString('base64url'), '%%%']) {
        const response = await app.inject({
          url: `/api/v1/cases?cursor=${encodeURIComponent(cursor)}`,
          headers: dispatcher,
        });
        expectErrorShape(response, 400, 'REQUEST_ERR_BAD_CURSOR');
      }
    });

    it('should answer 400 for a well-formed cursor holding an instant the database cannot hold', async () => {
      const forge = (instant: string) =>
        Buffer.from(JSON.stringify([instant, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
      for (const instant of ['-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '0000-01-01T00:00:00Z']) {
        const response = await app.inject({ url: `/api/v1/cases?cursor=${forge(instant)}`, headers: dispatcher });
        expectErrorShape(response, 400, 'REQUEST_ERR_BAD_CURSOR');
      }
    });

    it('should answer 400 for bad filters and page sizes', async () => {
      for (const query of [
        'limit=0',
        'limit=1000',
        'limit=abc',
        'status=lost',
        'from=yesterday',
        'bodyId=not-a-uuid',
        'category=x',
        'to=2026-06-30T23:59:60Z',
        'from=0000-01-01T00:00:00Z',
        'q=a%00b',
      ]) {
        expectErrorShape(
          await app.inject({ url: `/api/v1/cases?${query}`, headers: dispatcher }),
          400,
          'REQUEST_ERR_VALIDATION',
        );
      }
    });

    it('should answer 404 for a case that does not exist and 400 for a malformed case number', async () => {
      expectErrorShape(
        await app.inject({ url: '/api/v1/cases/2026-999999', headers: dispatcher }),
        404,
        'CASE_ERR_NOT_FOUND',
      );
      expectErrorShape(
        await app.inject({ url: '/api/v1/cases/abc', headers: dispatcher }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
    });

    it('should answer a malformed or over-long URL in the one error shape', async () => {
      expectErrorShape(
        await app.inject({ url: '/api/v1/cases/%E0%A4%A', headers: dispatcher }),
        400,
        'REQUEST_ERR_BAD_URL',
      );
      const long = await app.inject({ url: `/api/v1/cases/2026-${'1'.repeat(500)}`, headers: dispatcher });
      expect(long.statusCode).toBeGreaterThanOrEqual(400);
      expect(long.statusCode).toBeLessThan(500);
      expect(long.json().error.code).toMatch(/^REQUEST_ERR_/);
    });

    it('should answer 404 for an unknown API route and 401 without a valid token', async () => {
      expectErrorShape(
        await app.inject({ url: '/api/v1/nothing-here', headers: dispatcher }),
        404,
        'ROUTE_ERR_NOT_FOUND',
      );
      expectErrorShape(await app.inject({ url: '/api/v1/cases' }), 401, 'AUTH_ERR_UNAUTHENTICATED');
      expectErrorShape(
        await app.inject({ url: '/api/v1/cases', headers: { authorization: 'Bearer forged' } }),
        401,
        'AUTH_ERR_UNAUTHENTICATED',
      );
      expectErrorShape(
        await app.inject({ url: '/api/v1/cases', headers: { authorization: 'Basic abc' } }),
        401,
        'AUTH_ERR_UNAUTHENTICATED',
      );
    });
  });

  describe('acting on a case', () => {
    it('should answer 409 naming the current status and the allowed next actions', async () => {
      const created = await post('/api/v1/cases', VALID_CASE);
      const caseNumber = created.json().caseNumber as string;
      const response = await post(`/api/v1/cases/${caseNumber}/actions`, { action: 'close' });
      expectErrorShape(response, 409, 'CASE_ERR_ILLEGAL_TRANSITION');
      expect(response.json().error.details).toMatchObject({
        action: 'close',
        currentStatus: 'reported',
        allowedActions: ['register', 'cancel', 'relocate', 'merge', 'answer'],
      });
    });

    it('should answer 400 for an unknown action, a missing note, an unknown body or a bad date', async () => {
      const caseNumber = (await post('/api/v1/cases', VALID_CASE)).json().caseNumber as string;
      const url = `/api/v1/cases/${caseNumber}/actions`;
      expectErrorShape(await post(url, { action: 'teleport' }), 400, 'REQUEST_ERR_VALIDATION');
      expectErrorShape(await post(url, { action: 'cancel' }), 400, 'CASE_ERR_MISSING_INPUT');
      await post(url, { action: 'register' });
      expectErrorShape(
        await post(url, { action: 'dispatch', bodyId: '00000000-0000-4000-8000-000000000000' }),
        400,
        'BODY_ERR_UNKNOWN',
      );
      expectErrorShape(
        await post(url, { action: 'suspend', note: 'wait', reviewDate: '31/12/2026' }),
        400,
        'REQUEST_ERR_VALIDATION',
      );
    });

    it('should answer 403 when the role may not take the action', async () => {
      const caseNumber = (await post('/api/v1/cases', VALID_CASE)).json().caseNumber as string;
      // The dispatcher sees the case, but accepting it is the handling body's to do.
      await post(`/api/v1/cases/${caseNumber}/actions`, { action: 'register' });
      await post(`/api/v1/cases/${caseNumber}/actions`, { action: 'dispatch' });
      const response = await post(`/api/v1/cases/${caseNumber}/actions`, { action: 'accept' });
      expectErrorShape(response, 403, 'CASE_ERR_FORBIDDEN');
    });
  });
});
