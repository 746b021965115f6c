import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

interface Entry {
  seq: number;
  action: string;
  actorRole: string | null;
  actor: { username: string; displayName: string } | null;
  caseNumber: string | null;
  subjectId: string | null;
}

forEachDatabase("audit: the auditor's page", (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  let caseNumber: string;
  let mediaId: string;

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 10);
    ({ app, as } = await buildTestApp(database(), areas));
    const db = database().db;
    const held = await db
      .selectFrom('cases')
      .select(['id', 'case_number'])
      .orderBy('case_number')
      .executeTakeFirstOrThrow();
    caseNumber = held.case_number;
    const dispatcher = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'dispatcher')
      .executeTakeFirstOrThrow();
    // A photo of the case, so that moderating it is an entry about the case (the route names only the photo).
    const media = await db
      .insertInto('case_media')
      .values({
        case_id: held.id,
        stage: 'report',
        event_id: null,
        uploaded_by_user_id: dispatcher.id,
        media_type: 'image/jpeg',
        byte_size: 1,
        content_hash: 'a'.repeat(64),
        upload_hash: 'a'.repeat(64),
        thumbnail_hash: null,
        width: null,
        height: null,
        perceptual_hash: null,
        sealed_evidence: null,
        key_id: null,
        flags: JSON.stringify([]),
        moderated_by_user_id: null,
        moderated_at: null,
        moderation_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    mediaId = media.id;
    // Two changes by the dispatcher (whether or not the steps are allowed, each is an entry).
    await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/actions`,
      headers: await as('dispatcher'),
      payload: { action: 'register' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/v1/media/${mediaId}/publication`,
      headers: await as('dispatcher'),
      payload: { publication: 'hidden', reason: '含人脸' },
    });
  }, 180_000);

  const audit = async (query: string) => {
    const response = await app.inject({ url: `/api/v1/audit?${query}`, headers: await as('auditor') });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Entry[];
  };

  it('should name the person who acted and the case each change concerns', async () => {
    const entries = await audit('actor=dispatcher');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const entry of entries) {
      expect(entry.actor).toEqual({ username: 'dispatcher', displayName: '张调度 (12345)' });
      expect(entry.actorRole).toBe('dispatcher');
    }
    const step = entries.find((e) => e.action === 'case.act');
    expect(step?.caseNumber).toBe(caseNumber);
    const moderation = entries.find((e) => e.action === 'case.media.moderate');
    expect(moderation?.subjectId).toContain('/media/:id/publication');
    expect(moderation?.caseNumber).toBe(caseNumber);
  });

  it('should find a person by user name or by part of their display name, and filter by action', async () => {
    const byUsername = await audit('actor=dispatcher');
    const byName = await audit(`actor=${encodeURIComponent('张调度')}`);
    expect(byName.map((e) => e.seq)).toEqual(byUsername.map((e) => e.seq));
    const steps = await audit(`actor=${encodeURIComponent('张调度')}&action=case.act`);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((e) => e.action === 'case.act' && e.actor?.username === 'dispatcher')).toBe(true);
    expect(await audit('actor=nobody-by-this-name')).toEqual([]);
    // LIKE's wildcards are taken as they are written: "%" names nobody.
    expect(await audit(`actor=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('should filter by period, and refuse a period that ends before it starts', async () => {
    const all = await audit('actor=dispatcher');
    expect(await audit(`actor=dispatcher&from=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).toEqual(all);
    expect(await audit(`actor=dispatcher&to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).toEqual([]);
    const backwards = await app.inject({
      url: '/api/v1/audit?from=2026-05-02T00:00:00%2B08:00&to=2026-05-01T00:00:00%2B08:00',
      headers: await as('auditor'),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.code).toBe('AUDIT_ERR_RANGE');
    const notADate = await app.inject({ url: '/api/v1/audit?from=yesterday', headers: await as('auditor') });
    expect(notADate.statusCode).toBe(400);
  });

  it('should leave the system nameless: its entries have no person', async () => {
    const entries = await audit('limit=500');
    const sweeps = entries.filter((e) => e.actorRole === null);
    for (const entry of sweeps) expect(entry.actor).toBeNull();
    // Every entry by a signed-in person names them.
    expect(entries.filter((e) => e.actorRole && e.actorRole !== 'operator').every((e) => e.actor !== null)).toBe(true);
  });
});
