import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors';
import { type Keyring, type MasterKey, masterKey } from './master-key';

/**
 * Envelope encryption for personal data at rest.
 *
 * Each record gets a fresh random 256-bit data key. The data key encrypts the record with AES-256-GCM; the
 * master key wraps the data key, also with AES-256-GCM (chosen over AES key wrap for one primitive, a 128-bit
 * tag, and AAD support). Both operations authenticate the same associated data: the header (format version
 * and master key id, so neither can be swapped) followed by the caller's context string, e.g.
 * `intake:applicant:<applicationId>`. A sealed record copied into another record's row fails to open.
 *
 * Sealed format, version 1 (binary, self-describing):
 *
 *   offset  size  field
 *   0       4     magic "MNCE"
 *   4       1     version = 1
 *   5       1     key id length n (1-64)
 *   6       n     master key id (ASCII)
 *   6+n     12    IV of the data key wrap
 *   18+n    32    wrapped data key
 *   50+n    16    GCM tag of the wrap
 *   66+n    12    IV of the record
 *   78+n    16    GCM tag of the record
 *   94+n    …     ciphertext (same length as the plaintext)
 *
 * Random 96-bit IVs are safe here: a data key encrypts exactly one record, and a master key wraps well under
 * the 2^32 keys NIST SP 800-38D allows with random IVs before it should be rotated.
 */
const MAGIC = Buffer.from('MNCE', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

export class EnvelopeCipher {
  private readonly current: MasterKey;
  private readonly keysById: ReadonlyMap<string, MasterKey>;

  constructor(keyring: Keyring) {
    const keys = [keyring.current, ...(keyring.previous ?? [])].map((key) => masterKey(key.id, key.key));
    const keysById = new Map<string, MasterKey>();
    for (const key of keys) {
      if (keysById.has(key.id))
        throw new RangeError(`master key id "${key.id}" appears twice in the keyring`);
      keysById.set(key.id, key);
    }
    this.current = keys[0] as MasterKey;
    this.keysById = keysById;
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /** Seals `plaintext` (a string is taken as UTF-8) bound to `context`; open it with the same context. */
  encrypt(plaintext: Uint8Array | string, context: string): Buffer {
    const contextBytes = contextToBytes(context);
    const prefix = headerPrefix(this.current.id);
    const aad = Buffer.concat([prefix, contextBytes]);
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const wrapIv = randomBytes(IV_BYTES);
      const wrap = createCipheriv('aes-256-gcm', this.current.key, wrapIv).setAAD(aad);
      const wrappedKey = Buffer.concat([wrap.update(dataKey), wrap.final()]);
      const dataIv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey, dataIv).setAAD(aad);
      const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
      const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
      return Buffer.concat([
        prefix,
        wrapIv,
        wrappedKey,
        wrap.getAuthTag(),
        dataIv,
        cipher.getAuthTag(),
        ciphertext,
      ]);
    } finally {
      dataKey.fill(0);
    }
  }

  /** Opens a sealed record; any tampering, wrong context or unknown key is a {@link DecryptionError}. */
  decrypt(sealed: Uint8Array, context: string): Buffer {
    const contextBytes = contextToBytes(context);
    const parts = parseSealed(sealed);
    const key = this.keysById.get(parts.keyId);
    if (!key)
      throw new DecryptionError('UNKNOWN_KEY_ID', `no master key with id "${parts.keyId}" in the keyring`);
    const aad = Buffer.concat([parts.prefix, contextBytes]);
    let dataKey: Buffer | undefined;
    try {
      const unwrap = createDecipheriv('aes-256-gcm', key.key, parts.wrapIv)
        .setAAD(aad)
        .setAuthTag(parts.wrapTag);
      dataKey = Buffer.concat([unwrap.update(parts.wrappedKey), unwrap.final()]);
      const decipher = createDecipheriv('aes-256-gcm', dataKey, parts.dataIv)
        .setAAD(aad)
        .setAuthTag(parts.dataTag);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    } catch {
      throw new DecryptionError(
        'AUTHENTICATION_FAILED',
        'sealed record failed authentication (tampered, wrong context or wrong key)',
      );
    } finally {
      dataKey?.fill(0);
    }
  }

  /** Id of the master key a sealed record was wrapped with, read from its header without decrypting. */
  keyIdOf(sealed: Uint8Array): string {
    return parseSealed(sealed).keyId;
  }

  /**
   * Re-seals a record under the current master key, for rotation jobs; returns it unchanged when it already
   * uses the current key. Retire an old key only after every record has gone through this.
   */
  reseal(sealed: Uint8Array, context: string): Buffer {
    if (this.keyIdOf(sealed) === this.current.id) return Buffer.from(sealed);
    const plaintext = this.decrypt(sealed, context);
    try {
      return this.encrypt(plaintext, context);
    } finally {
      plaintext.fill(0);
    }
  }
}

/** A new random master key, for tests and for bootstrapping a development environment. */
export function generateMasterKey(id: string): MasterKey {
  return masterKey(id, randomBytes(32));
}

function contextToBytes(context: string): Buffer {
  // An empty context would bind nothing, which is always a caller bug.
  if (context.length === 0) throw new RangeError('an encryption context (AAD) is required');
  return Buffer.from(context, 'utf8');
}

function headerPrefix(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id]);
}

interface SealedParts {
  readonly prefix: Buffer;
  readonly keyId: string;
  readonly wrapIv: Buffer;
  readonly wrappedKey: Buffer;
  readonly wrapTag: Buffer;
  readonly dataIv: Buffer;
  readonly dataTag: Buffer;
  readonly ciphertext: Buffer;
}

function parseSealed(sealed: Uint8Array): SealedParts {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < 6 || !bytes.subarray(0, 4).equals(MAGIC)) {
    throw new DecryptionError('MALFORMED', 'not a sealed record (bad magic)');
  }
  if (bytes[4] !== VERSION)
    throw new DecryptionError('UNSUPPORTED_VERSION', `sealed format version ${bytes[4]} is not supported`);
  const keyIdLength = bytes[5] as number;
  const prefixLength = 6 + keyIdLength;
  if (
    keyIdLength === 0 ||
    bytes.length < prefixLength + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES + IV_BYTES + TAG_BYTES
  ) {
    throw new DecryptionError('MALFORMED', 'sealed record is truncated');
  }
  let offset = prefixLength;
  const take = (length: number) => bytes.subarray(offset, (offset += length));
  const wrapIv = take(IV_BYTES);
  const wrappedKey = take(DATA_KEY_BYTES);
  const wrapTag = take(TAG_BYTES);
  const dataIv = take(IV_BYTES);
  const dataTag = take(TAG_BYTES);
  return {
    prefix: bytes.subarray(0, prefixLength),
    keyId: bytes.subarray(6, prefixLength).toString('ascii'),
    wrapIv,
    wrappedKey,
    wrapTag,
    dataIv,
    dataTag,
    ciphertext: bytes.subarray(offset),
  };
}
