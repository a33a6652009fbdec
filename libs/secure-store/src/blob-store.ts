import { createHash } from 'node:crypto';
import { BlobStoreError } from './errors';

/** `sha256:` and 64 lower-case hex digits: the SHA-256 of the blob's plaintext. */
export type BlobHash = `sha256:${string}`;

/** What events carry instead of the blob itself (the same shape as `BlobRef` in @mnc/contracts). */
export interface BlobRef {
  readonly hash: BlobHash;
  readonly size: number;
  readonly mediaType: string;
}

export interface BlobMeta {
  readonly mediaType: string;
}

/** A reference as read back from an event or a database row, where the hash is just a string. */
export interface BlobLocator {
  readonly hash: string;
  readonly size?: number;
}

/**
 * Content-addressed storage for large personal-data blobs (photos, card face images, personalisation bundles).
 * Same bytes, same ref: `put` is idempotent. `get` returns only bytes whose SHA-256 matches the ref.
 */
export interface BlobStore {
  put(bytes: Uint8Array, meta: BlobMeta): Promise<BlobRef>;
  get(ref: BlobLocator): Promise<Buffer>;
  has(hash: string): Promise<boolean>;
}

const BLOB_HASH = /^sha256:[0-9a-f]{64}$/;

export function blobHashOf(bytes: Uint8Array): BlobHash {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function isBlobHash(value: string): value is BlobHash {
  return BLOB_HASH.test(value);
}

export function assertBlobHash(value: string): BlobHash {
  if (!isBlobHash(value))
    throw new BlobStoreError('INVALID_HASH', 'a blob hash is "sha256:" and 64 lower-case hex digits');
  return value;
}

/** The last line of defence: whatever came back from storage must be exactly what the ref names. */
export function verifyBlob(ref: BlobLocator, bytes: Buffer): Buffer {
  if (blobHashOf(bytes) !== ref.hash || (ref.size !== undefined && ref.size !== bytes.length)) {
    throw new BlobStoreError('INTEGRITY', `blob ${ref.hash} does not match its hash or size`);
  }
  return bytes;
}
