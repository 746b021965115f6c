import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import exifr from 'exifr';
import sharp, { type FailOnOptions, type Metadata, type Sharp } from 'sharp';

// Every upload is a new file: libvips' operation cache would only hold memory (sharp turns it on when it
// is imported, so it is turned off here, after the import).
sharp.cache(false);

import { defineError } from '../lib/app-error.ts';
import { damagedFile, unsupportedType } from './inspect.ts';
import type { MediaType } from './media.tables.ts';
import { removeQuietly } from './spool.ts';

export type PhotoType = Exclude<MediaType, 'application/pdf'>;

export const tooManyPixels = defineError(
  'MEDIA_ERR_TOO_MANY_PIXELS',
  413,
  (width: number, height: number, maxPixels: number) => ({
    message: `The photo is ${width}×${height} pixels (${megapixels(width * height)} MP); at most ${megapixels(maxPixels)} MP are accepted`,
    details: { width, height, maxPixels },
  }),
);

export interface PhotoOptions {
  /** Width × height above which a photo is refused before it is decoded (a decompression bomb). */
  maxPixels: number;
  /** The longest edge of the kept image; larger photos are scaled down. */
  maxEdge?: number;
  thumbnailEdge?: number;
}

export interface WrittenFile {
  /** A temp file next to the input: the caller moves it into storage or removes it. */
  path: string;
  byteSize: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
}

/** Where and when the photo says it was taken, read from its EXIF before the metadata is dropped. */
export interface PhotoEvidence {
  /** ISO 8601, UTC. */
  takenAt: string | null;
  /** WGS-84, as GPS receivers give it. */
  longitude: number | null;
  latitude: number | null;
}

export interface ProcessedPhoto {
  image: WrittenFile & { mediaType: PhotoType; width: number; height: number };
  thumbnail: WrittenFile;
  evidence: PhotoEvidence;
  /** 64-bit dHash of the kept image, unsigned. */
  perceptualHash: bigint;
}

/**
 * The Hamming distance between two dHashes at or under which two photos count as the same picture.
 * Measured on synthetic street scenes (src/media/photos.test.ts prints its own numbers on every run):
 * copies scaled to 50 % and re-compressed at JPEG quality 60, or shared as 1280 px WebP, were at most 3
 * bits from their original (120 copies of 40 photos); the closest of 19,900 pairs of distinct photos were
 * 14 bits apart. 8 sits in the middle of that gap: 5 bits of room for heavier edits (filters, a border),
 * 6 before the closest distinct pair. Two random 64-bit hashes come within 8 bits once in 3.6 × 10^9 pairs;
 * real photos share more (sky above, street below), and a match only flags the photo for a person to look
 * at, so a wrong one costs a glance.
 */
export const REUSE_MAX_DISTANCE = 8;

// 'error' refuses images that cannot be decoded whole (cut short, corrupt), while the stricter 'warning'
// would also refuse the benign libjpeg warnings some phone cameras trigger ("extraneous bytes before marker").
const FAIL_ON: FailOnOptions = 'error';
// EXIF times are the camera's wall clock with no zone. Cameras in the city are on Asia/Shanghai time, which has
// kept UTC+8 with no daylight saving since 1991, so a fixed offset is exact.
const CITY_UTC_OFFSET_MINUTES = 8 * 60;
const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

const ENCODERS: Record<PhotoType, { extension: string; encode: (image: Sharp) => Sharp }> = {
  // mozjpeg makes a third smaller files than plain libjpeg at the same quality, for 0.4 s more a photo here.
  'image/jpeg': { extension: 'jpg', encode: (image) => image.jpeg({ quality: 82, mozjpeg: true }) },
  'image/png': { extension: 'png', encode: (image) => image.png() },
  // Effort 2 gave the same size as the default 4 in a third of the time (0.3 s for 2560×1920 here).
  'image/webp': { extension: 'webp', encode: (image) => image.webp({ quality: 80, effort: 2 }) },
  // The default effort 4 took 10 s for a 2560×1920 photo here; effort 0 takes 0.35 s, at twice the size.
  'image/avif': { extension: 'avif', encode: (image) => image.avif({ quality: 50, effort: 0 }) },
};

/**
 * AVIF is decoded whole, not in strips: a 2 kB file declaring 100 MP took 1.9 GB and 7 s to decode here.
 * A phone's AVIF photo is 12 MP; 16 MP keeps one decode near 300 MB.
 */
const AVIF_MAX_PIXELS = 16_000_000;

/**
 * Makes an uploaded photo safe to keep and show: refuses decompression bombs before decoding, reads where
 * and when it was taken, then re-encodes it upright, at most `maxEdge` px, in its own format and with no
 * metadata at all (EXIF, GPS, XMP, ICC: a photo shown to the public must not say where the reporter
 * lives); and makes a WebP thumbnail and a perceptual hash to spot a photo used again. Files the decoder
 * cannot read whole are refused as damaged.
 */
export async function processPhoto(path: string, options: PhotoOptions): Promise<ProcessedPhoto> {
  const { maxPixels, maxEdge = 2560, thumbnailEdge = 320 } = options;
  const header = await readHeader(path);
  const mediaType = photoTypeOf(header);
  const limit = mediaType === 'image/avif' ? Math.min(maxPixels, AVIF_MAX_PIXELS) : maxPixels;
  if (header.width * header.height > limit) throw tooManyPixels(header.width, header.height, limit);
  const evidence = await evidenceIn(header.exif);

  const { image, thumbnail, hash } = await renditions(path, mediaType, { maxPixels, maxEdge, thumbnailEdge }).catch(
    (error: unknown) => {
      // Checked above already; the decoder's own limit stays as a second lock.
      const overLimit = error instanceof Error && error.message.includes('exceeds pixel limit');
      throw overLimit ? tooManyPixels(header.width, header.height, maxPixels) : asDamaged(error);
    },
  );

  const imageFile = await writeBeside(path, ENCODERS[mediaType].extension, image.data);
  const thumbnailFile = await writeBeside(path, 'webp', thumbnail).catch(async (error: unknown) => {
    await removeQuietly(imageFile.path);
    throw error;
  });
  return {
    image: { ...imageFile, mediaType, width: image.info.width, height: image.info.height },
    thumbnail: thumbnailFile,
    evidence,
    perceptualHash: hash,
  };
}

/** The kept image (upright, scaled down, re-encoded with no metadata), its thumbnail and its hash, in memory. */
async function renditions(path: string, mediaType: PhotoType, options: Required<PhotoOptions>) {
  const { maxPixels, maxEdge, thumbnailEdge } = options;
  const upright = sharp(path, { limitInputPixels: maxPixels, failOn: FAIL_ON })
    .autoOrient()
    .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true });
  const image = await ENCODERS[mediaType].encode(upright).toBuffer({ resolveWithObject: true });
  // Both from the kept image: already upright and small, and the hash then describes what is stored.
  const thumbnail = await sharp(image.data)
    .resize({ width: thumbnailEdge, height: thumbnailEdge, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
  return { image, thumbnail, hash: await perceptualHash(image.data) };
}

/**
 * dHash: the picture upright, grey, squeezed to 9×8; bit i (from the most significant) says whether a
 * pixel is brighter than its right-hand neighbour, row by row. It survives scaling, re-compression and
 * small colour changes, which is what a photo passed on again goes through.
 */
export async function perceptualHash(input: string | Buffer): Promise<bigint> {
  // Squeezed in one step, the decoders' own shrink-on-load (JPEG's DCT scaling, libwebp's) showed through:
  // a WebP copy and its JPEG original came up to 10 bits apart. Through 256×256 first, at most 3.
  const grey = await sharp(input, { failOn: FAIL_ON })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(256, 256, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = await sharp(grey.data, { raw: grey.info }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let hash = 0n;
  for (let row = 0; row < 8; row++) {
    for (let column = 0; column < 8; column++) {
      const left = pixels[row * 9 + column]!;
      const right = pixels[row * 9 + column + 1]!;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash;
}

/** How many of the 64 bits differ. */
export function hammingDistance(a: bigint, b: bigint): number {
  let differing = BigInt.asUintN(64, a ^ b);
  let count = 0;
  for (; differing; differing &= differing - 1n) count++;
  return count;
}

/** The unsigned hash as the decimal of the signed 64-bit integer with the same bits (PostgreSQL has no unsigned bigint). */
export function toSignedBigint64(hash: bigint): string {
  return BigInt.asIntN(64, hash).toString();
}

/** The unsigned hash back from the signed decimal the database stores. */
export function fromSignedBigint64(stored: string): bigint {
  return BigInt.asUintN(64, BigInt(stored));
}

const EARTH_RADIUS_METRES = 6_371_008.8;

/**
 * Great-circle distance (haversine). Written out because @turf/distance is not a dependency and five
 * lines do not justify one; on a sphere, it is within 0.5 % of the ellipsoid's distance.
 */
export function distanceMetres(
  a: { longitude: number; latitude: number },
  b: { longitude: number; latitude: number },
): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLatitude = radians(b.latitude - a.latitude);
  const dLongitude = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLatitude / 2) ** 2 +
    Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLongitude / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Which of the photo types the decoder found; sharp names AVIF "heif" compressed with AV1. */
function photoTypeOf(header: Metadata): PhotoType {
  if (header.format === 'jpeg') return 'image/jpeg';
  if (header.format === 'png') return 'image/png';
  if (header.format === 'webp') return 'image/webp';
  if (header.format === 'heif' && header.compression === 'av1') return 'image/avif';
  throw unsupportedType(header.format === 'heif' ? 'image/heic' : `image/${header.format}`);
}

/**
 * The EXIF block sharp found, read by exifr. exifr reads JPEG and PNG files itself but not WebP, nor the
 * AVIF files libheif writes; given the block alone, as TIFF, it reads all four alike. A missing or
 * garbled block, or values that cannot be, give nulls: evidence is never a reason to refuse a photo.
 */
async function evidenceIn(exifBlock: Buffer | undefined): Promise<PhotoEvidence> {
  const none = { takenAt: null, longitude: null, latitude: null };
  if (!exifBlock) return none;
  // JPEG, WebP and AVIF keep the block behind an "Exif\0\0" marker, PNG's eXIf chunk without it.
  const tiff = exifBlock.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exifBlock.subarray(6) : exifBlock;
  const tags = await exifr
    .parse(tiff, {
      gps: true,
      // Dates as the strings EXIF holds: exifr would read them in this server's time zone.
      reviveValues: false,
      pick: [
        'DateTimeOriginal',
        'OffsetTimeOriginal',
        'CreateDate',
        'OffsetTimeDigitized',
        'GPSLatitude',
        'GPSLatitudeRef',
        'GPSLongitude',
        'GPSLongitudeRef',
      ],
    })
    .catch(() => undefined);
  if (!tags) return none;
  return {
    takenAt:
      exifInstant(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ??
      exifInstant(tags.CreateDate, tags.OffsetTimeDigitized),
    ...gpsPoint(tags.longitude, tags.latitude),
  };
}

/** "2026:11:30 09:15:00" (and "+08:00" if the camera wrote it) as an ISO instant; with no offset, the city's time. */
function exifInstant(localTime: unknown, utcOffset: unknown): string | null {
  const parts = typeof localTime === 'string' ? EXIF_DATE_TIME.exec(localTime) : null;
  if (!parts) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts.slice(1).map(Number);
  const wallClock = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC would roll 30 February into March, and an unset camera clock's "0000:00:00" into 1899.
  const exists =
    wallClock.getUTCMonth() === month - 1 && wallClock.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exists ? new Date(wallClock.getTime() - offsetMinutes(utcOffset) * 60_000).toISOString() : null;
}

function offsetMinutes(utcOffset: unknown): number {
  const parts = typeof utcOffset === 'string' ? /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset) : null;
  if (!parts) return CITY_UTC_OFFSET_MINUTES;
  return (parts[1] === '-' ? -1 : 1) * (Number(parts[2]) * 60 + Number(parts[3]));
}

/** Both coordinates or neither. (0, 0) is what a receiver with no fix writes, not a place in the Gulf of Guinea. */
function gpsPoint(longitude: unknown, latitude: unknown): Pick<PhotoEvidence, 'longitude' | 'latitude'> {
  const valid =
    typeof longitude === 'number' &&
    typeof latitude === 'number' &&
    Math.abs(longitude) <= 180 &&
    Math.abs(latitude) <= 90 &&
    !(longitude === 0 && latitude === 0);
  return valid ? { longitude, latitude } : { longitude: null, latitude: null };
}

/** Format, size and EXIF from the file's header, with no pixel decoded: safe whatever size it declares. */
async function readHeader(path: string): Promise<Metadata> {
  try {
    return await sharp(path, { limitInputPixels: false, failOn: FAIL_ON }).metadata();
  } catch (error) {
    throw asDamaged(error);
  }
}

/**
 * The file sniffed as a photo, so the decoder failing on it is the file's fault (a 4xx), never a server
 * error; only a missing input file is ours.
 */
function asDamaged(error: unknown): unknown {
  if (!(error instanceof Error) || error.message.startsWith('Input file is missing')) return error;
  return damagedFile('photo', error.message.split('\n')[0] ?? 'it cannot be decoded');
}

async function writeBeside(inputPath: string, extension: string, data: Buffer): Promise<WrittenFile> {
  const path = join(dirname(inputPath), `${randomUUID()}.${extension}`);
  try {
    await writeFile(path, data, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    await removeQuietly(path);
    throw error;
  }
  return { path, byteSize: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10);
}
