import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type SignatureAlgorithm } from './algorithms';
import type { SignatureSubject } from './profiles';
import { proofOfPossessionMessage, type ProofOfPossessionInput } from './signatures';

/** What a card does at personalisation, in software: a key pair and the proof that it holds the key. */
export interface SimulatedCardKey {
  readonly privateKey: KeyObject;
  readonly publicKey: Uint8Array;
}

export function simulatedCardKey(algorithm: SignatureAlgorithm): SimulatedCardKey {
  const info = ALGORITHMS[algorithm];
  const { privateKey, publicKey } =
    info.keyType === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: info.nodeCurve! });
  return { privateKey, publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })) };
}

export function simulatedProof(
  algorithm: SignatureAlgorithm,
  key: SimulatedCardKey,
  input: Omit<ProofOfPossessionInput, 'publicKey'>,
  encoding: 'der' | 'ieee-p1363' = 'ieee-p1363',
): Uint8Array {
  const info = ALGORITHMS[algorithm];
  const message = proofOfPossessionMessage({ ...input, publicKey: key.publicKey });
  return new Uint8Array(
    sign(
      info.hash,
      message,
      info.keyType === 'rsa' ? key.privateKey : { key: key.privateKey, dsaEncoding: encoding },
    ),
  );
}

/** A fictional person (synthetic test data only). */
export const FICTIONAL_PERSON: SignatureSubject = {
  name: '試験 花子',
  address: '架空県見本市試験町1-2-3',
  birthDate: '1990-04-01',
  sex: '2',
};
