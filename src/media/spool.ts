import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defineError } from '../lib/app-error.ts';

export const uploadTooLarge = defineError('MEDIA_ERR_TOO_LARGE', 413, (maxBytes: number) => ({
  message: `The file is larger than ${megabytes(maxBytes)} MB, the most one upload may be`,
  details: { maxBytes },
}));

export const uploadEmpty = defineError('MEDIA_ERR_EMPTY', 400, () => ({
  message: 'The file is empty (0 bytes)',
}));

export interface SpooledUpload {
  path: string;
  byteSize: number;
  /** Hex SHA-256 of the bytes as they arrived. */
  sha256: string;
}

/** @fastify/multipart's file stream sets `truncated` when it stopped at its fileSize limit, and ends normally. */
type UploadStream = Readable & { truncated?: boolean };

/**
 * Streams an upload into a new file in `tempDir`, hashing it on the way, so that no upload is ever held
 * in memory whole. Whatever goes wrong (too large, empty, the client went away), the file is gone before
 * the error reaches the caller; on success the caller owns it, and moves or removes it.
 */
export async function spoolUpload(
  stream: UploadStream,
  options: { tempDir: string; maxBytes: number },
): Promise<SpooledUpload> {
  await mkdir(options.tempDir, { recursive: true });
  const path = join(options.tempDir, `${randomUUID()}.upload`);
  const hash = createHash('sha256');
  let byteSize = 0;
  // Counting here too: the caller's stream may have no limit of its own, or a higher one.
  const countAndHash = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      byteSize += chunk.length;
      if (byteSize > options.maxBytes) return done(uploadTooLarge(options.maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    // Opened before any byte is read, so that the path exists to be removed whenever the stream fails.
    const file = await open(path, 'wx', 0o600);
    await pipeline(stream, countAndHash, file.createWriteStream());
    if (stream.truncated) throw uploadTooLarge(options.maxBytes);
    if (byteSize === 0) throw uploadEmpty();
  } catch (error) {
    await removeQuietly(path);
    throw error;
  }
  return { path, byteSize, sha256: hash.digest('hex') };
}

/** Removes a temp file if it is there; cleaning up must never hide the error that led to it. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => {});
}

function megabytes(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10);
}
