import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { ECParameters } from '@peculiar/asn1-ecc';
import { p256, p384 } from '@noble/curves/nist.js';
import { ALGORITHMS, type SignatureAlgorithm } from './algorithms';
import { PkiRequestError } from './errors';
import { OID } from './oids';

/**
 * Checks that `spkiDer` is a well-formed SubjectPublicKeyInfo of `algorithm`'s family: an EC point that lies
 * on the named curve (P-256 / P-384), or an RSA-2048 modulus with an odd public exponent ≥ 65537.
 * Returns the key re-encoded, so what the certificate carries is canonical DER.
 */
export function validatePublicKey(
  spkiDer: Uint8Array,
  algorithm: SignatureAlgorithm,
  field = 'publicKey',
): Uint8Array {
  let spki: SubjectPublicKeyInfo;
  try {
    spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  } catch {
    throw new PkiRequestError('public-key-malformed', field, 'not a DER SubjectPublicKeyInfo');
  }
  const info = ALGORITHMS[algorithm];
  const keyOid = spki.algorithm.algorithm;
  if (info.keyType === 'ec') {
    if (keyOid !== OID.ecPublicKey)
      throw new PkiRequestError('public-key-algorithm-mismatch', field, `${algorithm} needs an EC key`);
    const curveOid = spki.algorithm.parameters
      ? AsnConvert.parse(spki.algorithm.parameters, ECParameters).namedCurve
      : undefined;
    if (curveOid !== info.curveOid)
      throw new PkiRequestError(
        'public-key-algorithm-mismatch',
        field,
        `${algorithm} needs a key on ${info.nodeCurve}`,
      );
    const point = new Uint8Array(spki.subjectPublicKey);
    const expected = 1 + 2 * info.size;
    if (point.length !== expected || point[0] !== 0x04)
      throw new PkiRequestError(
        'public-key-malformed',
        field,
        `the EC point must be uncompressed (${expected} bytes)`,
      );
    try {
      (algorithm === 'ecdsa-p256-sha256' ? p256 : p384).Point.fromBytes(point).assertValidity();
    } catch {
      throw new PkiRequestError('public-key-not-on-curve', field, `the EC point is not on ${info.nodeCurve}`);
    }
  } else {
    if (keyOid !== OID.rsaEncryption)
      throw new PkiRequestError('public-key-algorithm-mismatch', field, `${algorithm} needs an RSA key`);
    let rsa: RSAPublicKey;
    try {
      rsa = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
    } catch {
      throw new PkiRequestError('public-key-malformed', field, 'not a DER RSAPublicKey');
    }
    const modulus = bigintOf(new Uint8Array(rsa.modulus));
    const exponent = bigintOf(new Uint8Array(rsa.publicExponent));
    if (modulus.toString(2).length !== 2048)
      throw new PkiRequestError('public-key-algorithm-mismatch', field, 'the RSA modulus must be 2048 bits');
    if (exponent < 65537n || exponent % 2n === 0n)
      throw new PkiRequestError(
        'public-key-malformed',
        field,
        'the RSA public exponent must be odd and ≥ 65537',
      );
  }
  return new Uint8Array(AsnConvert.serialize(spki));
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}
