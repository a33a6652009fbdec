// The public key data object GENERATE ASYMMETRIC KEY PAIR answers (ISO 7816-8 style):
//   RSA: 7F49 L { 81 L modulus, 82 L public exponent }
//   EC:  7F49 L { 86 L uncompressed point 04 || X || Y }
import { createPublicKey, KeyObject } from 'node:crypto';
import { concatBytes } from './bytes';
import { KeyAlgorithm } from './profiles';
import { encodeTlv, parseTlvs, readTlv } from './tlv';

export const TAG_PUBLIC_KEY = 0x7f49;
export const TAG_MODULUS = 0x81;
export const TAG_EXPONENT = 0x82;
export const TAG_EC_POINT = 0x86;

export type CardPublicKey =
  | { readonly algorithm: 'rsa-2048'; readonly modulus: Uint8Array; readonly exponent: Uint8Array }
  | { readonly algorithm: 'ec-p256' | 'ec-p384'; readonly point: Uint8Array };

export class MalformedPublicKeyError extends Error {
  readonly code = 'MALFORMED_PUBLIC_KEY' as const;
  constructor(reason: string) {
    super(`malformed public key data object: ${reason}`);
    this.name = 'MalformedPublicKeyError';
  }
}

const POINT_LENGTH: Readonly<Record<'ec-p256' | 'ec-p384', number>> = { 'ec-p256': 65, 'ec-p384': 97 };

export function encodePublicKey(key: CardPublicKey): Uint8Array {
  const inner =
    key.algorithm === 'rsa-2048'
      ? concatBytes(encodeTlv(TAG_MODULUS, key.modulus), encodeTlv(TAG_EXPONENT, key.exponent))
      : encodeTlv(TAG_EC_POINT, key.point);
  return encodeTlv(TAG_PUBLIC_KEY, inner);
}

export function parsePublicKey(data: Uint8Array): CardPublicKey {
  const outer = readTlv(data, 0);
  if (outer === undefined || outer.tag !== TAG_PUBLIC_KEY || outer.end !== data.length) {
    throw new MalformedPublicKeyError('expected one 7F49 object');
  }
  const fields = new Map(parseTlvs(outer.value).map((item) => [item.tag, item.value]));
  const modulus = fields.get(TAG_MODULUS);
  const exponent = fields.get(TAG_EXPONENT);
  const point = fields.get(TAG_EC_POINT);
  if (modulus !== undefined && exponent !== undefined) {
    if (modulus.length !== 256) throw new MalformedPublicKeyError('an RSA-2048 modulus is 256 bytes');
    return { algorithm: 'rsa-2048', modulus, exponent };
  }
  if (point !== undefined && point[0] === 0x04) {
    if (point.length === POINT_LENGTH['ec-p256']) return { algorithm: 'ec-p256', point };
    if (point.length === POINT_LENGTH['ec-p384']) return { algorithm: 'ec-p384', point };
  }
  throw new MalformedPublicKeyError('neither an RSA-2048 nor an uncompressed P-256/P-384 key');
}

const CURVE: Readonly<Record<'ec-p256' | 'ec-p384', string>> = { 'ec-p256': 'P-256', 'ec-p384': 'P-384' };

/** The key as a node:crypto KeyObject, e.g. to verify a signature or export SPKI for a CSR. */
export function publicKeyObject(key: CardPublicKey): KeyObject {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  if (key.algorithm === 'rsa-2048') {
    return createPublicKey({ key: { kty: 'RSA', n: b64(key.modulus), e: b64(key.exponent) }, format: 'jwk' });
  }
  const size = (key.point.length - 1) / 2;
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: CURVE[key.algorithm],
      x: b64(key.point.subarray(1, 1 + size)),
      y: b64(key.point.subarray(1 + size)),
    },
    format: 'jwk',
  });
}

/** DER SubjectPublicKeyInfo of the key. */
export function publicKeySpki(key: CardPublicKey): Uint8Array {
  return new Uint8Array(publicKeyObject(key).export({ type: 'spki', format: 'der' }));
}

export function algorithmOf(key: CardPublicKey): KeyAlgorithm {
  return key.algorithm;
}
