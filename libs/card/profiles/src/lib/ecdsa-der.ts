// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } in DER: what SIGN and INTERNAL AUTHENTICATE answer
// for EC keys (as PIV does), so X.509 and CMS take it unchanged and openssl verifies it directly.
import { concatBytes } from './bytes';

function derInteger(value: bigint): Uint8Array {
  let hexValue = value.toString(16);
  if (hexValue.length % 2 === 1) hexValue = `0${hexValue}`;
  let bytes: Uint8Array = Uint8Array.from(Buffer.from(hexValue, 'hex'));
  if (bytes[0] & 0x80) bytes = concatBytes(Uint8Array.of(0), bytes);
  return concatBytes(Uint8Array.of(0x02, bytes.length), bytes);
}

export function encodeEcdsaSignature(r: bigint, s: bigint): Uint8Array {
  const body = concatBytes(derInteger(r), derInteger(s));
  const length = body.length < 0x80 ? Uint8Array.of(body.length) : Uint8Array.of(0x81, body.length);
  return concatBytes(Uint8Array.of(0x30), length, body);
}

export function decodeEcdsaSignature(der: Uint8Array): { r: bigint; s: bigint } {
  let at = 0;
  const fail = () => new RangeError('not a DER ECDSA-Sig-Value');
  if (der[at++] !== 0x30) throw fail();
  let length = der[at++];
  if (length === 0x81) length = der[at++];
  if (at + length !== der.length) throw fail();
  const integer = (): bigint => {
    if (der[at++] !== 0x02) throw fail();
    const size = der[at++];
    const value = der.subarray(at, at + size);
    if (value.length !== size || size === 0) throw fail();
    at += size;
    return BigInt(`0x${Buffer.from(value).toString('hex')}`);
  };
  const r = integer();
  const s = integer();
  if (at !== der.length) throw fail();
  return { r, s };
}
