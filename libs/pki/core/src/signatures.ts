import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ALGORITHMS, type SignatureAlgorithm } from './algorithms';
import type { CardKeyPurpose } from './profiles';

/**
 * Verifies a signature over `data` made with the key `publicKey` (SubjectPublicKeyInfo DER). ECDSA
 * signatures may be DER (as X.509 carries them) or raw r‖s (IEEE P1363, as many cards return them);
 * RSA signatures are PKCS#1 v1.5.
 */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  publicKey: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const info = ALGORITHMS[algorithm];
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    if (info.keyType === 'rsa') return nodeVerify(info.hash, data, key, signature);
    const dsaEncoding = signature.length === 2 * info.size ? 'ieee-p1363' : 'der';
    return nodeVerify(info.hash, data, { key, dsaEncoding }, signature);
  } catch {
    return false;
  }
}

/**
 * Proof of possession, version 1. The card signs, with the new on-card key, the UTF-8 text
 *
 *   mnc-pki-pop/v1 LF <card number> LF <purpose> LF <attempt id> LF <hex SHA-256 of the SubjectPublicKeyInfo DER>
 *
 * hashed with the algorithm's hash (SHA-256 for RSA-2048 and P-256, SHA-384 for P-384). The binding to card,
 * purpose and physical attempt means a proof cannot be replayed for another card, another key slot or
 * another attempt; the binding to the key means it cannot certify a key the card does not hold.
 */
export const PROOF_OF_POSSESSION_CONTEXT = 'mnc-pki-pop/v1';

export interface ProofOfPossessionInput {
  readonly cardNumber: string;
  readonly purpose: CardKeyPurpose;
  readonly attemptId: string;
  /** SubjectPublicKeyInfo DER of the on-card key. */
  readonly publicKey: Uint8Array;
}

export function proofOfPossessionMessage(input: ProofOfPossessionInput): Uint8Array {
  const keyHash = createHash('sha256').update(input.publicKey).digest('hex');
  return new Uint8Array(
    Buffer.from(
      [PROOF_OF_POSSESSION_CONTEXT, input.cardNumber, input.purpose, input.attemptId, keyHash].join('\n'),
      'utf8',
    ),
  );
}

/** The digest a card signs (for a card whose SIGN command takes a hash, or a DigestInfo for RSA). */
export function proofOfPossessionDigest(
  input: ProofOfPossessionInput,
  algorithm: SignatureAlgorithm,
): Uint8Array {
  return new Uint8Array(
    createHash(ALGORITHMS[algorithm].hash).update(proofOfPossessionMessage(input)).digest(),
  );
}

export function verifyProofOfPossession(
  input: ProofOfPossessionInput,
  algorithm: SignatureAlgorithm,
  proof: Uint8Array,
): boolean {
  return verifySignature(algorithm, input.publicKey, proofOfPossessionMessage(input), proof);
}
