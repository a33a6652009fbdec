import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  type KeyObject,
} from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { ALGORITHMS, type SignatureAlgorithm } from './algorithms';

/**
 * Whatever holds a CA private key. `sign` takes the bytes to be signed (a TBSCertificate, a TBSCertList,
 * an OCSP ResponseData, AP data), hashes them with the algorithm's hash and returns the signature as X.509
 * carries it: DER Ecdsa-Sig-Value for ECDSA, PKCS#1 v1.5 for RSA. The private key never leaves the signer.
 */
export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  /** Which implementation signs: for logs, metrics and the benchmark. */
  readonly backend: 'noble' | 'node' | 'pkcs11';
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export type SoftwareEngine = 'noble' | 'node';

/** A fresh software CA key, as PKCS#8 DER (to be sealed at rest by the caller). */
export function generateSoftwareKey(algorithm: SignatureAlgorithm): Buffer {
  const info = ALGORITHMS[algorithm];
  const { privateKey } =
    info.keyType === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
      : generateKeyPairSync('ec', { namedCurve: info.nodeCurve! });
  return privateKey.export({ format: 'der', type: 'pkcs8' });
}

/**
 * A software signer over a PKCS#8 key. ECDSA signs with @noble/curves by default (the project's choice
 * for next-gen) or with node:crypto; RSA always signs with node:crypto (noble has no RSA).
 */
export function softwareSigner(
  algorithm: SignatureAlgorithm,
  pkcs8: Uint8Array,
  engine: SoftwareEngine = 'noble',
): Signer {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  assertKeyMatches(algorithm, key);
  const info = ALGORITHMS[algorithm];
  if (info.keyType === 'ec' && engine === 'noble') return new NobleEcdsaSigner(algorithm, key);
  return new NodeSigner(algorithm, key);
}

function assertKeyMatches(algorithm: SignatureAlgorithm, key: KeyObject): void {
  const info = ALGORITHMS[algorithm];
  const details = key.asymmetricKeyDetails ?? {};
  const ok =
    info.keyType === 'rsa'
      ? key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048
      : key.asymmetricKeyType === 'ec' &&
        details.namedCurve === (info.nodeCurve === 'P-256' ? 'prime256v1' : 'secp384r1');
  if (!ok) throw new TypeError(`the key does not fit ${algorithm}`);
}

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
}

class NodeSigner implements Signer {
  readonly backend = 'node';
  readonly publicKey: Uint8Array;
  constructor(
    readonly algorithm: SignatureAlgorithm,
    private readonly key: KeyObject,
  ) {
    this.publicKey = spkiOf(key);
  }
  sign(data: Uint8Array): Promise<Uint8Array> {
    const info = ALGORITHMS[this.algorithm];
    return Promise.resolve(
      new Uint8Array(
        nodeSign(info.hash, data, info.keyType === 'ec' ? { key: this.key, dsaEncoding: 'der' } : this.key),
      ),
    );
  }
}

// Wider base-point tables than noble's default (8) make k·G, most of a signature's cost, about 40% faster
// for a few megabytes of memory; done once per curve, on first use.
const PRECOMPUTE_WINDOW = 10;
const precomputed = new Set<string>();

class NobleEcdsaSigner implements Signer {
  readonly backend = 'noble';
  readonly publicKey: Uint8Array;
  private readonly secretKey: Uint8Array;
  private readonly curve: typeof p256;
  constructor(
    readonly algorithm: SignatureAlgorithm,
    key: KeyObject,
  ) {
    this.publicKey = spkiOf(key);
    const jwk = key.export({ format: 'jwk' });
    this.secretKey = new Uint8Array(Buffer.from(jwk.d!, 'base64url'));
    this.curve = algorithm === 'ecdsa-p256-sha256' ? p256 : p384;
    if (!precomputed.has(algorithm)) {
      this.curve.Point.BASE.precompute(PRECOMPUTE_WINDOW, false);
      precomputed.add(algorithm);
    }
  }
  sign(data: Uint8Array): Promise<Uint8Array> {
    // noble hashes with the curve's own hash (SHA-256 for P-256, SHA-384 for P-384), as the OIDs say.
    // lowS is a Bitcoin convention; X.509 verifiers accept either s, so skip the extra work.
    return Promise.resolve(this.curve.sign(data, this.secretKey, { format: 'der', lowS: false }));
  }
}
