/**
 * Object identifiers. The project's own ones sit under 1.3.6.1.4.1.32473, the Private Enterprise Number
 * that RFC 5612 reserves for documentation examples: it is NOT a registered arc of this project and must
 * be replaced with a real PEN (or a J-LIS arc) before anything here is used outside tests.
 */
export const PROJECT_ARC = '1.3.6.1.4.1.32473';

export const OID = {
  // Certificate policies, one per purpose (project arc .1).
  policyJpkiSignature: `${PROJECT_ARC}.1.1`,
  policyJpkiUserAuthentication: `${PROJECT_ARC}.1.2`,
  policyCardAuthentication: `${PROJECT_ARC}.1.3`,
  policyApDataSigning: `${PROJECT_ARC}.1.4`,
  policyCa: `${PROJECT_ARC}.1.9`,
  // CRL entry extension and OCSP single extension: the sub-reason of a revocation (project arc .2).
  revocationSubReason: `${PROJECT_ARC}.2.1`,
  // Extended key usage of the AP data signer (project arc .3).
  kpApDataSigning: `${PROJECT_ARC}.3.1`,
  // Subject directory attribute: sex as the JIS X 0303 / ISO/IEC 5218 code (project arc .4).
  attributeSexCode: `${PROJECT_ARC}.4.1`,

  // Standard ones.
  ecPublicKey: '1.2.840.10045.2.1',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  /** id-PIV-cardAuth (NIST SP 800-73 / FIPS 201): a key that proves the card without a PIN. */
  kpPivCardAuth: '2.16.840.1.101.3.6.8',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  /** RFC 3739 subject directory attribute: dateOfBirth (GeneralizedTime). */
  attributeDateOfBirth: '1.3.6.1.5.5.7.9.1',
  // X.520 name attributes.
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  streetAddress: '2.5.4.9',
  serialNumber: '2.5.4.5',
} as const;
