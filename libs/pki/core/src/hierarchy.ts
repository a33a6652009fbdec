import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, type Name } from '@peculiar/asn1-x509';
import { ALGORITHMS, type CardProfile, type SignatureAlgorithm } from './algorithms';
import { OID } from './oids';
import {
  addYears,
  AP_DATA_SIGNER_YEARS,
  CA_KEY_USAGE,
  CERTIFICATE_YEARS,
  END_ENTITY_PROFILES,
  ISSUING_CA_YEARS,
  ROOT_CA_YEARS,
  type CaPurpose,
  type CardKeyPurpose,
  type SignatureSubject,
} from './profiles';
import type { Signer } from './signer';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  certificatePoliciesExtension,
  crlDistributionPointsExtension,
  distinguishedName,
  encode,
  extendedKeyUsageExtension,
  keyIdentifierOf,
  keyUsageExtension,
  randomSerialNumber,
  signCertificate,
  subjectDirectoryAttributesExtension,
  subjectKeyIdentifierExtension,
} from './x509';
import type { Extension } from '@peculiar/asn1-x509';

/** Organisation in every name this CA writes. An example name: this is not J-LIS. */
export const ISSUER_ORGANIZATION = 'MNC Example PKI';

export type CaRole = 'root' | CaPurpose | 'ap-data-signer';

/** `p256-root`, `rsa2048-jpki-signature`, `p384-ap-data-signer`: URL-safe, used in CRL and AIA URLs. */
export function caIdOf(algorithm: SignatureAlgorithm, role: CaRole): string {
  return `${ALGORITHMS[algorithm].family}-${role}`;
}

const FAMILY_LABEL: Record<SignatureAlgorithm, string> = {
  'ecdsa-p256-sha256': 'P-256',
  'ecdsa-p384-sha384': 'P-384',
  'rsa2048-sha256': 'RSA-2048',
};
const ROLE_TITLE: Record<CaRole, string> = {
  root: 'Root CA',
  'jpki-signature': 'JPKI Signature CA',
  'jpki-user-authentication': 'JPKI User Authentication CA',
  'card-authentication': 'Card Authentication CA',
  'ap-data-signing': 'AP Data Signing CA',
  'ap-data-signer': 'AP Data Signer',
};

export function caName(algorithm: SignatureAlgorithm, role: CaRole): Name {
  return distinguishedName([
    [OID.countryName, 'JP', 'printable'],
    [OID.organizationName, ISSUER_ORGANIZATION],
    [OID.commonName, `${ISSUER_ORGANIZATION} ${ROLE_TITLE[role]} ${FAMILY_LABEL[algorithm]}`],
  ]);
}

/** Where relying parties find CRLs, OCSP and issuer certificates; written into every certificate. */
export interface PublicationPoints {
  /** Base URL of the CA's public HTTP endpoints, e.g. `http://pki.example/`. */
  readonly baseUrl: string;
}
export function crlUrl(points: PublicationPoints, caId: string): string {
  return new URL(`v1/crl/${caId}.crl`, withSlash(points.baseUrl)).toString();
}
export function ocspUrl(points: PublicationPoints): string {
  return new URL('v1/ocsp', withSlash(points.baseUrl)).toString();
}
export function caIssuersUrl(points: PublicationPoints, caId: string): string {
  return new URL(`v1/ca/${caId}.cer`, withSlash(points.baseUrl)).toString();
}
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** A CA as the issuing code needs it: its name, key id, signer, and the end of its own validity. */
export interface CaHandle {
  readonly id: string;
  readonly algorithm: SignatureAlgorithm;
  readonly name: Name;
  readonly keyId: Uint8Array;
  readonly notAfter: Date;
  readonly signer: Signer;
}

/** Extensions that point at the issuer: AKI, CRL distribution point, AIA (OCSP and caIssuers). */
function issuerPointers(issuer: CaHandle, points: PublicationPoints, ocsp: boolean): Extension[] {
  return [
    authorityKeyIdentifierExtension(issuer.keyId),
    crlDistributionPointsExtension(crlUrl(points, issuer.id)),
    authorityInfoAccessExtension({
      ...(ocsp ? { ocsp: ocspUrl(points) } : {}),
      caIssuers: caIssuersUrl(points, issuer.id),
    }),
  ];
}

/** Self-signed root: keyCertSign and cRLSign, no path length limit below it beyond one issuing level. */
export function issueRootCertificate(signer: Signer, now: Date): Promise<Uint8Array> {
  const name = caName(signer.algorithm, 'root');
  const keyId = keyIdentifierOf(signer.publicKey);
  return signCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: name,
      subject: name,
      publicKey: signer.publicKey,
      notBefore: now,
      notAfter: addYears(now, ROOT_CA_YEARS),
      extensions: [
        basicConstraintsExtension(true, 1),
        keyUsageExtension(['keyCertSign', 'cRLSign']),
        subjectKeyIdentifierExtension(keyId),
      ],
    },
    signer,
  );
}

/** An issuing CA under the root: signs end-entity certificates, its CRL and its OCSP responses. */
export function issueIssuingCaCertificate(
  root: CaHandle,
  purpose: CaPurpose,
  publicKey: Uint8Array,
  points: PublicationPoints,
  now: Date,
): Promise<Uint8Array> {
  return signCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: root.name,
      subject: caName(root.algorithm, purpose),
      publicKey,
      notBefore: now,
      notAfter: minDate(addYears(now, ISSUING_CA_YEARS), root.notAfter),
      extensions: [
        basicConstraintsExtension(true, 0),
        keyUsageExtension(CA_KEY_USAGE),
        subjectKeyIdentifierExtension(keyIdentifierOf(publicKey)),
        certificatePoliciesExtension([END_ENTITY_PROFILES[purpose].policy]),
        ...issuerPointers(root, points, false),
      ],
    },
    root.signer,
  );
}

/** The end-entity certificate whose key signs the text and visual AP data. */
export function issueApDataSignerCertificate(
  issuer: CaHandle,
  publicKey: Uint8Array,
  points: PublicationPoints,
  now: Date,
): Promise<Uint8Array> {
  const profile = END_ENTITY_PROFILES['ap-data-signing'];
  return signCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: issuer.name,
      subject: caName(issuer.algorithm, 'ap-data-signer'),
      publicKey,
      notBefore: now,
      notAfter: minDate(addYears(now, AP_DATA_SIGNER_YEARS), issuer.notAfter),
      extensions: [
        basicConstraintsExtension(false),
        keyUsageExtension(profile.keyUsage),
        extendedKeyUsageExtension(profile.extendedKeyUsage),
        certificatePoliciesExtension([profile.policy]),
        subjectKeyIdentifierExtension(keyIdentifierOf(publicKey)),
        ...issuerPointers(issuer, points, true),
      ],
    },
    issuer.signer,
  );
}

export interface CardCertificateInput {
  readonly purpose: CardKeyPurpose;
  readonly cardProfile: CardProfile;
  readonly cardNumber: string;
  /** Validated SubjectPublicKeyInfo of the on-card key. */
  readonly publicKey: Uint8Array;
  /** Required for jpki-signature, refused for the others. */
  readonly subject?: SignatureSubject;
  readonly serialNumber: Uint8Array;
  readonly notBefore: Date;
  /** The card's expiry: a certificate never outlives its card. */
  readonly cardExpiresAt?: Date;
}

/** The validity end of a card certificate: the profile's years, capped by the card and the issuer. */
export function cardCertificateNotAfter(input: CardCertificateInput, issuer: CaHandle): Date {
  let notAfter = addYears(input.notBefore, CERTIFICATE_YEARS[input.cardProfile]);
  if (input.cardExpiresAt) notAfter = minDate(notAfter, input.cardExpiresAt);
  return minDate(notAfter, issuer.notAfter);
}

/**
 * Subject name per purpose. Signature: the name and address in the DN, birth date and sex in
 * subjectDirectoryAttributes. User authentication: a random pseudonym only. Card authentication: the card
 * number, so a reader can tell which card proved itself.
 */
function cardSubject(input: CardCertificateInput): { name: Name; extensions: Extension[] } {
  switch (input.purpose) {
    case 'jpki-signature': {
      const subject = input.subject!;
      return {
        name: distinguishedName([
          [OID.countryName, 'JP', 'printable'],
          [OID.commonName, subject.name],
          [OID.streetAddress, subject.address],
        ]),
        extensions: [subjectDirectoryAttributesExtension(subject)],
      };
    }
    case 'jpki-user-authentication':
      return {
        name: distinguishedName([
          [OID.countryName, 'JP', 'printable'],
          [OID.organizationName, ISSUER_ORGANIZATION],
          [OID.commonName, randomBytes(10).toString('hex').toUpperCase(), 'printable'],
        ]),
        extensions: [],
      };
    case 'card-authentication':
      return {
        name: distinguishedName([
          [OID.countryName, 'JP', 'printable'],
          [OID.organizationName, ISSUER_ORGANIZATION],
          [OID.organizationalUnitName, 'Card Authentication'],
          [OID.serialNumber, input.cardNumber, 'printable'],
        ]),
        extensions: [],
      };
  }
}

interface IssuerParts {
  readonly name: Uint8Array;
  readonly extensions: readonly Uint8Array[];
}
// Per issuer handle, per purpose and publication base URL: encoded once, reused for every certificate.
const issuerParts = new WeakMap<CaHandle, Map<string, IssuerParts>>();

function partsOf(issuer: CaHandle, purpose: CardKeyPurpose, points: PublicationPoints): IssuerParts {
  let byKey = issuerParts.get(issuer);
  if (!byKey) issuerParts.set(issuer, (byKey = new Map()));
  const key = `${purpose} ${points.baseUrl}`;
  let parts = byKey.get(key);
  if (!parts) {
    const profile = END_ENTITY_PROFILES[purpose];
    parts = {
      name: encode(issuer.name),
      extensions: [
        keyUsageExtension(profile.keyUsage),
        ...(profile.extendedKeyUsage.length > 0 ? [extendedKeyUsageExtension(profile.extendedKeyUsage)] : []),
        certificatePoliciesExtension([profile.policy]),
        ...issuerPointers(issuer, points, true),
      ].map(encode),
    };
    byKey.set(key, parts);
  }
  return parts;
}

/** Issues the certificate of an on-card key; the caller has checked the key and its proof of possession. */
export function issueCardCertificate(
  issuer: CaHandle,
  input: CardCertificateInput,
  points: PublicationPoints,
): Promise<Uint8Array> {
  const parts = partsOf(issuer, input.purpose, points);
  const subject = cardSubject(input);
  return signCertificate(
    {
      serialNumber: input.serialNumber,
      issuer: parts.name,
      subject: subject.name,
      publicKey: input.publicKey,
      notBefore: input.notBefore,
      notAfter: cardCertificateNotAfter(input, issuer),
      extensions: [
        ...parts.extensions,
        subjectKeyIdentifierExtension(keyIdentifierOf(input.publicKey)),
        ...subject.extensions,
      ],
    },
    issuer.signer,
  );
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/** The handle of a CA whose certificate exists: name and validity are read from the certificate itself. */
export function caHandleFromCertificate(id: string, signer: Signer, certificate: Uint8Array): CaHandle {
  const tbs = AsnConvert.parse(certificate, Certificate).tbsCertificate;
  if (!Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)).equals(Buffer.from(signer.publicKey)))
    throw new TypeError(`the signer of ${id} does not hold the key of its certificate`);
  return {
    id,
    algorithm: signer.algorithm,
    name: tbs.subject,
    keyId: keyIdentifierOf(signer.publicKey),
    notAfter: tbs.validity.notAfter.getTime(),
    signer,
  };
}
