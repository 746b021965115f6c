import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import exifr from 'exifr';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distinctPhotos,
  emptyFile,
  executableDisguisedAsJpeg,
  htmlDisguisedAsJpeg,
  photoWithGps,
  pngBomb,
  resizedRecompressed,
  tinyPdf,
  truncatedJpeg,
} from '../../test/media-fixtures.ts';
import { sniffMediaType } from './inspect.ts';
import {
  distanceMetres,
  fromSignedBigint64,
  hammingDistance,
  perceptualHash,
  processPhoto,
  REUSE_MAX_DISTANCE,
  toSignedBigint64,
} from './photos.ts';
import { removeQuietly, spoolUpload } from './spool.ts';

const MAX_PIXELS = 50_000_000;
const MAX_BYTES = 20 * 1024 * 1024;
// 五一广场, 长沙; the capture time below is 09:15 on the city's clock.
const WUYI_SQUARE = { longitude: 112.976543, latitude: 28.194321 };
const TAKEN_AT = new Date('2026-11-30T01:15:00Z');
const FAST_CHECK_SEED = 20261203;

let fixtures: string;
let work: string;

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'media-fixtures-'));
  work = await mkdtemp(join(tmpdir(), 'media-work-'));
});

afterAll(async () => {
  await rm(fixtures, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** A fresh temp dir holding a copy of `file`, as the upload spool would leave it. */
async function uploaded(file: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(work, 'upload-'));
  const path = join(dir, basename(file));
  await copyFile(file, path);
  return { dir, path };
}

/** No trace of EXIF, GPS, XMP or an ICC profile, asked of sharp and of the bytes themselves. */
async function expectNoMetadata(path: string) {
  const metadata = await sharp(path).metadata();
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
  const bytes = (await readFile(path)).toString('latin1');
  for (const trace of ['Exif', 'EXIF', 'GPSLatitude', 'xmpmeta', 'ns.adobe.com', 'XMP ', 'CivicGrid']) {
    expect(bytes, `${basename(path)} contains ${trace}`).not.toContain(trace);
  }
}

describe('processPhoto', () => {
  it('keeps where and when a photo was taken, and nothing of it in the files it writes', async () => {
    const original = await photoWithGps(fixtures, { ...WUYI_SQUARE, takenAt: TAKEN_AT });
    const sent = await exifr.parse(original, { gps: true, xmp: true });
    expect(sent).toMatchObject({
      Make: 'CivicGrid',
      DateTimeOriginal: expect.any(Date),
      DateCreated: expect.any(String),
    });
    expect(sent.longitude).toBeCloseTo(WUYI_SQUARE.longitude, 6);
    expect(sent.latitude).toBeCloseTo(WUYI_SQUARE.latitude, 6);
    const { dir, path } = await uploaded(original);

    const photo = await processPhoto(path, { maxPixels: MAX_PIXELS });

    expect(photo.evidence.takenAt).toBe('2026-11-30T01:15:00.000Z');
    expect(photo.evidence.longitude).toBeCloseTo(WUYI_SQUARE.longitude, 5);
    expect(photo.evidence.latitude).toBeCloseTo(WUYI_SQUARE.latitude, 5);
    expect(photo.image).toMatchObject({ mediaType: 'image/jpeg', width: 1600, height: 1200 });
    for (const file of [photo.image, photo.thumbnail]) {
      const bytes = await readFile(file.path);
      expect(file.byteSize).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      await expectNoMetadata(file.path);
    }
    expect(await exifr.parse(photo.image.path, true)).toBeUndefined();
    expect(await exifr.parse(photo.image.path, { gps: true, xmp: true, icc: true, iptc: true })).toBeUndefined();
    expect(await sniffMediaType(photo.thumbnail.path)).toBe('image/webp');
    const thumbnail = await sharp(photo.thumbnail.path).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([320, 240]);
    expect((await readdir(dir)).sort()).toEqual(
      [basename(path), basename(photo.image.path), basename(photo.thumbnail.path)].sort(),
    );
  });

  it('reads a capture time at the offset the camera wrote, else on the city clock', async () => {
    const abroad = await photoWithGps(fixtures, {
      ...WUYI_SQUARE,
      takenAt: TAKEN_AT,
      utcOffset: '-03:30',
      width: 400,
      height: 300,
    });
    const photo = await processPhoto((await uploaded(abroad)).path, { maxPixels: MAX_PIXELS });
    expect(photo.evidence.takenAt).toBe(TAKEN_AT.toISOString());
  });

  it('turns a photo upright from its EXIF orientation', async () => {
    const sideways = await photoWithGps(fixtures, {
      ...WUYI_SQUARE,
      takenAt: TAKEN_AT,
      orientation: 6,
      width: 800,
      height: 600,
    });
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const photo = await processPhoto((await uploaded(sideways)).path, { maxPixels: MAX_PIXELS });
    expect([photo.image.width, photo.image.height]).toEqual([600, 800]);
    const written = await sharp(photo.image.path).metadata();
    expect([written.width, written.height, written.orientation]).toEqual([600, 800, undefined]);
    // Turned the way the tag says: the same picture as the original shown upright.
    expect(hammingDistance(photo.perceptualHash, await perceptualHash(sideways))).toBeLessThanOrEqual(2);
    await expectNoMetadata(photo.image.path);
  });

  it('scales a photo down to the longest edge, 2560 px unless told otherwise', async () => {
    const wide = await photoWithGps(fixtures, {
      ...WUYI_SQUARE,
      takenAt: TAKEN_AT,
      width: 3000,
      height: 1000,
      seed: 4,
    });
    const { path } = await uploaded(wide);
    const [byDefault, smaller] = await Promise.all([
      processPhoto(path, { maxPixels: MAX_PIXELS }),
      processPhoto(path, { maxPixels: MAX_PIXELS, maxEdge: 1500, thumbnailEdge: 100 }),
    ]);
    expect([byDefault.image.width, byDefault.image.height]).toEqual([2560, 853]);
    expect([smaller.image.width, smaller.image.height]).toEqual([1500, 500]);
    const thumbnail = await sharp(smaller.thumbnail.path).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([100, 33]);
  });

  it.each([
    ['image/png', 'png'],
    ['image/webp', 'webp'],
    ['image/avif', 'avif'],
  ] as const)(
    'keeps a %s photo in its format, with its evidence read and its metadata gone',
    async (mediaType, format) => {
      const jpeg = await photoWithGps(fixtures, {
        ...WUYI_SQUARE,
        takenAt: TAKEN_AT,
        width: 640,
        height: 480,
        seed: 5,
      });
      const converted = join(fixtures, `converted.${format}`);
      await sharp(jpeg)
        .keepExif()
        .keepXmp()
        .toFormat(format, format === 'png' ? {} : { effort: 0 })
        .toFile(converted);
      expect((await sharp(converted).metadata()).exif).toBeDefined();

      const photo = await processPhoto((await uploaded(converted)).path, { maxPixels: MAX_PIXELS });

      expect(photo.image.mediaType).toBe(mediaType);
      expect(await sniffMediaType(photo.image.path)).toBe(mediaType);
      expect(photo.evidence.takenAt).toBe(TAKEN_AT.toISOString());
      expect(photo.evidence.longitude).toBeCloseTo(WUYI_SQUARE.longitude, 5);
      expect(photo.evidence.latitude).toBeCloseTo(WUYI_SQUARE.latitude, 5);
      await expectNoMetadata(photo.image.path);
      await expectNoMetadata(photo.thumbnail.path);
    },
  );

  it('gives no evidence, and no error, for garbled EXIF or values no camera can mean', async () => {
    const jpeg = await readFile(
      await photoWithGps(fixtures, { ...WUYI_SQUARE, takenAt: TAKEN_AT, width: 400, height: 300 }),
    );
    const garbled = Buffer.from(jpeg);
    const tiffStart = garbled.indexOf('Exif\0\0') + 6;
    for (let i = tiffStart; i < tiffStart + 300; i++) garbled[i] = (i * 37) & 0xff;
    const garbledPath = join(fixtures, 'garbled-exif.jpg');
    await writeFile(garbledPath, garbled);
    const unset = join(fixtures, 'unset-clock.jpg');
    await sharp(jpeg)
      .withExif({
        IFD2: { DateTimeOriginal: '0000:00:00 00:00:00' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '0/1 0/1 0/1' },
      })
      .toFile(unset);

    for (const path of [garbledPath, unset]) {
      const photo = await processPhoto((await uploaded(path)).path, { maxPixels: MAX_PIXELS });
      expect(photo.evidence).toEqual({ takenAt: null, longitude: null, latitude: null });
    }
  });

  it.each([
    ['a JPEG cut in half', truncatedJpeg, 'MEDIA_ERR_DAMAGED', 422],
    [
      'a PNG declaring 30000×30000 pixels',
      (dir: string) => pngBomb(dir, 30_000, 30_000),
      'MEDIA_ERR_TOO_MANY_PIXELS',
      413,
    ],
  ])('refuses %s, writing nothing', async (_name, make, code, statusCode) => {
    const { dir, path } = await uploaded(await make(fixtures));
    await expect(processPhoto(path, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code, statusCode });
    expect(await readdir(dir)).toEqual([basename(path)]);
  });
});

describe('an upload from the stream to the kept photo', () => {
  /** What the HTTP layer does: spool, sniff, process, and remove the upload when any step refuses it. */
  async function receive(file: string, tempDir: string, maxBytes = MAX_BYTES) {
    const upload = await spoolUpload(createReadStream(file), { tempDir, maxBytes });
    try {
      if ((await sniffMediaType(upload.path)) !== 'application/pdf') {
        await processPhoto(upload.path, { maxPixels: MAX_PIXELS });
      }
    } finally {
      await removeQuietly(upload.path);
    }
  }

  it.each([
    ['an empty file', emptyFile, MAX_BYTES, 'MEDIA_ERR_EMPTY', 400],
    [
      'a photo over the size limit',
      (dir: string) => photoWithGps(dir, { ...WUYI_SQUARE, takenAt: TAKEN_AT }),
      100_000,
      'MEDIA_ERR_TOO_LARGE',
      413,
    ],
    ['an HTML page named .jpg', htmlDisguisedAsJpeg, MAX_BYTES, 'MEDIA_ERR_UNSUPPORTED_TYPE', 415],
    ['an executable named .jpg', executableDisguisedAsJpeg, MAX_BYTES, 'MEDIA_ERR_UNSUPPORTED_TYPE', 415],
    ['a JPEG cut in half', truncatedJpeg, MAX_BYTES, 'MEDIA_ERR_DAMAGED', 422],
    ['a PNG bomb', (dir: string) => pngBomb(dir, 30_000, 30_000), MAX_BYTES, 'MEDIA_ERR_TOO_MANY_PIXELS', 413],
    ['a PDF cut short', async (dir: string) => cutShort(await tinyPdf(dir)), MAX_BYTES, 'MEDIA_ERR_DAMAGED', 422],
  ])('refuses %s and leaves no temp file', async (_name, make, maxBytes, code, statusCode) => {
    const tempDir = join(await mkdtemp(join(work, 'spool-')), 'not-yet-made');
    await expect(receive(await make(fixtures), tempDir, maxBytes)).rejects.toMatchObject({ code, statusCode });
    expect(await readdir(tempDir)).toEqual([]);
  });

  async function cutShort(path: string) {
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 20));
    return path;
  }
});

describe('photo re-use', () => {
  it('finds the same photo, and copies of it scaled and re-compressed, within REUSE_MAX_DISTANCE', async () => {
    const hashOf = async (file: string) =>
      (await processPhoto((await uploaded(file)).path, { maxPixels: MAX_PIXELS })).perceptualHash;
    const copyDistances = await Promise.all(
      [11, 12, 13].map(async (seed) => {
        const original = await photoWithGps(fixtures, { ...WUYI_SQUARE, takenAt: TAKEN_AT, seed });
        const copies = await Promise.all([
          original,
          resizedRecompressed(original, join(fixtures, `half-${seed}.jpg`), { scale: 0.5, quality: 60 }),
          resizedRecompressed(original, join(fixtures, `shared-${seed}.webp`), { scale: 1280 / 1600, quality: 80 }),
        ]);
        const [originalHash, ...copyHashes] = await Promise.all(copies.map(hashOf));
        expect(await hashOf(original)).toBe(originalHash);
        return copyHashes.map((hash) => hammingDistance(hash!, originalHash!));
      }),
    ).then((distances) => distances.flat());
    console.info(
      `dHash distance of copies to their originals: ${copyDistances.join(', ')} (max ${Math.max(...copyDistances)}); REUSE_MAX_DISTANCE ${REUSE_MAX_DISTANCE}`,
    );
    expect(Math.max(...copyDistances)).toBeLessThanOrEqual(REUSE_MAX_DISTANCE);
  });

  it('tells 200 distinct photos apart: none of the 19,900 pairs is within REUSE_MAX_DISTANCE', async () => {
    const dir = await mkdtemp(join(work, 'distinct-'));
    const hashes = await Promise.all((await distinctPhotos(dir, 200, 1000)).map((path) => perceptualHash(path)));
    const distances: number[] = [];
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) distances.push(hammingDistance(hashes[i]!, hashes[j]!));
    }
    distances.sort((a, b) => a - b);
    const mean = distances.reduce((sum, d) => sum + d, 0) / distances.length;
    console.info(
      `dHash distance of ${distances.length} distinct pairs: closest ${distances.slice(0, 5).join(', ')}, mean ${mean.toFixed(1)}; REUSE_MAX_DISTANCE ${REUSE_MAX_DISTANCE}`,
    );
    expect(distances).toHaveLength(19_900);
    expect(distances[0]).toBeGreaterThan(REUSE_MAX_DISTANCE);
  });

  it('stores a hash in a signed 64-bit column and reads it back', () => {
    expect(toSignedBigint64(0xffff_ffff_ffff_ffffn)).toBe('-1');
    expect(toSignedBigint64(0x8000_0000_0000_0000n)).toBe('-9223372036854775808');
    expect(fromSignedBigint64('-1')).toBe(0xffff_ffff_ffff_ffffn);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b) => {
        const stored = toSignedBigint64(a);
        expect(BigInt(stored)).toBeGreaterThanOrEqual(-(2n ** 63n));
        expect(BigInt(stored)).toBeLessThan(2n ** 63n);
        expect(fromSignedBigint64(stored)).toBe(a);
        expect(hammingDistance(a, b)).toBe(hammingDistance(fromSignedBigint64(toSignedBigint64(b)), a));
        expect(hammingDistance(a, b)).toBe([...(a ^ b).toString(2)].filter((bit) => bit === '1').length);
      }),
      { seed: FAST_CHECK_SEED },
    );
  });
});

describe('distanceMetres', () => {
  it('measures along the great circle', () => {
    expect(distanceMetres({ longitude: 112.98, latitude: 28 }, { longitude: 112.98, latitude: 29 })).toBeCloseTo(
      111_195,
      0,
    );
    // One degree of longitude at 60° N is half of one at the equator.
    const atSixty = distanceMetres({ longitude: 10, latitude: 60 }, { longitude: 11, latitude: 60 });
    expect(atSixty / distanceMetres({ longitude: 10, latitude: 0 }, { longitude: 11, latitude: 0 })).toBeCloseTo(
      0.5,
      3,
    );
    expect(distanceMetres(WUYI_SQUARE, WUYI_SQUARE)).toBe(0);
  });
});
