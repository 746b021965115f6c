import sharp from 'sharp';
import { resizedRecompressed, photoWithGps } from './test/media-fixtures.ts';
import { hammingDistance } from './src/media/photos.ts';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
const dir = '/tmp/mediaexp/m';
type Variant = (input: string | Buffer) => Promise<Buffer>;
const grey = (i: string | Buffer) => sharp(i).autoOrient().flatten({ background: '#fff' }).greyscale();
const two = (size: number, k1: any, k2: any, fast = true): Variant => async (i) => { const small = await grey(i).resize(size, size, { fit: 'fill', kernel: k1, fastShrinkOnLoad: fast }).raw().toBuffer({ resolveWithObject: true }); return sharp(small.data, { raw: small.info }).greyscale().resize(9, 8, { fit: 'fill', kernel: k2 }).raw().toBuffer(); };
const variants: Record<string, Variant> = {
  default: (i) => grey(i).resize(9, 8, { fit: 'fill' }).raw().toBuffer(),
  noFastShrink: (i) => grey(i).resize(9, 8, { fit: 'fill', fastShrinkOnLoad: false }).raw().toBuffer(),
  'two256 l3/l3': two(256, 'lanczos3', 'lanczos3'),
  'two256 l3/l3 nofast': two(256, 'lanczos3', 'lanczos3', false),
  'two128 l3/l3 nofast': two(128, 'lanczos3', 'lanczos3', false),
  'two64 l3/l3 nofast': two(64, 'lanczos3', 'lanczos3', false),
};
const bits = (p: Buffer) => { if (p.length !== 72) throw new Error('len ' + p.length); let h = 0n; for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) h = (h << 1n) | (p[r * 9 + c]! > p[r * 9 + c + 1]! ? 1n : 0n); return h; };
const copies: Record<string, number[]> = {};
for (let s = 0; s < 40; s++) {
  const original = await photoWithGps(dir, { longitude: 113, latitude: 28, takenAt: new Date(), width: 2000, height: 1500, seed: 9000 + s });
  const a = await resizedRecompressed(original, join(dir, `e${s}.jpg`), { scale: 0.5, quality: 60 });
  const b = await resizedRecompressed(original, join(dir, `e${s}.webp`), { scale: 0.64, quality: 80 });
  const bb = await sharp(b).webp({ quality: 80, effort: 2 }).toBuffer();
  const oo = await sharp(original).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
  for (const [name, v] of Object.entries(variants)) {
    const [ho, ha, hb, hoo, hbb] = await Promise.all([original, a, b, oo, bb].map(async (x) => bits(await v(x))));
    (copies[name] ??= []).push(hammingDistance(ho!, ha!), hammingDistance(ho!, hb!), hammingDistance(hoo!, hbb!));
  }
}
const paths = readdirSync(dir).filter((f) => f.startsWith('distinct')).map((f) => join(dir, f));
for (const [name, v] of Object.entries(variants)) {
  const t = performance.now();
  const hs = await Promise.all(paths.map(async (p) => bits(await v(p))));
  const ms = (performance.now() - t) / paths.length;
  const ds: number[] = [];
  for (let i = 0; i < hs.length; i++) for (let j = i + 1; j < hs.length; j++) ds.push(hammingDistance(hs[i]!, hs[j]!));
  ds.sort((x, y) => x - y);
  const c = copies[name]!.sort((x, y) => y - x);
  console.log(name.padEnd(22), 'copies worst', c.slice(0, 8).join(','), 'mean', (c.reduce((x, y) => x + y) / c.length).toFixed(2), '| distinct best', ds.slice(0, 6).join(','), 'mean', (ds.reduce((x, y) => x + y) / ds.length).toFixed(1), `${ms.toFixed(1)}ms/hash(320px)`);
}
