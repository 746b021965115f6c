import { createHash, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/**
 * Where the bytes of case photos and documents live; the database holds only their keys. Content-addressed:
 * a key is the SHA-256 hex of the bytes, so the same photo uploaded twice is stored once, and a put of a key
 * already there is a no-op.
 */
export interface MediaStore {
  /**
   * Copies the file at `sourcePath` in under `key`; the caller deletes its own source afterwards. Bytes that
   * do not hash to the key are refused: stored under it, they would stand in for every later upload of it.
   */
  put(key: string, sourcePath: string, contentType: string): Promise<void>;
  /** A readable stream of the object, or null when there is none. */
  get(key: string): Promise<{ stream: Readable; byteSize: number } | null>;
  has(key: string): Promise<boolean>;
  /** Removes the object; nothing happens when it is not there. */
  delete(key: string): Promise<void>;
  /** Every key in the store, for the orphan check. */
  keys(): AsyncIterable<string>;
}

export interface S3MediaStoreOptions {
  /** For MinIO or another S3-compatible server; without it, AWS itself. */
  endpoint?: string | undefined;
  region?: string | undefined;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path rather than the host name (default true: MinIO and local servers need it). */
  forcePathStyle?: boolean | undefined;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** Keys reach file paths and object names, so anything but a SHA-256 hex (`../x`, `a/b`) is refused outright. */
function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`Not a media key (64 lowercase hex digits): "${key}"`);
}

/** Picks S3 when its settings are given, else files under DATA_DIR/media. */
export function mediaStoreFromConfig(config: { dataDir: string; s3?: S3MediaStoreOptions | undefined }): MediaStore {
  return config.s3 ? s3MediaStore(config.s3) : fileMediaStore(path.join(config.dataDir, 'media'));
}

/**
 * Files under `dir/ab/cd/<key>`: two levels of 256 shards keep each directory small enough to list quickly
 * with millions of photos. A put writes into `dir/.tmp` and renames into place (same file system, so the
 * rename is atomic): after a crash a key either has its whole file or none, never a half one.
 */
export function fileMediaStore(dir: string): MediaStore {
  const tempDir = path.join(dir, '.tmp');
  const shardDir = (key: string) => path.join(dir, key.slice(0, 2), key.slice(2, 4));
  const filePath = (key: string) => path.join(shardDir(key), key);

  return {
    // No content type on disk: the database keeps it with the case's media.
    async put(key, sourcePath) {
      checkKey(key);
      const target = filePath(key);
      if (await exists(target)) return;
      await fsp.mkdir(tempDir, { recursive: true });
      await fsp.mkdir(shardDir(key), { recursive: true });
      // A name of its own per put: two uploads of the same photo at once must not write into one temp file.
      const temp = path.join(tempDir, `${key}.${randomUUID()}`);
      try {
        const contentHash = await copyAndHash(sourcePath, temp);
        if (contentHash !== key) throw new Error(`${sourcePath} does not hash to the media key ${key}`);
        await fsp.rename(temp, target);
      } catch (error) {
        await fsp.rm(temp, { force: true });
        throw error;
      }
      // The rename itself is only durable once its directory is flushed too.
      await syncPath(shardDir(key));
    },

    async get(key) {
      checkKey(key);
      let handle: fsp.FileHandle;
      try {
        handle = await fsp.open(filePath(key), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      // Size and stream from one open file: a delete in between cannot make them disagree.
      try {
        const { size } = await handle.stat();
        return { stream: handle.createReadStream(), byteSize: size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async has(key) {
      checkKey(key);
      return exists(filePath(key));
    },

    async delete(key) {
      checkKey(key);
      await fsp.rm(filePath(key), { force: true });
    },

    async *keys() {
      for (const first of await shardNames(dir)) {
        for (const second of await shardNames(path.join(dir, first))) {
          for (const name of await fsp.readdir(path.join(dir, first, second))) {
            if (KEY_PATTERN.test(name)) yield name;
          }
        }
      }
    },
  };
}

/** The two-hex-digit subdirectories of `dir`, which leaves out `.tmp`; none when `dir` does not exist yet. */
async function shardNames(dir: string): Promise<string[]> {
  try {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && /^[0-9a-f]{2}$/.test(entry.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Copies `sourcePath` to the new file `target`, flushed to disk, and returns the SHA-256 hex of the bytes. */
async function copyAndHash(sourcePath: string, target: string): Promise<string> {
  // The source is opened first, as a handle: a missing source is a rejection here, never a stream's
  // 'error' event emitted before anything listens to it (which would end the process).
  const input = await fsp.open(sourcePath, 'r');
  const hash = createHash('sha256');
  let output: fsp.FileHandle | undefined;
  try {
    output = await fsp.open(target, 'wx');
    for await (const chunk of input.createReadStream({ autoClose: false })) {
      hash.update(chunk);
      await output.write(chunk);
    }
    // Flushed before the rename, or a power cut could leave the real name pointing at missing blocks.
    await output.sync();
  } finally {
    await input.close();
    await output?.close();
  }
  return hash.digest('hex');
}

async function syncPath(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Objects named `media/<key>` in one bucket, so the bucket can hold other things beside them. */
export function s3MediaStore(options: S3MediaStoreOptions): MediaStore {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
  });
  const { bucket } = options;
  const prefix = 'media/';
  const objectKey = (key: string) => `${prefix}${key}`;

  async function has(key: string): Promise<boolean> {
    checkKey(key);
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  return {
    async put(key, sourcePath, contentType) {
      if (await has(key)) return;
      // Streamed with its length given up front: a 15 MB photo is never held in memory whole. Opened as a
      // handle first, so a missing source is a rejection, never an unheard stream 'error' event.
      const input = await fsp.open(sourcePath, 'r');
      try {
        const { size } = await input.stat();
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            Body: input.createReadStream({ autoClose: false }),
            ContentLength: size,
            ContentType: contentType,
            // The key is the checksum, so S3 refuses bytes that do not match it (BadDigest). Given up front, it
            // also keeps the SDK from its default for streams, an aws-chunked body with a trailing CRC32, which
            // servers that predate that encoding (s3rver among them) store as it came, chunk framing and all.
            ChecksumSHA256: Buffer.from(key, 'hex').toString('base64'),
          }),
        );
      } finally {
        await input.close();
      }
    },

    async get(key) {
      checkKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        // In Node the SDK's body is an http.IncomingMessage, a Readable.
        return { stream: object.Body as Readable, byteSize: object.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    has,

    async delete(key) {
      checkKey(key);
      // S3 answers a delete of a missing object with success as well.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },

    async *keys() {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(prefix.length);
          if (key && KEY_PATTERN.test(key)) yield key;
        }
      }
    },
  };
}

/**
 * GetObject names a missing key NoSuchKey; a HEAD response has no body, so HeadObject can only say NotFound.
 * Not any 404: a GetObject's NoSuchBucket is a misconfiguration to report, not an empty store.
 */
function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}
