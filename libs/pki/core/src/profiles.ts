import type { CardProfile } from './algorithms';
import { OID } from './oids';

/** What an on-card key is for; each has its own issuing CA and certificate profile. */
export const CARD_KEY_PURPOSES = [
  'jpki-signature',
  'jpki-user-authentication',
  'card-authentication',
] as const;
export type CardKeyPurpose = (typeof CARD_KEY_PURPOSES)[number];

/** The issuing CAs: one per card-key purpose, plus the one that certifies the AP data signer. */
export const CA_PURPOSES = [...CARD_KEY_PURPOSES, 'ap-data-signing'] as const;
export type CaPurpose = (typeof CA_PURPOSES)[number];

export function isCardKeyPurpose(value: unknown): value is CardKeyPurpose {
  return typeof value === 'string' && (CARD_KEY_PURPOSES as readonly string[]).includes(value);
}

/** Years a certificate for an on-card key lasts, per card profile (domain.md: cryptography). */
export const CERTIFICATE_YEARS: Readonly<Record<CardProfile, number>> = {
  // Today's JPKI certificates: 5 years.
  'legacy-rsa2048': 5,
  // The paper's proposal: ECDSA keys allow 10 years, as long as the card.
  'next-gen': 10,
};
/** CA certificates outlive every certificate they sign. */
export const ROOT_CA_YEARS = 25;
export const ISSUING_CA_YEARS = 20;
export const AP_DATA_SIGNER_YEARS = 12;

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyCertSign' | 'cRLSign';

/** The fixed parts of a certificate profile: key usage, extended key usage, policy. */
export interface CertificateProfile {
  readonly keyUsage: readonly KeyUsageName[];
  readonly extendedKeyUsage: readonly string[];
  readonly policy: string;
  /** What the subject name carries, for docs and tests. */
  readonly subject: string;
}

export const END_ENTITY_PROFILES: Readonly<Record<CaPurpose, CertificateProfile>> = {
  'jpki-signature': {
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage: [],
    policy: OID.policyJpkiSignature,
    subject:
      'C=JP, CN=<name>, street=<address>; dateOfBirth (RFC 3739) and sex code in subjectDirectoryAttributes',
  },
  'jpki-user-authentication': {
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [OID.kpClientAuth],
    policy: OID.policyJpkiUserAuthentication,
    subject: 'C=JP, O=<issuer org>, CN=<random pseudonym>: no personal facts',
  },
  'card-authentication': {
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [OID.kpPivCardAuth],
    policy: OID.policyCardAuthentication,
    subject: 'C=JP, O=<issuer org>, OU=Card Authentication, serialNumber=<card number>',
  },
  'ap-data-signing': {
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [OID.kpApDataSigning],
    policy: OID.policyApDataSigning,
    subject: 'C=JP, O=<issuer org>, CN=AP Data Signer <family>',
  },
};

export const CA_KEY_USAGE: readonly KeyUsageName[] = ['keyCertSign', 'cRLSign', 'digitalSignature'];

/** The four facts of the signature certificate. Personal data: never logged, sealed at rest. */
export interface SignatureSubject {
  readonly name: string;
  readonly address: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** JIS X 0303 / ISO/IEC 5218 code: 1 male, 2 female, 9 not applicable (0 unknown). */
  readonly sex: '0' | '1' | '2' | '9';
}

/** Adds whole years in UTC; 29 February falls back to 28 February in a common year. */
export function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(date.getUTCFullYear() + years);
  if (result.getUTCMonth() !== date.getUTCMonth()) result.setUTCDate(0);
  return result;
}
