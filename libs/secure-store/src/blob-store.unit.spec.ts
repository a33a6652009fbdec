import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomically, TEMPORARY_FILE_PREFIX } from './atomic-write';
import { blobHashOf, type BlobStore, isBlobHash, verifyBlob } from './blob-store';
import { EnvelopeCipher, generateMasterKey } from './envelope-cipher';
import { BlobStoreError, type BlobStoreErrorCode } from './errors';
import { FileBlobStore } from './file-blob-store';
import { MemoryBlobStore } from './memory-blob-store';

const photo = Buffer.from('synthetic JPEG bytes: not a real person');
const other = Buffer.from('another synthetic blob');

async function blobErrorCode(action: Promise<unknown>): Promise<BlobStoreErrorCode | 'NO_ERROR'> {
  try {
    await action;
    return 'NO_ERROR';
  } catch (error) {
    if (error instanceof BlobStoreError) return error.code;
    throw error;
  }
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mnc-blobs-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const cipher = new EnvelopeCipher({ current: generateMasterKey('blob-k1') });

describe.each<[string, () => BlobStore]>([
  ['MemoryBlobStore', () => new MemoryBlobStore()],
  ['FileBlobStore', () => new FileBlobStore(directory, cipher)],
])('%s', (_name, makeStore) => {
  it('round-trips a blob and addresses it by the SHA-256 of its plaintext', async () => {
    const store = makeStore();
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    expect(ref).toEqual({
      hash: `sha256:${createHash('sha256').update(photo).digest('hex')}`,
      size: photo.length,
      mediaType: 'image/jpeg',
    });
    expect(await store.get(ref)).toEqual(photo);
    expect(await store.has(ref.hash)).toBe(true);
  });

  it('is idempotent: the same content gives the same ref', async () => {
    const store = makeStore();
    const first = await store.put(photo, { mediaType: 'image/jpeg' });
    const second = await store.put(Buffer.from(photo), { mediaType: 'image/jpeg' });
    expect(second).toEqual(first);
  });

  it('reports a missing blob as NOT_FOUND and a malformed hash as INVALID_HASH', async () => {
    const store = makeStore();
    const missing = blobHashOf(other);
    expect(await store.has(missing)).toBe(false);
    expect(await blobErrorCode(store.get({ hash: missing }))).toBe('NOT_FOUND');
    expect(await blobErrorCode(store.get({ hash: 'sha256:ABC' }))).toBe('INVALID_HASH');
    expect(await blobErrorCode(store.has('md5:00'))).toBe('INVALID_HASH');
  });

  it('refuses a ref whose size does not match', async () => {
    const store = makeStore();
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    expect(await blobErrorCode(store.get({ ...ref, size: ref.size + 1 }))).toBe('INTEGRITY');
  });

  it('returns a copy the caller may change freely', async () => {
    const store = makeStore();
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    (await store.get(ref)).fill(0);
    expect(await store.get(ref)).toEqual(photo);
  });
});

describe('FileBlobStore on disk', () => {
  it('stores blobs encrypted at dir/ab/cd/<hash>', async () => {
    const store = new FileBlobStore(directory, cipher);
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    const hex = ref.hash.slice('sha256:'.length);
    const path = join(directory, hex.slice(0, 2), hex.slice(2, 4), hex);
    expect(store.pathOf(ref.hash)).toBe(path);
    const onDisk = await readFile(path);
    expect(onDisk.includes(photo)).toBe(false);
    expect(cipher.decrypt(onDisk, ref.hash)).toEqual(photo);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('does not rewrite an existing blob', async () => {
    const store = new FileBlobStore(directory, cipher);
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    const before = await readFile(store.pathOf(ref.hash));
    await store.put(photo, { mediaType: 'image/jpeg' });
    // Encryption is randomised, so identical bytes prove the file was left alone.
    expect((await readFile(store.pathOf(ref.hash))).equals(before)).toBe(true);
  });

  it('leaves no temporary files behind, also after concurrent puts of the same blob', async () => {
    const store = new FileBlobStore(directory, cipher);
    await Promise.all(
      [photo, photo, photo, other].map((bytes) =>
        store.put(bytes, { mediaType: 'application/octet-stream' }),
      ),
    );
    const files = await filesUnder(directory);
    expect(files).toHaveLength(2);
    expect(files.some((file) => file.includes(TEMPORARY_FILE_PREFIX))).toBe(false);
  });

  it('reports a corrupted file as INTEGRITY', async () => {
    const store = new FileBlobStore(directory, cipher);
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    const path = store.pathOf(ref.hash);
    const bytes = await readFile(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
    await writeFile(path, bytes);
    expect(await blobErrorCode(store.get(ref))).toBe('INTEGRITY');
  });

  it('refuses a blob file moved under another hash (the hash is the AAD)', async () => {
    const store = new FileBlobStore(directory, cipher);
    const ref = await store.put(photo, { mediaType: 'image/jpeg' });
    const otherHash = blobHashOf(other);
    await mkdir(dirname(store.pathOf(otherHash)), { recursive: true });
    await rename(store.pathOf(ref.hash), store.pathOf(otherHash));
    expect(await blobErrorCode(store.get({ hash: otherHash }))).toBe('INTEGRITY');
  });

  it('verifies the plaintext hash even when the ciphertext is authentic', async () => {
    // A buggy writer holding the key sealed the wrong bytes under a hash.
    const store = new FileBlobStore(directory, cipher);
    const hash = blobHashOf(photo);
    await mkdir(dirname(store.pathOf(hash)), { recursive: true });
    await writeFile(store.pathOf(hash), cipher.encrypt(other, hash));
    expect(await blobErrorCode(store.get({ hash }))).toBe('INTEGRITY');
  });

  it('needs the right master key to read', async () => {
    const ref = await new FileBlobStore(directory, cipher).put(photo, { mediaType: 'image/jpeg' });
    const stranger = new FileBlobStore(
      directory,
      new EnvelopeCipher({ current: generateMasterKey('blob-k2') }),
    );
    await expect(stranger.get(ref)).rejects.toMatchObject({
      name: 'DecryptionError',
      code: 'UNKNOWN_KEY_ID',
    });
  });
});

describe('writeFileAtomically', () => {
  it('replaces the target in one step', async () => {
    const path = join(directory, 'record');
    await writeFileAtomically(path, Buffer.from('old'));
    await writeFileAtomically(path, Buffer.from('new'));
    expect((await readFile(path)).toString()).toBe('new');
    expect(await readdir(directory)).toEqual(['record']);
  });

  it('removes its temporary file when the final rename fails', async () => {
    // A non-empty directory in the way makes rename() fail after the data was written and synced.
    const path = join(directory, 'blocked');
    await mkdir(join(path, 'child'), { recursive: true });
    await expect(writeFileAtomically(path, Buffer.from('data'))).rejects.toMatchObject({
      code: expect.any(String),
    });
    expect(await readdir(directory)).toEqual(['blocked']);
  });
});

describe('blob hashes', () => {
  it('accept only sha256: and 64 lower-case hex digits', () => {
    expect(isBlobHash(blobHashOf(photo))).toBe(true);
    expect(isBlobHash(blobHashOf(photo).toUpperCase())).toBe(false);
    expect(isBlobHash(`sha256:${'0'.repeat(63)}`)).toBe(false);
  });

  it('verifyBlob refuses bytes that do not hash to the ref', () => {
    expect(() => verifyBlob({ hash: blobHashOf(photo) }, other)).toThrow(BlobStoreError);
    expect(verifyBlob({ hash: blobHashOf(photo), size: photo.length }, photo)).toBe(photo);
  });
});
