import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../lib/app-error.ts';
import { removeQuietly, spoolUpload } from './spool.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'media-spool-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A temp dir that does not exist yet: the spool makes it. */
const freshTempDir = async () => join(await mkdtemp(join(work, 'case-')), 'uploads');

function inChunks(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
    })(),
  );
}

describe('spoolUpload', () => {
  it('writes the stream to a new file in the temp dir, with its size and SHA-256', async () => {
    const tempDir = await freshTempDir();
    const data = randomBytes(3 * 1024 * 1024 + 17);

    const upload = await spoolUpload(inChunks(data), { tempDir, maxBytes: 4 * 1024 * 1024 });

    expect(upload.byteSize).toBe(data.length);
    expect(upload.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await readFile(upload.path)).equals(data)).toBe(true);
    expect(await readdir(tempDir)).toHaveLength(1);
    const other = await spoolUpload(inChunks(data), { tempDir, maxBytes: 4 * 1024 * 1024 });
    expect(other.path).not.toBe(upload.path);
  });

  it('accepts a file of exactly the limit', async () => {
    const upload = await spoolUpload(inChunks(randomBytes(1000), 300), {
      tempDir: await freshTempDir(),
      maxBytes: 1000,
    });
    expect(upload.byteSize).toBe(1000);
  });

  it('refuses a stream over the limit, counting the bytes itself, and removes the file', async () => {
    const tempDir = await freshTempDir();
    const refusal = spoolUpload(inChunks(randomBytes(3 * 1024 * 1024)), { tempDir, maxBytes: 2 * 1024 * 1024 });
    await expect(refusal).rejects.toMatchObject({ code: 'MEDIA_ERR_TOO_LARGE', statusCode: 413 });
    await expect(refusal).rejects.toThrow(/larger than 2 MB/);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses a stream its source cut at the limit (truncated), and removes the file', async () => {
    const tempDir = await freshTempDir();
    // As busboy does: it marks the stream truncated, then ends it normally.
    const stream = Object.assign(new PassThrough(), { truncated: true });
    stream.end(randomBytes(500));
    await expect(spoolUpload(stream, { tempDir, maxBytes: 10_000 })).rejects.toMatchObject({
      code: 'MEDIA_ERR_TOO_LARGE',
    });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses an empty stream, and removes the file', async () => {
    const tempDir = await freshTempDir();
    await expect(spoolUpload(Readable.from([]), { tempDir, maxBytes: 1000 })).rejects.toMatchObject({
      code: 'MEDIA_ERR_EMPTY',
      statusCode: 400,
    });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('passes on the error of a stream that fails half-way, and removes the file', async () => {
    const tempDir = await freshTempDir();
    const stream = new Readable({ read() {} });
    stream.push(randomBytes(100_000));
    setTimeout(() => stream.destroy(new Error('the client went away')), 10);
    await expect(spoolUpload(stream, { tempDir, maxBytes: 1_000_000 })).rejects.toThrow('the client went away');
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses a file @fastify/multipart cut at its fileSize limit, as it comes from the plugin', async () => {
    const tempDir = await freshTempDir();
    const app = Fastify();
    await app.register(multipart, { limits: { fileSize: 1000 } });
    app.post('/', async (request) => {
      const part = await request.file();
      if (!part) throw new Error('no file in the form');
      try {
        return await spoolUpload(part.file, { tempDir, maxBytes: 1_000_000 });
      } catch (error) {
        if (error instanceof AppError) return { code: error.code };
        throw error;
      }
    });
    const upload = async (byteSize: number) => {
      const boundary = 'spool-test';
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n`),
        Buffer.from('Content-Type: image/jpeg\r\n\r\n'),
        randomBytes(byteSize),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
      return (await app.inject({ method: 'POST', url: '/', payload, headers })).json();
    };

    expect(await upload(5000)).toEqual({ code: 'MEDIA_ERR_TOO_LARGE' });
    expect(await readdir(tempDir)).toEqual([]);
    expect(await upload(1000)).toMatchObject({ byteSize: 1000 });
    await app.close();
  });
});

describe('removeQuietly', () => {
  it('removes a file, and says nothing when there is none', async () => {
    const tempDir = await freshTempDir();
    const upload = await spoolUpload(Readable.from([Buffer.from('x')]), { tempDir, maxBytes: 10 });
    await removeQuietly(upload.path);
    await removeQuietly(upload.path);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
