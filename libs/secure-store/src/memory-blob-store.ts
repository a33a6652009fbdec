import {
  assertBlobHash,
  blobHashOf,
  type BlobLocator,
  type BlobMeta,
  type BlobRef,
  type BlobStore,
  verifyBlob,
} from './blob-store';
import { BlobStoreError } from './errors';

/** In-process blob store for unit tests and the embedded mode's throwaway runs. Not encrypted: never persisted. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();

  async put(bytes: Uint8Array, meta: BlobMeta): Promise<BlobRef> {
    const hash = blobHashOf(bytes);
    if (!this.blobs.has(hash)) this.blobs.set(hash, Buffer.from(bytes));
    return { hash, size: bytes.byteLength, mediaType: meta.mediaType };
  }

  async get(ref: BlobLocator): Promise<Buffer> {
    const hash = assertBlobHash(ref.hash);
    const stored = this.blobs.get(hash);
    if (!stored) throw new BlobStoreError('NOT_FOUND', `blob ${hash} not found`);
    // A copy, so a caller that scribbles on the result cannot change the store.
    return verifyBlob(ref, Buffer.from(stored));
  }

  async has(hash: string): Promise<boolean> {
    return this.blobs.has(assertBlobHash(hash));
  }

  get size(): number {
    return this.blobs.size;
  }
}
