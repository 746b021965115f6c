/**
 * Photos through the loop over HTTP: metadata gone from what is stored, evidence kept sealed and flags
 * raised, bad uploads refused leaving nothing behind, re-used photos caught, the category's evidence
 * rules on handling and verification, access exactly as the case's, replayed uploads, and retention.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, DEMO_NOW, keyringOf, loadSmallDemoCity } from '../../test/demo-city.ts';
import {
  emptyFile,
  executableDisguisedAsJpeg,
  htmlDisguisedAsJpeg,
  photoWithGps,
  pngBomb,
  resizedRecompressed,
  tinyPdf,
  truncatedJpeg,
} from '../../test/media-fixtures.ts';
import { multipartUpload } from '../../test/multipart.ts';
import { DEFAULT_MEDIA_LIMITS } from '../http/app.ts';
import { actorForUsername, createCategory, createHandlingBody, createUser } from '../organizations/index.ts';
import { runMediaRetentionSweep } from './media-retention.ts';
import { fileMediaStore } from './media-store.ts';

const CASE_POINT = { longitude: 112.99, latitude: 28.195 };
/** About 2 km north of the case. */
const TWO_KM_NORTH = { longitude: 112.99, latitude: 28.213 };
const MAX_FILE_BYTES = 3 * 1024 * 1024;

forEachDatabase('media on cases', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicgrid-media-test-'));
  const fixtures = path.join(dir, 'fixtures');
  const tempDir = path.join(dir, 'uploads');
  const store = fileMediaStore(path.join(dir, 'store'));
  fs.mkdirSync(fixtures);

  beforeAll(async () => {
    const { db } = database();
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(
      database(),
      areas,
      undefined,
      {},
      {
        store,
        tempDir,
        limits: { ...DEFAULT_MEDIA_LIMITS, maxFileBytes: MAX_FILE_BYTES },
      },
    ));
    const admin = (await actorForUsername(db, 'admin'))!;
    const body = await createHandlingBody(db, admin, {
      code: 'evidence-body',
      nameZh: '证据测试单位',
      nameEn: 'Evidence fixture body',
      type: 'government_department',
    });
    await createUser(db, admin, {
      username: 'handler.evidence',
      displayName: 'Evidence handler',
      role: 'handler',
      handlingBodyId: body.id,
    });
    await createCategory(db, admin, { code: '98', nameZh: '证据', nameEn: 'Evidence' });
    await createCategory(db, admin, { code: '9801', nameZh: '证据类', nameEn: 'Evidence kind' });
    await createCategory(db, admin, {
      code: '980101',
      nameZh: '证据小类',
      nameEn: 'Evidence leaf',
      defaultBodyId: body.id,
      responseLimitHours: 2,
      handlingLimitDays: 2,
    });
    await db
      .updateTable('categories')
      .set({ after_photo_required: true, verification_photo_required: true })
      .where('code', '=', '980101')
      .execute();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const report = async (title: string, username = 'gridworker') => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as(username),
      payload: {
        title,
        description: `${title}，请处理`,
        categoryCode: '980101',
        location: CASE_POINT,
        channel: username === 'citizen' ? 'web' : 'grid_patrol',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().caseNumber as string;
  };

  const act = async (username: string, caseNumber: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/v1/cases/${caseNumber}/actions`, headers: await as(username), payload });

  const upload = async (
    username: string,
    caseNumber: string,
    stage: string | null,
    files: string[],
    headers: Record<string, string> = {},
  ) => {
    const { contentType, payload } = await multipartUpload(stage, files);
    return app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/media`,
      headers: { ...(await as(username)), 'content-type': contentType, ...headers },
      payload,
    });
  };

  const rowCount = async () =>
    Number(
      (
        await database()
          .db.selectFrom('case_media')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const storedKeys = async () => {
    const keys: string[] = [];
    for await (const key of store.keys()) keys.push(key);
    return keys.sort();
  };
  const tempFiles = () => (fs.existsSync(tempDir) ? fs.readdirSync(tempDir) : []);

  let first: string;
  let firstPhoto: string;

  it('stores a photo without any metadata, keeps where and when it was taken sealed, and flags it 2 km off', async () => {
    first = await report('井盖缺失');
    firstPhoto = await photoWithGps(fixtures, { ...TWO_KM_NORTH, takenAt: new Date(DEMO_NOW.getTime() - 3_600_000) });
    expect((await exifr.gps(firstPhoto))?.latitude).toBeCloseTo(TWO_KM_NORTH.latitude, 5);

    const response = await upload('gridworker', first, 'report', [firstPhoto]);
    expect(response.statusCode, response.body).toBe(201);
    const [item] = response.json().items;
    expect(item).toMatchObject({ stage: 'report', mediaType: 'image/jpeg', eventSeq: 1, publication: 'pending' });
    expect(item.evidence.latitude).toBeCloseTo(TWO_KM_NORTH.latitude, 5);
    expect(item.evidence.longitude).toBeCloseTo(TWO_KM_NORTH.longitude, 5);
    expect(new Date(item.evidence.takenAt).getTime()).toBe(DEMO_NOW.getTime() - 3_600_000);
    expect(item.flags).toEqual([{ kind: 'far_from_case', distanceMetres: expect.any(Number) }]);
    expect(item.flags[0].distanceMetres).toBeGreaterThan(1900);

    // The stored original and thumbnail, read back as the console gets them: no EXIF, XMP or GPS at all.
    const original = await app.inject({ url: item.url, headers: await as('dispatcher') });
    expect(original.statusCode).toBe(200);
    expect(await exifr.parse(original.rawPayload, { tiff: true, xmp: true, gps: true, exif: true })).toBeUndefined();
    expect(await exifr.gps(original.rawPayload)).toBeUndefined();
    // exifr reads no WebP: the thumbnail's own reader (libvips) is asked, and its chunks looked through.
    const thumbnail = await app.inject({ url: item.thumbnailUrl, headers: await as('dispatcher') });
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    const { exif, xmp, iptc } = await sharp(thumbnail.rawPayload).metadata();
    expect({ exif, xmp, iptc }).toEqual({ exif: undefined, xmp: undefined, iptc: undefined });
    for (const bytes of [original.rawPayload, thumbnail.rawPayload]) {
      expect(bytes.includes(Buffer.from('http://ns.adobe.com/xap/1.0/'))).toBe(false);
      expect(bytes.includes(Buffer.from('Exif\0\0'))).toBe(false);
      expect(bytes.includes(Buffer.from('EXIF'))).toBe(false);
    }
    // Nothing in clear in the row either: the evidence is sealed.
    const row = await database().db.selectFrom('case_media').selectAll().executeTakeFirstOrThrow();
    expect(row.sealed_evidence).toMatch(/^v1\./);
    expect(row.sealed_evidence).not.toContain('28.2');
    expect(tempFiles()).toEqual([]);
  });

  it('shows a photo exactly where its case is seen: never to another body or another citizen', async () => {
    const { items } = (
      await app.inject({ url: `/api/v1/cases/${first}/media`, headers: await as('dispatcher') })
    ).json();
    const id = items[0].id;
    for (const username of ['citizen', 'handler.evidence']) {
      expect((await app.inject({ url: `/api/v1/media/${id}`, headers: await as(username) })).statusCode).toBe(404);
      expect((await app.inject({ url: `/api/v1/cases/${first}/media`, headers: await as(username) })).statusCode).toBe(
        404,
      );
    }
    expect((await app.inject({ url: `/api/v1/media/${id}` })).statusCode).toBe(401);
    const served = await app.inject({ url: `/api/v1/media/${id}`, headers: await as('gridworker') });
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('no-store');
  });

  it('refuses bad uploads with a clear 4xx each, leaving no row, no stored file and no temp file', async () => {
    const rowsBefore = await rowCount();
    const keysBefore = await storedKeys();
    const big = path.join(fixtures, 'big.jpg');
    fs.writeFileSync(big, Buffer.concat([fs.readFileSync(firstPhoto), Buffer.alloc(MAX_FILE_BYTES)]));
    const photo = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, width: 400, height: 300, seed: 7 });
    const raw = async (contentType: string, payload: Buffer) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cases/${first}/media`,
        headers: { ...(await as('gridworker')), 'content-type': contentType },
        payload,
      });
    /** A well-formed upload cut short: at a share of its length, or after so many bytes. */
    const cut = async (at: number) => {
      const { contentType, payload } = await multipartUpload('report', [photo]);
      return raw(contentType, payload.subarray(0, at < 1 ? Math.floor(payload.length * at) : at));
    };
    const cases: [string, () => Promise<Awaited<ReturnType<typeof upload>>>, number, string][] = [
      [
        'HTML named .jpg',
        async () => upload('gridworker', first, 'report', [await htmlDisguisedAsJpeg(fixtures)]),
        415,
        'MEDIA_ERR_UNSUPPORTED_TYPE',
      ],
      [
        'an executable named .jpg',
        async () => upload('gridworker', first, 'report', [await executableDisguisedAsJpeg(fixtures)]),
        415,
        'MEDIA_ERR_UNSUPPORTED_TYPE',
      ],
      [
        'a truncated JPEG',
        async () => upload('gridworker', first, 'report', [await truncatedJpeg(fixtures)]),
        422,
        'MEDIA_ERR_DAMAGED',
      ],
      [
        'a 30,000 × 30,000 PNG',
        async () => upload('gridworker', first, 'report', [await pngBomb(fixtures, 30_000, 30_000)]),
        413,
        'MEDIA_ERR_TOO_MANY_PIXELS',
      ],
      [
        '0 bytes',
        async () => upload('gridworker', first, 'report', [await emptyFile(fixtures)]),
        400,
        'MEDIA_ERR_EMPTY',
      ],
      ['over the size limit', async () => upload('gridworker', first, 'report', [big]), 413, 'MEDIA_ERR_TOO_LARGE'],
      [
        'too many files',
        async () => upload('gridworker', first, 'report', Array(9).fill(photo)),
        413,
        'MEDIA_ERR_TOO_MANY_FILES',
      ],
      [
        'a stage the case is not at',
        async () => upload('gridworker', first, 'verification', [photo]),
        409,
        'MEDIA_ERR_WRONG_STAGE',
      ],
      [
        'a case the uploader cannot see',
        async () => upload('citizen', first, 'report', [photo]),
        404,
        'CASE_ERR_NOT_FOUND',
      ],
      ['no stage', async () => upload('gridworker', first, null, [photo]), 400, 'MEDIA_ERR_BAD_FORM'],
      ['no file', async () => upload('gridworker', first, 'report', []), 400, 'MEDIA_ERR_BAD_FORM'],
      [
        'multipart without a boundary',
        async () => raw('multipart/form-data', Buffer.from('x')),
        400,
        'MEDIA_ERR_BAD_FORM',
      ],
      ['a body cut off in a file', async () => cut(0.5), 400, 'MEDIA_ERR_BAD_FORM'],
      ['a body cut off in a field', async () => cut(60), 400, 'MEDIA_ERR_BAD_FORM'],
      [
        'not multipart',
        async () =>
          app.inject({
            method: 'POST',
            url: `/api/v1/cases/${first}/media`,
            headers: await as('gridworker'),
            payload: { stage: 'report' },
          }),
        400,
        'MEDIA_ERR_BAD_FORM',
      ],
    ];
    for (const [what, send, status, code] of cases) {
      const response = await send();
      expect(response.statusCode, `${what}: ${response.body}`).toBe(status);
      expect(response.json().error.code, what).toBe(code);
      expect(response.json().error.message, what).not.toMatch(/at .*\.ts:|stack/i);
      expect(tempFiles(), what).toEqual([]);
    }
    expect(await rowCount()).toBe(rowsBefore);
    expect(await storedKeys()).toEqual(keysBefore);
  });

  it('takes a PDF document as it is, and serves it for download only', async () => {
    const response = await upload('gridworker', first, 'report', [await tinyPdf(fixtures)]);
    expect(response.statusCode, response.body).toBe(201);
    const [item] = response.json().items;
    expect(item).toMatchObject({ mediaType: 'application/pdf', thumbnailUrl: null, evidence: null });
    const file = await app.inject({ url: item.url, headers: await as('gridworker') });
    expect(file.headers['content-disposition']).toBe('attachment');
    expect(file.headers['content-security-policy']).toContain('sandbox');
  });

  it('flags one photo sent for two cases, and a resized, re-compressed copy of it', async () => {
    const second = await report('井盖缺失（又一处）');
    const same = (await upload('gridworker', second, 'report', [firstPhoto])).json().items[0];
    expect(same.flags).toContainEqual({ kind: 'reused', caseNumber: first, distance: 0 });

    const third = await report('路面坑洼');
    const copy = await resizedRecompressed(firstPhoto, path.join(fixtures, 'copy.jpg'), { scale: 0.5, quality: 60 });
    const copied = (await upload('gridworker', third, 'report', [copy])).json().items[0];
    expect(copied.flags).toContainEqual(expect.objectContaining({ kind: 'reused' }));

    const fresh = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 99 });
    const fourth = await report('垃圾堆放');
    const distinct = (await upload('gridworker', fourth, 'report', [fresh])).json().items[0];
    expect(distinct.flags).toEqual([]);
    // A citizen is never told of another case.
    expect(distinct.evidence).not.toBeNull();
  });

  it('replays an upload sent again with its Idempotency-Key, storing it once', async () => {
    const caseNumber = await report('占道经营');
    const photo = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 21 });
    const headers = { 'idempotency-key': 'upload-retry-1' };
    const once = await upload('gridworker', caseNumber, 'report', [photo], headers);
    const again = await upload('gridworker', caseNumber, 'report', [photo], headers);
    expect(once.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // The first answer again, without what may be personal (where the photo was taken): a retry reads
    // that afresh if it needs it.
    expect(again.json()).toEqual({ items: once.json().items.map((i: object) => ({ ...i, evidence: null })) });
    const listed = (
      await app.inject({ url: `/api/v1/cases/${caseNumber}/media`, headers: await as('gridworker') })
    ).json();
    expect(listed.items).toHaveLength(1);
    const other = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 22 });
    expect((await upload('gridworker', caseNumber, 'report', [other], headers)).statusCode).toBe(422);
    // The case moved on meanwhile (report photos are no longer taken): a late retry still gets its answer.
    for (const step of [{ action: 'register' }, { action: 'dispatch' }]) {
      expect((await act('dispatcher', caseNumber, step)).statusCode).toBe(200);
    }
    expect((await act('handler.evidence', caseNumber, { action: 'accept' })).statusCode).toBe(200);
    const late = await upload('gridworker', caseNumber, 'report', [photo], headers);
    expect(late.statusCode, late.body).toBe(201);
    expect(late.headers['idempotent-replayed']).toBe('true');
    expect((await upload('gridworker', caseNumber, 'report', [photo])).statusCode).toBe(409);
  });

  it('refuses handling without the photo after it and a grid worker’s verification without its photo, naming what is missing', async () => {
    for (const step of [{ action: 'register' }, { action: 'dispatch' }]) {
      expect((await act('dispatcher', first, step)).statusCode).toBe(200);
    }
    expect((await act('handler.evidence', first, { action: 'accept' })).statusCode).toBe(200);
    const before = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 31 });
    expect((await upload('handler.evidence', first, 'before', [before])).statusCode).toBe(201);

    const refused = await act('handler.evidence', first, { action: 'handle', note: '已补装井盖' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'MEDIA_ERR_EVIDENCE_MISSING' });
    expect(refused.json().error.message).toContain('处置后照片');
    // Only the assigned body's handler may add handling photos.
    const after = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 32 });
    expect((await upload('gridworker', first, 'after', [after])).statusCode).toBe(403);
    expect((await upload('handler.evidence', first, 'after', [after])).statusCode).toBe(201);
    expect((await act('handler.evidence', first, { action: 'handle', note: '已补装井盖' })).statusCode).toBe(200);

    const noPhoto = await act('gridworker', first, { action: 'verify_pass' });
    expect(noPhoto.statusCode).toBe(409);
    expect(noPhoto.json().error.message).toContain('核查照片');
    const check = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 33 });
    expect((await upload('gridworker', first, 'verification', [check])).statusCode).toBe(201);
    expect((await act('gridworker', first, { action: 'verify_pass' })).statusCode).toBe(200);

    // Each step's photos are filed under it in the history.
    const { items } = (
      await app.inject({ url: `/api/v1/cases/${first}/media`, headers: await as('dispatcher') })
    ).json();
    const detail = (await app.inject({ url: `/api/v1/cases/${first}`, headers: await as('dispatcher') })).json();
    const seqOf = (action: string) => detail.events.find((e: { action: string }) => e.action === action).seq;
    const stages = Object.fromEntries(items.map((i: { stage: string; eventSeq: number }) => [i.stage, i.eventSeq]));
    expect(stages).toMatchObject({
      before: seqOf('handle'),
      after: seqOf('handle'),
      verification: seqOf('verify_pass'),
    });
    // Verified: verification photos are no longer taken.
    const late = await upload('gridworker', first, 'verification', [check]);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain('handled');
  });

  it('removes the photos of cases past retention, and their files', async () => {
    expect((await act('dispatcher', first, { action: 'close' })).statusCode).toBe(200);
    const keysBefore = await storedKeys();
    const later = new Date(DEMO_NOW.getTime() + 400 * 86_400_000);
    const swept = await runMediaRetentionSweep(
      { db: database().db, store, keyring: keyringOf(database()) },
      later,
      365,
    );
    expect(swept.media).toBeGreaterThan(0);
    const left = await database()
      .db.selectFrom('case_media')
      .innerJoin('cases', 'cases.id', 'case_media.case_id')
      .select('cases.case_number')
      .execute();
    expect(left.map((r) => r.case_number)).not.toContain(first);
    expect((await storedKeys()).length).toBeLessThan(keysBefore.length);
    // The other cases' files are all still there.
    const rows = await database().db.selectFrom('case_media').select(['content_hash', 'thumbnail_hash']).execute();
    const keys = new Set(await storedKeys());
    for (const row of rows) {
      expect(keys.has(row.content_hash)).toBe(true);
      if (row.thumbnail_hash) expect(keys.has(row.thumbnail_hash)).toBe(true);
    }
  });

  it('removes the photos a person uploaded once their data is erased', async () => {
    const caseNumber = await report('楼道堆放杂物', 'citizen');
    const photo = await photoWithGps(fixtures, { ...CASE_POINT, takenAt: DEMO_NOW, seed: 41 });
    expect((await upload('citizen', caseNumber, 'report', [photo])).statusCode).toBe(201);
    const { db } = database();
    const sweep = () => runMediaRetentionSweep({ db, store, keyring: keyringOf(database()) }, DEMO_NOW, 365);
    expect((await sweep()).media).toBe(0);
    // What the erasure of a data-rights request leaves (privacy/data-rights.ts erasePerson): the person anonymised.
    await db
      .updateTable('persons')
      .set({ anonymised_at: DEMO_NOW })
      .where('id', '=', (eb) => eb.selectFrom('users').select('person_id').where('username', '=', 'citizen'))
      .execute();
    expect((await sweep()).media).toBe(1);
    const listed = await app.inject({ url: `/api/v1/cases/${caseNumber}/media`, headers: await as('dispatcher') });
    expect(listed.json().items).toEqual([]);
  });
});

describe('the upload stages', () => {
  it('covers every stage with a rule', async () => {
    const { stagesOfStep } = await import('./stage-rules.ts');
    expect(stagesOfStep('handle')).toEqual(['before', 'after']);
    expect(stagesOfStep('verify_fail')).toEqual(['verification']);
    expect(stagesOfStep('reopen')).toEqual(['citizen']);
    expect(stagesOfStep('register')).toEqual([]);
  });
});
