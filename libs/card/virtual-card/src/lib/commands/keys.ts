// GENERATE ASYMMETRIC KEY PAIR (and reading its public key), SIGN and INTERNAL AUTHENTICATE on the key
// objects of the selected AP. During personalisation the keys sign without a PIN, so the encoder can get
// the proof of possession for the certificate request before any PIN is set; once the card is operational
// each operation requires the condition the profile gives it.
import { createHash } from 'node:crypto';
import { AccessCondition, EC_HASH, encodePublicKey, KEY_PAIR_P1, SW } from '@mnc/card-profiles';
import {
  CardRuntime,
  CommandHandler,
  refuse,
  referencedKey,
  SelectedApplication,
  success,
} from '../card-runtime';
import { KeyMaterial, KeyObject } from '../card-objects';
import { ecdsaSignDigest, isRsa, rsaSignDigestInfo } from '../key-generation';

/** RSA-2048: PKCS#1 v1.5 type 1 padding needs at least 11 bytes of the 256. */
const MAX_DIGEST_INFO = 256 - 11;

export const generateAsymmetricKeyPair: CommandHandler = (command, card) => {
  if (command.p1 !== KEY_PAIR_P1.GENERATE && command.p1 !== KEY_PAIR_P1.READ_PUBLIC_KEY)
    refuse(SW.INCORRECT_P1_P2);
  if (command.data.length > 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  const { key } = referencedKey(command.p2, card);
  if (command.p1 === KEY_PAIR_P1.GENERATE) {
    if (card.memory.lifeCycle !== 'personalisation') refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
    key.material = card.generateKey(key.definition.algorithm);
    card.persistentStateChanged();
  }
  if (key.material === undefined) refuse(SW.REFERENCED_DATA_NOT_FOUND);
  return success(encodePublicKey(key.material.publicKey));
};

function usableKey(
  card: CardRuntime,
  p2: number,
  operation: 'sign' | 'internalAuthenticate',
): { key: KeyObject; material: KeyMaterial; application: SelectedApplication } {
  const { key, application } = referencedKey(p2, card);
  const condition: AccessCondition | undefined = key.definition[operation];
  if (condition === undefined) refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const material = key.material;
  if (material === undefined) return refuse(SW.REFERENCED_DATA_NOT_FOUND);
  if (card.memory.lifeCycle === 'operational' && !application.security.satisfies(condition))
    refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  return { key, material, application };
}

/** SIGN 80 2A 00 P2 Lc input Le: RSA over a DigestInfo, EC over a digest of the curve's hash length. */
export const sign: CommandHandler = (command, card) => {
  if (command.p1 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length === 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  const { key, material } = usableKey(card, command.p2, 'sign');
  const algorithm = key.definition.algorithm;
  if (isRsa(algorithm)) {
    if (command.data.length > MAX_DIGEST_INFO) refuse(SW.INCORRECT_DATA);
    return success(rsaSignDigestInfo(material, command.data));
  }
  if (command.data.length !== EC_HASH[algorithm].length) refuse(SW.INCORRECT_DATA);
  return success(ecdsaSignDigest(algorithm, material, command.data));
};

/**
 * INTERNAL AUTHENTICATE 00 88 00 P2 Lc challenge Le (next-gen, EC keys): the card hashes the challenge
 * itself, so a key usable without PIN (card authentication) cannot be made to sign a chosen digest.
 */
export const internalAuthenticate: CommandHandler = (command, card) => {
  if (command.p1 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length === 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  const { key, material } = usableKey(card, command.p2, 'internalAuthenticate');
  const algorithm = key.definition.algorithm;
  if (isRsa(algorithm)) return refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const digest = new Uint8Array(createHash(EC_HASH[algorithm].hash).update(command.data).digest());
  return success(ecdsaSignDigest(algorithm, material, digest));
};
