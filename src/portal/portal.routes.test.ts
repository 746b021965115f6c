import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

/**
 * The portal's public reads (filters, nearby first, track by number with public steps, feeds) and its
 * one write, "me too". What a resident's report goes through is tested with the cases' routes.
 */
forEachDatabase('the public portal', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const point = { longitude: 112.9901, latitude: 28.1951 };

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 12);
    ({ app, as } = await buildTestApp(database(), areas));
  }, 120_000);

  async function reportAndRegister(title: string, at = point, user = 'citizen', categoryCode = '010204') {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as(user),
      payload: { title, description: `${title}，请处理`, categoryCode, location: at },
    });
    expect(created.statusCode, created.body).toBe(201);
    const caseNumber = created.json().caseNumber as string;
    const registered = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'register' },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    return caseNumber;
  }

  describe('nearby and filters', () => {
    it('should list open published cases near a point, nearest first, with the distance to the rounded point', async () => {
      const near = await reportAndRegister('井盖松动', { longitude: 112.9903, latitude: 28.1952 });
      const farther = await reportAndRegister('路灯不亮', { longitude: 112.9925, latitude: 28.196 });
      const away = await reportAndRegister('远处的问题', { longitude: 113.05, latitude: 28.25 });
      const answer = await app.inject({
        url: `/api/v1/public/cases/nearby?longitude=${point.longitude}&latitude=${point.latitude}&radiusMetres=500`,
      });
      expect(answer.statusCode, answer.body).toBe(200);
      const numbers = answer.json().map((c: { caseNumber: string }) => c.caseNumber);
      expect(numbers.indexOf(near)).toBeGreaterThanOrEqual(0);
      expect(numbers.indexOf(near)).toBeLessThan(numbers.indexOf(farther));
      expect(numbers).not.toContain(away);
      const distances = answer.json().map((c: { distanceMetres: number }) => c.distanceMetres);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    });

    it('should filter the list by category, area and open or closed, and refuse a malformed filter', async () => {
      const caseNumber = await reportAndRegister('按类别筛选', point, 'citizen', '010204');
      const byCategory = await app.inject({ url: '/api/v1/public/cases?category=0102&limit=200' });
      expect(byCategory.json().map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);
      for (const c of byCategory.json()) expect(c.category.code.startsWith('0102')).toBe(true);
      const otherCategory = await app.inject({ url: '/api/v1/public/cases?category=09&limit=200' });
      expect(otherCategory.body).not.toContain(caseNumber);
      const closed = await app.inject({ url: '/api/v1/public/cases?state=closed&limit=200' });
      for (const c of closed.json()) expect(c.status).toBe('closed');
      const open = await app.inject({ url: '/api/v1/public/cases?state=open&limit=200' });
      expect(open.body).toContain(caseNumber);
      const gridCode = (await app.inject({ url: `/api/v1/public/cases/${caseNumber}` })).json().gridCode as string;
      const byArea = await app.inject({ url: `/api/v1/public/cases?area=${gridCode.slice(0, 6)}&limit=200` });
      expect(byArea.body).toContain(caseNumber);
      for (const bad of ['state=all', 'area=%27%3B--', 'category=a%25']) {
        const refused = await app.inject({ url: `/api/v1/public/cases?${bad}` });
        expect(refused.statusCode, bad).toBe(400);
      }
    });
  });

  describe('places', () => {
    it('should place an address in the area the gazetteer names, and say so when it names none', async () => {
      const found = await app.inject({ url: `/api/v1/public/places?q=${encodeURIComponent('芙蓉区五一大道')}` });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.json().placement).toMatchObject({
        areaCode: expect.stringMatching(/^430102/),
        nameZh: expect.any(String),
      });
      expect(found.json().placement.evidence.join()).toContain('芙蓉');
      const none = await app.inject({ url: '/api/v1/public/places?q=somewhere' });
      expect(none.json()).toEqual({ placement: null });
      expect((await app.inject({ url: '/api/v1/public/places?q=' })).statusCode).toBe(400);
    });
  });

  describe('me too', () => {
    it('should count one support per resident, not the reporter’s own, and refuse without a sign-in', async () => {
      const caseNumber = await reportAndRegister('人行道破损');
      const support = async (user?: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/public/cases/${caseNumber}/support`,
          headers: user ? await as(user) : {},
        });
      expect((await support()).statusCode).toBe(401);
      expect((await support('citizen')).json()).toEqual({ meTooCount: 0, counted: false });
      expect((await support('citizen2')).json()).toEqual({ meTooCount: 1, counted: true });
      expect((await support('citizen2')).json()).toEqual({ meTooCount: 1, counted: false });
      expect((await support('dispatcher')).statusCode).toBe(403);
      const shown = await app.inject({ url: `/api/v1/public/cases/${caseNumber}` });
      expect(shown.json().meTooCount).toBe(1);
      const audit = await app.inject({ url: '/api/v1/audit?limit=50', headers: await as('auditor') });
      if (audit.statusCode === 200) expect(audit.body).toContain('case.support');
    });

    it('should not let anyone support an unpublished case, nor learn that it exists', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: await as('citizen'),
        payload: { title: '尚未立案', description: '尚未立案', categoryCode: '010204', location: point },
      });
      const caseNumber = created.json().caseNumber as string;
      const support = await app.inject({
        method: 'POST',
        url: `/api/v1/public/cases/${caseNumber}/support`,
        headers: await as('citizen2'),
      });
      expect(support.statusCode).toBe(404);
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/public/cases/2026-999999/support',
        headers: await as('citizen2'),
      });
      expect(support.json().error.message).toBe(unknown.json().error.message.replace('2026-999999', caseNumber));
    });
  });

  describe('tracking and feeds', () => {
    it('should show the public steps with the handling body’s reply masked, and no staff names', async () => {
      const caseNumber = await reportAndRegister('垃圾未清运');
      const shown = await app.inject({ url: `/api/v1/public/cases/${caseNumber}` });
      expect(shown.statusCode, shown.body).toBe(200);
      const steps = shown.json().steps.map((s: { action: string }) => s.action);
      expect(steps).toEqual(['report', 'register']);
      expect(shown.json().photos).toEqual([]);
      expect(shown.body).not.toContain('displayName');
    });

    it('should give Atom and RSS feeds of an area with every text escaped for the reader', async () => {
      const caseNumber = await reportAndRegister('<script>alert(1)</script>路面塌陷');
      for (const format of ['atom', 'rss']) {
        const feed = await app.inject({ url: `/api/v1/public/feeds/cases.${format}?category=0102` });
        expect(feed.statusCode, feed.body).toBe(200);
        expect(feed.headers['content-type']).toContain(
          format === 'atom' ? 'application/atom+xml' : 'application/rss+xml',
        );
        expect(feed.body).toContain(caseNumber);
        expect(feed.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(feed.body).not.toContain('<script>');
      }
      const english = await app.inject({ url: '/api/v1/public/feeds/cases.atom?lang=en' });
      expect(english.body).toContain('Registered');
      expect((await app.inject({ url: '/api/v1/public/feeds/cases.json' })).statusCode).toBe(400);
    });
  });
});
