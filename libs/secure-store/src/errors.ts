/**
 * Typed failures of the secure store. All are permanent (`permanent: true`, read by the messaging layer):
 * retrying the same bytes with the same keys can never succeed; they go to a person via the dead-letter path.
 * Messages never include plaintext, keys or AAD contents.
 */
export type DecryptionErrorCode =
  /** Too short, wrong magic bytes or inconsistent lengths. */
  | 'MALFORMED'
  /** A format version this code does not read. */
  | 'UNSUPPORTED_VERSION'
  /** Sealed under a master key id the keyring does not hold (a retired key, or another environment's). */
  | 'UNKNOWN_KEY_ID'
  /** Tampered bytes, wrong AAD (ciphertext moved to another record) or the wrong key: GCM cannot tell which. */
  | 'AUTHENTICATION_FAILED';

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly permanent = true;
  constructor(
    readonly code: DecryptionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type BlobStoreErrorCode = 'NOT_FOUND' | 'INTEGRITY' | 'INVALID_HASH';

export class BlobStoreError extends Error {
  override readonly name = 'BlobStoreError';
  readonly permanent = true;
  constructor(
    readonly code: BlobStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
