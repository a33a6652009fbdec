/** A master key with the id stored beside every record it protects, so old records find their key after rotation. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export const MASTER_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Parses a 256-bit master key written as 64 hex digits or as base64 / base64url (43 characters, optional `=`),
 * the forms a secret manager or `openssl rand` produce. Anything else is refused rather than guessed at.
 */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === MASTER_KEY_BYTES) return key;
  }
  throw new RangeError('a master key must be 32 bytes written as 64 hex digits or as base64');
}

export function masterKey(id: string, key: Buffer | string): MasterKey {
  if (!KEY_ID.test(id)) throw new RangeError('a master key id is 1-64 characters of A-Z a-z 0-9 . _ -');
  const bytes = typeof key === 'string' ? parseMasterKey(key) : Buffer.from(key);
  if (bytes.length !== MASTER_KEY_BYTES) throw new RangeError('a master key must be 32 bytes');
  return { id, key: bytes };
}

/** The key new records are sealed with, plus retired keys still needed to open old records. */
export interface Keyring {
  readonly current: MasterKey;
  readonly previous?: readonly MasterKey[];
}
