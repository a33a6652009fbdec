// PKCS#1 v1.5 DigestInfo prefixes: what a host puts in front of a hash before SIGN with an RSA key.
import { concatBytes, fromHex } from './bytes';

const PREFIX = {
  sha256: fromHex('3031300d060960864801650304020105000420'),
  sha384: fromHex('3041300d060960864801650304020205000430'),
  sha512: fromHex('3051300d060960864801650304020305000440'),
} as const;

export type DigestAlgorithm = keyof typeof PREFIX;

export function digestInfo(algorithm: DigestAlgorithm, digest: Uint8Array): Uint8Array {
  return concatBytes(PREFIX[algorithm], digest);
}
