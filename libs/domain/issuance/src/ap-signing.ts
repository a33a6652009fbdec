import { type KeyObject, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { CardProfile } from './card-profile';

/** The card applications whose data objects carry a signature. */
export type SignedApplication = 'text' | 'visual';

/**
 * Signature algorithms of AP data. RSA signatures are PKCS#1 v1.5; ECDSA signatures are the DER
 * ECDSA-Sig-Value of RFC 5480 / X9.62, as in X.509, so `openssl dgst -verify` checks them unchanged.
 */
export type ApSignatureAlgorithm = 'sha256WithRSAEncryption' | 'ecdsa-with-SHA256' | 'ecdsa-with-SHA384';

export interface ApSignature {
  readonly signature: Buffer;
  readonly algorithm: ApSignatureAlgorithm;
  /** DER of the AP data signing certificate whose key made the signature. */
  readonly signerCertificate: Buffer;
}

/**
 * The port through which issuance data gets its AP data signatures. The CA implements it with its AP data
 * signing keys (one per profile: RSA-2048 for legacy-rsa2048, ECDSA for next-gen); the key never leaves the
 * CA's signer. `data` is the exact byte string to sign (see the `signed*` functions in chip-data.ts); the
 * signer hashes it with the algorithm's digest.
 */
export interface ApDataSigner {
  sign(
    data: Buffer,
    profile: CardProfile,
    application: SignedApplication,
    card: SigningCard,
  ): Promise<ApSignature>;
}

/** Which card the data belongs to: the CA records what it signed for whom (never the data itself). */
export interface SigningCard {
  readonly applicationId: string;
  readonly cardNumber: string;
}

/** Permanent (the messaging layer parks it): the same signer answers the same way on a retry. */
export class ApSignatureError extends Error {
  override readonly name = 'ApSignatureError';
  readonly permanent = true;
  constructor(
    readonly code: 'WRONG_ALGORITHM_FOR_PROFILE' | 'BAD_CERTIFICATE' | 'DOES_NOT_VERIFY',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const DIGEST: Record<ApSignatureAlgorithm, 'sha256' | 'sha384'> = {
  sha256WithRSAEncryption: 'sha256',
  'ecdsa-with-SHA256': 'sha256',
  'ecdsa-with-SHA384': 'sha384',
};

/** Which algorithms a profile's chip data may be signed with: its readers only know these. */
export function algorithmsFor(profile: CardProfile): readonly ApSignatureAlgorithm[] {
  return profile === 'legacy-rsa2048'
    ? ['sha256WithRSAEncryption']
    : ['ecdsa-with-SHA256', 'ecdsa-with-SHA384'];
}

interface ParsedCertificate {
  /** SubjectPublicKeyInfo (DER). */
  readonly spki: Buffer;
  readonly key: KeyObject;
}

/**
 * Signer certificates already parsed, by their DER: a signer keeps one certificate per profile for months,
 * and parsing X.509 costs several times the signature check. Bounded, so rotations cannot grow it.
 */
const parsedCertificates = new Map<string, ParsedCertificate>();
const PARSED_CERTIFICATES_KEPT = 32;

function parsedCertificate(certificateDer: Buffer): ParsedCertificate {
  const id = certificateDer.toString('base64');
  const known = parsedCertificates.get(id);
  if (known) return known;
  let parsed: ParsedCertificate;
  try {
    const key = new X509Certificate(certificateDer).publicKey;
    parsed = { spki: key.export({ type: 'spki', format: 'der' }), key };
  } catch (error) {
    throw new ApSignatureError('BAD_CERTIFICATE', 'the signer certificate is not a DER X.509 certificate', {
      cause: error,
    });
  }
  if (parsedCertificates.size >= PARSED_CERTIFICATES_KEPT) parsedCertificates.clear();
  parsedCertificates.set(id, parsed);
  return parsed;
}

/** SubjectPublicKeyInfo (DER) of a certificate: what the visual AP stores as its public key. */
export function subjectPublicKeyInfo(certificateDer: Buffer): Buffer {
  return Buffer.from(parsedCertificate(certificateDer).spki);
}

/** Verifies an AP data signature against a certificate's key, as a reader (or the lane's read-back) does. */
export function verifyApSignature(
  data: Buffer,
  signature: Buffer,
  algorithm: ApSignatureAlgorithm,
  certificateDer: Buffer,
): boolean {
  const { key } = parsedCertificate(certificateDer);
  if ((algorithm === 'sha256WithRSAEncryption') !== (key.asymmetricKeyType === 'rsa')) return false;
  return verifySignature(DIGEST[algorithm], data, key, signature);
}

/** Signs and checks the result before it goes on a card: wrong algorithm or a bad signature never ship. */
export async function signChecked(
  signer: ApDataSigner,
  data: Buffer,
  profile: CardProfile,
  application: SignedApplication,
  card: SigningCard,
): Promise<ApSignature> {
  const result = await signer.sign(data, profile, application, card);
  if (!algorithmsFor(profile).includes(result.algorithm))
    throw new ApSignatureError(
      'WRONG_ALGORITHM_FOR_PROFILE',
      `${result.algorithm} is not an algorithm of the ${profile} profile`,
    );
  if (!verifyApSignature(data, result.signature, result.algorithm, result.signerCertificate))
    throw new ApSignatureError('DOES_NOT_VERIFY', `the ${application} AP signature does not verify`);
  return result;
}
