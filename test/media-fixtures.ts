/**
 * Files for the media tests, the HTTP tests and the benchmark, made on the spot: synthetic photos busy
 * enough (a street-like scene of seeded random shapes over sensor-like noise) that file sizes and
 * perceptual hashes behave as with real photos, carrying the EXIF and XMP a phone writes; and the bad
 * files people send by mistake or on purpose. Each function writes one new file into `dir` and returns
 * its path; the same seed always draws the same picture.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export interface GpsPhotoOptions {
  longitude: number;
  latitude: number;
  takenAt: Date;
  width?: number;
  height?: number;
  seed?: number;
  /** EXIF Orientation 1–8; 6 means "turn me 90° clockwise to show me upright". */
  orientation?: number;
  /**
   * Writes OffsetTimeOriginal and the local time at that offset, as recent phones do. Left out, the
   * capture time is written as the city's wall-clock time with no zone, as most cameras do.
   */
  utcOffset?: string;
}

const CITY_UTC_OFFSET = '+08:00';

/** A JPEG photo with the place and time it was taken in EXIF (GPS IFD, DateTimeOriginal) and in XMP. */
export async function photoWithGps(dir: string, options: GpsPhotoOptions): Promise<string> {
  const { longitude, latitude, takenAt, width = 1600, height = 1200, seed = 1, orientation, utcOffset } = options;
  const localTime = exifDateTime(takenAt, utcOffset ?? CITY_UTC_OFFSET);
  let photo = syntheticScene(width, height, seed)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'CivicGrid', Model: 'Fixture camera' },
      IFD2: { DateTimeOriginal: localTime, ...(utcOffset ? { OffsetTimeOriginal: utcOffset } : {}) },
      IFD3: {
        GPSLatitudeRef: latitude < 0 ? 'S' : 'N',
        GPSLatitude: exifDegrees(latitude),
        GPSLongitudeRef: longitude < 0 ? 'W' : 'E',
        GPSLongitude: exifDegrees(longitude),
      },
    })
    .withXmp(xmpPacket(longitude, latitude, takenAt));
  if (orientation) photo = photo.withMetadata({ orientation });
  const path = fileIn(dir, `photo-${seed}`, 'jpg');
  await photo.toFile(path);
  return path;
}

/** `n` different small photos with no metadata, seeded from `seed`, `seed + 1`, …, made side by side. */
export async function distinctPhotos(dir: string, n: number, seed: number, width = 320, height = 240) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const path = fileIn(dir, `distinct-${seed + i}`, 'jpg');
      await syntheticScene(width, height, seed + i)
        .jpeg({ quality: 85 })
        .toFile(path);
      return path;
    }),
  );
}

/** A copy as a messaging app or a second uploader makes it: scaled, and re-compressed in the format of `out`. */
export async function resizedRecompressed(path: string, out: string, options: { scale: number; quality: number }) {
  const { width } = await sharp(path).metadata();
  const format = out.endsWith('.webp') ? 'webp' : out.endsWith('.png') ? 'png' : 'jpeg';
  await sharp(path)
    .autoOrient()
    .resize({ width: Math.round(width * options.scale) })
    .toFormat(format, { quality: options.quality })
    .toFile(out);
  return out;
}

export async function htmlDisguisedAsJpeg(dir: string) {
  const html =
    '<!DOCTYPE html>\n<html><head><title>photo</title></head><body><script>alert(document.cookie)</script></body></html>\n';
  return written(dir, 'html', 'jpg', Buffer.from(html));
}

/** A Windows executable's headers ('MZ', the DOS stub's pointer to 'PE\0\0', an x86-64 COFF header) and padding. */
export async function executableDisguisedAsJpeg(dir: string) {
  const exe = Buffer.alloc(1024);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x8664, 0x84);
  return written(dir, 'executable', 'jpg', exe);
}

/** A zip archive (one stored text file) named .jpg. */
export async function zipDisguisedAsJpeg(dir: string) {
  const name = Buffer.from('readme.txt');
  const content = Buffer.from('not a photo\n');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed; flags, method (stored), time and date stay 0
  local.writeUInt32LE(crc32(content), 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  local.copy(central, 16, 14, 26); // CRC and sizes
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + content.length, 16);
  return written(dir, 'archive', 'jpg', Buffer.concat([local, name, content, central, name, end]));
}

/** A real JPEG cut in half, as an interrupted upload leaves it. */
export async function truncatedJpeg(dir: string) {
  const whole = await syntheticScene(800, 600, 7).jpeg({ quality: 85 }).toBuffer();
  return written(dir, 'truncated', 'jpg', whole.subarray(0, whole.length >> 1));
}

/**
 * A PNG of a few hundred bytes whose header declares `width`×`height` pixels: a decompression bomb. Built
 * by hand (signature, IHDR, one deflated row, IEND) so that making it never allocates those pixels.
 */
export async function pngBomb(dir: string, width: number, height: number) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB; compression, filter and interlace stay 0
  const firstRow = deflateSync(Buffer.alloc(1 + width * 3));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', firstRow),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return written(dir, 'bomb', 'png', png);
}

export async function emptyFile(dir: string) {
  return written(dir, 'empty', 'jpg', Buffer.alloc(0));
}

/** A valid one-page PDF, with a correct cross-reference table. */
export async function tinyPdf(dir: string) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    streamObject('BT /F1 18 Tf 20 40 Td (CivicGrid) Tj ET'),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return written(dir, 'document', 'pdf', Buffer.from(pdf, 'latin1'));
}

/**
 * A street-like scene: a sky and a ground gradient split at a random horizon, a row of buildings with
 * windows, random shapes in front, and per-pixel luminance noise like a phone sensor's. Varied where a
 * perceptual hash looks (left-to-right changes of brightness) without being random pixels, which no
 * photo is.
 */
function syntheticScene(width: number, height: number, seed: number) {
  const random = mulberry32(seed);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${sceneShapes(width, height, random)}</svg>`;
  const noise = Buffer.alloc(width * height);
  for (let i = 0; i < noise.length; i++) noise[i] = 128 + Math.round((random() + random() + random() - 1.5) * 24);
  return sharp(Buffer.from(svg)).composite([{ input: noise, raw: { width, height, channels: 1 }, blend: 'overlay' }]);
}

function sceneShapes(width: number, height: number, random: () => number): string {
  const colour = () =>
    `hsl(${Math.floor(random() * 360)},${Math.floor(20 + random() * 60)}%,${Math.floor(15 + random() * 70)}%)`;
  const between = (low: number, high: number) => low + random() * (high - low);
  const horizon = height * between(0.35, 0.7);
  const parts = [
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="${between(-0.5, 0.5).toFixed(2)}" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient>`,
    `<linearGradient id="ground" x1="0" y1="0" x2="${between(-1, 1).toFixed(2)}" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#sky)"/>`,
    `<rect y="${horizon}" width="${width}" height="${height - horizon}" fill="url(#ground)"/>`,
  ];
  for (let x = between(-width * 0.1, 0); x < width; ) {
    const buildingWidth = width * between(0.06, 0.25);
    const top = horizon - height * between(0.05, 0.45);
    parts.push(`<rect x="${x}" y="${top}" width="${buildingWidth}" height="${horizon - top}" fill="${colour()}"/>`);
    if (random() < 0.6) parts.push(windows(x, top, buildingWidth, horizon - top, colour(), random));
    x += buildingWidth + width * between(0, 0.08);
  }
  const vanishing = width * between(0.2, 0.8);
  parts.push(
    `<polygon points="${vanishing},${horizon} ${width * between(0.6, 1.2)},${height} ${width * between(-0.2, 0.4)},${height}" fill="${colour()}" opacity="0.8"/>`,
  );
  const shapeCount = 8 + Math.floor(random() * 20);
  for (let i = 0; i < shapeCount; i++) parts.push(randomShape(width, height, colour(), random));
  return parts.join('');
}

function windows(x: number, y: number, width: number, height: number, fill: string, random: () => number) {
  const columns = 2 + Math.floor(random() * 4);
  const rows = 2 + Math.floor(random() * 8);
  const cells: string[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const cellX = x + ((column + 0.2) * width) / columns;
      const cellY = y + ((row + 0.2) * height) / rows;
      cells.push(
        `<rect x="${cellX}" y="${cellY}" width="${(0.6 * width) / columns}" height="${(0.5 * height) / rows}"/>`,
      );
    }
  }
  return `<g fill="${fill}">${cells.join('')}</g>`;
}

function randomShape(width: number, height: number, fill: string, random: () => number): string {
  const x = random() * width;
  const y = random() * height;
  const size = Math.min(width, height) * (0.03 + random() * 0.3);
  const opacity = (0.4 + random() * 0.6).toFixed(2);
  switch (Math.floor(random() * 4)) {
    case 0:
      return `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${fill}" opacity="${opacity}"/>`;
    case 1:
      return `<ellipse cx="${x}" cy="${y}" rx="${size}" ry="${size * random()}" fill="${fill}" opacity="${opacity}"/>`;
    case 2:
      return `<rect x="${x}" y="${y}" width="${size * 2 * random()}" height="${size}" fill="${fill}" opacity="${opacity}" transform="rotate(${Math.floor(random() * 90)} ${x} ${y})"/>`;
    default:
      return `<polygon points="${x},${y} ${x + size},${y + size * random()} ${x + size * random()},${y - size}" fill="${fill}" opacity="${opacity}"/>`;
  }
}

/** A small, fast PRNG; the same seed always gives the same sequence in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** "YYYY:MM:DD HH:MM:SS", the local time at `utcOffset` ("+08:00"), as EXIF writes it (with no zone). */
function exifDateTime(instant: Date, utcOffset: string): string {
  const [hours = 0, minutes = 0] = utcOffset.slice(1).split(':').map(Number);
  const sign = utcOffset.startsWith('-') ? -1 : 1;
  const local = new Date(instant.getTime() + sign * (hours * 60 + minutes) * 60_000);
  return local.toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', ':');
}

/** Degrees as the three EXIF rationals (degrees, minutes, seconds to 1/10000"), as libvips reads them. */
function exifDegrees(value: number): string {
  const absolute = Math.abs(value);
  const degrees = Math.floor(absolute);
  const minutes = Math.floor((absolute - degrees) * 60);
  const tenThousandthsOfSecond = Math.round(((absolute - degrees) * 60 - minutes) * 60 * 10_000);
  return `${degrees}/1 ${minutes}/1 ${tenThousandthsOfSecond}/10000`;
}

function xmpPacket(longitude: number, latitude: number, takenAt: Date): string {
  const xmpCoordinate = (value: number, positive: string, negative: string) => {
    const absolute = Math.abs(value);
    return `${Math.floor(absolute)},${((absolute % 1) * 60).toFixed(6)}${value < 0 ? negative : positive}`;
  };
  return [
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"',
    ` exif:GPSLatitude="${xmpCoordinate(latitude, 'N', 'S')}" exif:GPSLongitude="${xmpCoordinate(longitude, 'E', 'W')}"`,
    ` photoshop:DateCreated="${takenAt.toISOString()}"/>`,
    '</rdf:RDF></x:xmpmeta>',
  ].join('');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const chunk = Buffer.alloc(typeAndData.length + 8);
  chunk.writeUInt32BE(data.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), chunk.length - 4);
  return chunk;
}

function streamObject(content: string): string {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}

function fileIn(dir: string, stem: string, extension: string): string {
  return join(dir, `${stem}-${randomUUID().slice(0, 8)}.${extension}`);
}

async function written(dir: string, stem: string, extension: string, data: Buffer): Promise<string> {
  const path = fileIn(dir, stem, extension);
  await writeFile(path, data);
  return path;
}
