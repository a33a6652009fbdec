import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from './atomic-write';
import {
  assertBlobHash,
  type BlobHash,
  blobHashOf,
  type BlobLocator,
  type BlobMeta,
  type BlobRef,
  type BlobStore,
  verifyBlob,
} from './blob-store';
import type { EnvelopeCipher } from './envelope-cipher';
import { BlobStoreError, DecryptionError } from './errors';

/**
 * Blobs as files, encrypted at rest with the envelope cipher, the hash as AAD (a file renamed to another hash
 * will not open). Layout `dir/ab/cd/<64 hex>` keeps directories small. Writes are atomic, so a crash never
 * leaves a half-written blob under its final name.
 */
export class FileBlobStore implements BlobStore {
  constructor(
    private readonly directory: string,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async put(bytes: Uint8Array, meta: BlobMeta): Promise<BlobRef> {
    const hash = blobHashOf(bytes);
    const ref: BlobRef = { hash, size: bytes.byteLength, mediaType: meta.mediaType };
    const path = this.pathOf(hash);
    // Content addressing makes an existing file the same blob: skip the rewrite.
    if (await isFile(path)) return ref;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomically(path, this.cipher.encrypt(bytes, hash));
    return ref;
  }

  async get(ref: BlobLocator): Promise<Buffer> {
    const hash = assertBlobHash(ref.hash);
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(hash));
    } catch (error) {
      if (isMissing(error)) throw new BlobStoreError('NOT_FOUND', `blob ${hash} not found`);
      throw error;
    }
    let plaintext: Buffer;
    try {
      plaintext = this.cipher.decrypt(sealed, hash);
    } catch (error) {
      // Damaged bytes are a corrupt blob; an unknown key or version is a configuration problem, left as is.
      if (
        error instanceof DecryptionError &&
        (error.code === 'AUTHENTICATION_FAILED' || error.code === 'MALFORMED')
      ) {
        throw new BlobStoreError('INTEGRITY', `blob ${hash} is corrupt`, { cause: error });
      }
      throw error;
    }
    return verifyBlob(ref, plaintext);
  }

  async has(hash: string): Promise<boolean> {
    return isFile(this.pathOf(assertBlobHash(hash)));
  }

  /** Where a blob lives; exposed for operators and tests. */
  pathOf(hash: BlobHash): string {
    const hex = hash.slice('sha256:'.length);
    return join(this.directory, hex.slice(0, 2), hex.slice(2, 4), hex);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
