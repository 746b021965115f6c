import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileMediaStore, type MediaStore, s3MediaStore } from './media-store.ts';

/** s3rver ships no types; these are the parts of it the tests use. */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: object) => S3rverInstance;

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let workDir: string;
beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicgrid-media-'));
});
afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

/** Writes `bytes` to a source file of its own and returns it with its content key. */
async function sourceFile(bytes: Buffer): Promise<{ key: string; sourcePath: string }> {
  const key = createHash('sha256').update(bytes).digest('hex');
  const sourcePath = path.join(workDir, `source-${key}`);
  await fs.writeFile(sourcePath, bytes);
  return { key, sourcePath };
}

async function allKeys(store: MediaStore): Promise<string[]> {
  // Array.fromAsync would do, but it arrived in Node 22.
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys.sort();
}

/** Each test gets an empty store: a directory of its own, or a bucket of its own on one s3rver. */
interface Backend {
  start(): Promise<void>;
  stop(): Promise<void>;
  emptyStore(): Promise<MediaStore>;
}

const fileBackend: Backend = {
  async start() {},
  async stop() {},
  async emptyStore() {
    return fileMediaStore(await fs.mkdtemp(path.join(workDir, 'files-')));
  },
};

const s3Backend = (() => {
  let server: S3rverInstance;
  let endpoint: string;
  let buckets = 0;
  return {
    async start() {
      const directory = await fs.mkdtemp(path.join(workDir, 's3rver-'));
      server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
      const { port } = await server.run();
      endpoint = `http://127.0.0.1:${port}`;
    },
    async stop() {
      await server?.close();
    },
    async emptyStore() {
      const bucket = `media-${++buckets}`;
      const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      admin.destroy();
      return s3MediaStore({ endpoint, bucket, ...credentials });
    },
  } satisfies Backend;
})();

describe.each([
  ['file store', fileBackend],
  ['S3 store', s3Backend],
])('%s', (_name, backend) => {
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  it('should give back a few megabytes byte for byte', async () => {
    const store = await backend.emptyStore();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const { key, sourcePath } = await sourceFile(bytes);
    await store.put(key, sourcePath, 'image/jpeg');
    const object = await store.get(key);
    expect(object?.byteSize).toBe(bytes.length);
    expect((await buffer(object!.stream)).equals(bytes)).toBe(true);
    // A copy: the source stays for its owner to delete.
    await expect(fs.access(sourcePath)).resolves.toBeUndefined();
  });

  it('should take a second put of a stored key without harm', async () => {
    const store = await backend.emptyStore();
    const bytes = randomBytes(1000);
    const { key, sourcePath } = await sourceFile(bytes);
    await store.put(key, sourcePath, 'image/png');
    await store.put(key, sourcePath, 'image/png');
    expect(await allKeys(store)).toEqual([key]);
    expect((await buffer((await store.get(key))!.stream)).equals(bytes)).toBe(true);
  });

  it('should answer has before and after a delete, and delete a missing key quietly', async () => {
    const store = await backend.emptyStore();
    const { key, sourcePath } = await sourceFile(randomBytes(100));
    expect(await store.has(key)).toBe(false);
    await store.put(key, sourcePath, 'application/pdf');
    expect(await store.has(key)).toBe(true);
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('should get null for a key that was never stored', async () => {
    const store = await backend.emptyStore();
    expect(await store.get('0'.repeat(64))).toBeNull();
  });

  it('should list exactly the keys stored and not deleted', async () => {
    const store = await backend.emptyStore();
    expect(await allKeys(store)).toEqual([]);
    const files = await Promise.all([1, 2, 3].map(() => sourceFile(randomBytes(64))));
    for (const { key, sourcePath } of files) await store.put(key, sourcePath, 'image/webp');
    await store.delete(files[0]!.key);
    expect(await allKeys(store)).toEqual([files[1]!.key, files[2]!.key].sort());
  });

  it('should refuse keys that are not a SHA-256 hex, such as a path', async () => {
    const store = await backend.emptyStore();
    const { sourcePath } = await sourceFile(randomBytes(10));
    for (const key of ['../x', `../${'a'.repeat(61)}`, 'A'.repeat(64), 'a'.repeat(63), '']) {
      await expect(store.put(key, sourcePath, 'image/jpeg')).rejects.toThrow(/Not a media key/);
      await expect(store.get(key)).rejects.toThrow(/Not a media key/);
      await expect(store.has(key)).rejects.toThrow(/Not a media key/);
      await expect(store.delete(key)).rejects.toThrow(/Not a media key/);
    }
  });

  it('should fail a put whose source is gone and store nothing', async () => {
    const store = await backend.emptyStore();
    const { key, sourcePath } = await sourceFile(randomBytes(10));
    await fs.rm(sourcePath);
    await expect(store.put(key, sourcePath, 'image/jpeg')).rejects.toThrow(/ENOENT/);
    expect(await store.has(key)).toBe(false);
    expect(await allKeys(store)).toEqual([]);
  });
});

describe('file store on disk', () => {
  it('should shard files by the first two byte pairs and leave no temp file behind', async () => {
    const dir = await fs.mkdtemp(path.join(workDir, 'files-'));
    const store = fileMediaStore(dir);
    const { key, sourcePath } = await sourceFile(randomBytes(2048));
    await store.put(key, sourcePath, 'image/jpeg');
    await store.put(key, sourcePath, 'image/jpeg');
    await expect(fs.access(path.join(dir, key.slice(0, 2), key.slice(2, 4), key))).resolves.toBeUndefined();
    expect(await fs.readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('should refuse bytes that do not hash to the key, leaving nothing', async () => {
    const dir = await fs.mkdtemp(path.join(workDir, 'files-'));
    const store = fileMediaStore(dir);
    const { sourcePath } = await sourceFile(randomBytes(10));
    const otherKey = createHash('sha256').update('something else').digest('hex');
    await expect(store.put(otherKey, sourcePath, 'image/jpeg')).rejects.toThrow(/does not hash to the media key/);
    expect(await store.has(otherKey)).toBe(false);
    expect(await fs.readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('should leave no temp file when the source vanished', async () => {
    const dir = await fs.mkdtemp(path.join(workDir, 'files-'));
    const store = fileMediaStore(dir);
    const { key, sourcePath } = await sourceFile(randomBytes(10));
    await fs.rm(sourcePath);
    await expect(store.put(key, sourcePath, 'image/jpeg')).rejects.toThrow(/ENOENT/);
    expect(await fs.readdir(path.join(dir, '.tmp'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, key.slice(0, 2), key.slice(2, 4)))).toEqual([]);
  });
});
