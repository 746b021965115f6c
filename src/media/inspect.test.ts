import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distinctPhotos,
  emptyFile,
  executableDisguisedAsJpeg,
  htmlDisguisedAsJpeg,
  tinyPdf,
  zipDisguisedAsJpeg,
} from '../../test/media-fixtures.ts';
import { sniffMediaType } from './inspect.ts';

let dir: string;
let jpeg: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-inspect-'));
  [jpeg] = (await distinctPhotos(dir, 1, 1)) as [string];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sniffMediaType', () => {
  it.each([
    ['image/jpeg', 'jpeg'],
    ['image/png', 'png'],
    ['image/webp', 'webp'],
    ['image/avif', 'avif'],
  ] as const)('knows %s from its bytes, whatever the file is called', async (mediaType, format) => {
    // Named .jpg, .pdf or nothing at all: only the bytes count.
    const path = join(dir, `photo-${format}.pdf`);
    await sharp(jpeg).toFormat(format).toFile(path);
    expect(await sniffMediaType(path)).toBe(mediaType);
  });

  it('knows a whole PDF', async () => {
    expect(await sniffMediaType(await tinyPdf(dir))).toBe('application/pdf');
  });

  it('accepts a PDF with a little padding after its end marker, as some writers leave', async () => {
    const pdf = await tinyPdf(dir);
    await appendFile(pdf, `\r\n${'\0'.repeat(500)}`);
    expect(await sniffMediaType(pdf)).toBe('application/pdf');
  });

  it.each([
    ['an HTML page', htmlDisguisedAsJpeg, 'of a type not recognised from its bytes'],
    ['an executable', executableDisguisedAsJpeg, 'application/x-msdownload'],
    ['a zip archive', zipDisguisedAsJpeg, 'application/zip'],
    ['an empty file', emptyFile, 'of a type not recognised from its bytes'],
  ])('refuses %s named .jpg, saying what it is', async (_name, make, found) => {
    const refusal = sniffMediaType(await make(dir));
    await expect(refusal).rejects.toMatchObject({ code: 'MEDIA_ERR_UNSUPPORTED_TYPE', statusCode: 415 });
    await expect(refusal).rejects.toThrow(`The file is ${found}, not a photo (JPEG, PNG, WebP, AVIF) or a PDF`);
  });

  it('refuses the image types it does not keep (GIF, TIFF)', async () => {
    for (const format of ['gif', 'tiff'] as const) {
      const path = join(dir, `photo.${format}`);
      await sharp(jpeg).toFormat(format).toFile(path);
      await expect(sniffMediaType(path)).rejects.toMatchObject({ code: 'MEDIA_ERR_UNSUPPORTED_TYPE' });
    }
  });

  it('refuses a PDF cut short, or with its end marker buried under more than 1 KB', async () => {
    const whole = await readFile(await tinyPdf(dir));
    const cutShort = join(dir, 'cut.pdf');
    await writeFile(cutShort, whole.subarray(0, whole.length - 100));
    const buried = join(dir, 'buried.pdf');
    await writeFile(buried, Buffer.concat([whole, Buffer.alloc(2000, ' ')]));
    for (const path of [cutShort, buried]) {
      await expect(sniffMediaType(path)).rejects.toMatchObject({ code: 'MEDIA_ERR_DAMAGED', statusCode: 422 });
    }
  });
});
