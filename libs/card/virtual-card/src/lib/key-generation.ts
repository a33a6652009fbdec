// On-card key generation and private-key operations. The private key never leaves the card: only the public
// key and signatures are answered.
//
// EC uses node:crypto's ECDH for the scalar multiplication (k·G) and bigint arithmetic for the rest of
// ECDSA, because SIGN takes a digest the host computed and node:crypto's ECDSA always hashes its input.
// (@noble/curves is ESM-only and the test runner loads CommonJS.)
import {
  constants,
  createECDH,
  createPrivateKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject as NodeKeyObject,
  privateEncrypt,
  randomBytes,
} from 'node:crypto';
import { CardPublicKey, encodeEcdsaSignature, KeyAlgorithm } from '@mnc/card-profiles';
import { KeyMaterial } from './card-objects';

type EcAlgorithm = Exclude<KeyAlgorithm, 'rsa-2048'>;

const CURVES: Readonly<
  Record<EcAlgorithm, { readonly name: string; readonly n: bigint; readonly size: number }>
> = {
  'ec-p256': {
    name: 'prime256v1',
    n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    size: 32,
  },
  'ec-p384': {
    name: 'secp384r1',
    n: BigInt(
      '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ),
    size: 48,
  },
};

/** How a card makes a key pair for GENERATE ASYMMETRIC KEY PAIR. */
export type KeyGenerator = (algorithm: KeyAlgorithm) => KeyMaterial;

const RSA_PARAMETERS = { modulusLength: 2048, publicExponent: 0x10001 } as const;

function rsaKeyMaterial(privateKey: NodeKeyObject, publicKey: NodeKeyObject): KeyMaterial {
  const jwk = publicKey.export({ format: 'jwk' });
  const fromB64 = (text: string | undefined) => new Uint8Array(Buffer.from(text ?? '', 'base64url'));
  return {
    privateKey: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    publicKey: { algorithm: 'rsa-2048', modulus: fromB64(jwk.n), exponent: fromB64(jwk.e) },
  };
}

export const generateKeyMaterial: KeyGenerator = (algorithm) => {
  if (algorithm === 'rsa-2048') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', RSA_PARAMETERS);
    return rsaKeyMaterial(privateKey, publicKey);
  }
  const curve = CURVES[algorithm];
  const ecdh = createECDH(curve.name);
  ecdh.generateKeys();
  return {
    privateKey: leftPad(new Uint8Array(ecdh.getPrivateKey()), curve.size),
    publicKey: { algorithm, point: new Uint8Array(ecdh.getPublicKey(null, 'uncompressed')) },
  };
};

/**
 * RSA-2048 key pairs made ahead of need on libuv's thread pool, so GENERATE KEY answers at once: how the
 * simulator sets a chip's key-generation time (seconds on a real card) to zero. Each pair is handed to one
 * card only and never leaves the card process; an empty reserve generates inline, like a card. EC keys
 * are always made on demand (well under a millisecond).
 */
export class RsaKeyReserve {
  private readonly ready: KeyMaterial[] = [];
  private inFlight = 0;
  private closed = false;

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`reserve size must be ≥ 1, not ${size}`);
    this.refill();
  }

  /** Pairs ready to hand out now. */
  get available(): number {
    return this.ready.length;
  }

  readonly generate: KeyGenerator = (algorithm) => {
    if (algorithm !== 'rsa-2048') return generateKeyMaterial(algorithm);
    const taken = this.ready.shift();
    this.refill();
    return taken ?? generateKeyMaterial(algorithm);
  };

  /** Stops refilling; pairs being made are dropped when they arrive. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
  }

  private refill(): void {
    while (!this.closed && this.ready.length + this.inFlight < this.size) {
      this.inFlight++;
      generateKeyPair('rsa', RSA_PARAMETERS, (error, publicKey, privateKey) => {
        this.inFlight--;
        // A failure leaves a gap the next take refills; the card then generates inline if it must.
        if (!error && !this.closed) this.ready.push(rsaKeyMaterial(privateKey, publicKey));
      });
    }
  }
}

/** PKCS#1 v1.5 type 1 padding and the RSA private operation over a DigestInfo the host built. */
export function rsaSignDigestInfo(material: KeyMaterial, digestInfo: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: Buffer.from(material.privateKey), format: 'der', type: 'pkcs8' });
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo));
}

/** ECDSA over a digest (FIPS 186-4 §6.4), answered as a DER ECDSA-Sig-Value. */
export function ecdsaSignDigest(
  algorithm: EcAlgorithm,
  material: KeyMaterial,
  digest: Uint8Array,
): Uint8Array {
  const { name, n, size } = CURVES[algorithm];
  const d = toBigInt(material.privateKey);
  // The leftmost bits of the digest, as many as the order has.
  const z = toBigInt(digest.subarray(0, size));
  for (;;) {
    const k = toBigInt(randomBytes(size));
    if (k === 0n || k >= n) continue;
    const ecdh = createECDH(name);
    ecdh.setPrivateKey(Buffer.from(leftPad(toBytes(k), size)));
    const point = ecdh.getPublicKey(null, 'uncompressed');
    const r = toBigInt(point.subarray(1, 1 + size)) % n;
    if (r === 0n) continue;
    const s = (modPow(k, n - 2n, n) * ((z + r * d) % n)) % n;
    if (s === 0n) continue;
    return encodeEcdsaSignature(r, s);
  }
}

export function isRsa(algorithm: KeyAlgorithm): algorithm is 'rsa-2048' {
  return algorithm === 'rsa-2048';
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function toBytes(value: bigint): Uint8Array {
  const text = value.toString(16);
  return new Uint8Array(Buffer.from(text.length % 2 ? `0${text}` : text, 'hex'));
}

function leftPad(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length >= size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export type { CardPublicKey };
