import { OID } from './oids';

/** The signature algorithms of this CA: one per key family. */
export const SIGNATURE_ALGORITHMS = ['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export type HashName = 'sha256' | 'sha384';

export interface AlgorithmInfo {
  readonly algorithm: SignatureAlgorithm;
  /** Short name used in CA ids and URLs. */
  readonly family: 'p256' | 'p384' | 'rsa2048';
  readonly hash: HashName;
  /** OID of the signature algorithm (AlgorithmIdentifier.algorithm). */
  readonly signatureOid: string;
  /** Key type: EC with this named curve, or RSA. */
  readonly keyType: 'ec' | 'rsa';
  readonly curveOid?: string;
  /** Bytes of one coordinate / scalar (EC) or of the modulus (RSA). */
  readonly size: number;
  readonly nodeCurve?: 'P-256' | 'P-384';
}

export const ALGORITHMS: Readonly<Record<SignatureAlgorithm, AlgorithmInfo>> = {
  'ecdsa-p256-sha256': {
    algorithm: 'ecdsa-p256-sha256',
    family: 'p256',
    hash: 'sha256',
    signatureOid: OID.ecdsaWithSha256,
    keyType: 'ec',
    curveOid: OID.secp256r1,
    size: 32,
    nodeCurve: 'P-256',
  },
  'ecdsa-p384-sha384': {
    algorithm: 'ecdsa-p384-sha384',
    family: 'p384',
    hash: 'sha384',
    signatureOid: OID.ecdsaWithSha384,
    keyType: 'ec',
    curveOid: OID.secp384r1,
    size: 48,
    nodeCurve: 'P-384',
  },
  'rsa2048-sha256': {
    algorithm: 'rsa2048-sha256',
    family: 'rsa2048',
    hash: 'sha256',
    signatureOid: OID.sha256WithRsa,
    keyType: 'rsa',
    size: 256,
  },
};

export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithm {
  return typeof value === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

/** The card profiles and which algorithms each may use (domain.md: cryptography). */
export const CARD_PROFILES = ['legacy-rsa2048', 'next-gen'] as const;
export type CardProfile = (typeof CARD_PROFILES)[number];

export const PROFILE_ALGORITHMS: Readonly<Record<CardProfile, readonly SignatureAlgorithm[]>> = {
  'legacy-rsa2048': ['rsa2048-sha256'],
  'next-gen': ['ecdsa-p256-sha256', 'ecdsa-p384-sha384'],
};

export function isCardProfile(value: unknown): value is CardProfile {
  return typeof value === 'string' && (CARD_PROFILES as readonly string[]).includes(value);
}

/** The algorithm a profile uses when the request names none: P-256 for next-gen (strength 128). */
export function defaultAlgorithm(profile: CardProfile): SignatureAlgorithm {
  return PROFILE_ALGORITHMS[profile][0]!;
}
