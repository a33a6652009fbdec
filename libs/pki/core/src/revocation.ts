import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import {
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import type { CaHandle } from './hierarchy';
import { OID } from './oids';
import {
  authorityKeyIdentifierExtension,
  extension,
  signatureAlgorithmIdentifier,
  signStructure,
  toArrayBuffer,
} from './x509';

/** RFC 5280 §5.3.1 reasons this CA uses (removeFromCRL is for delta CRLs, aACompromise for attribute certs). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * Why an affiliationChanged revocation happened. RFC 5280's reason list is closed, so the sub-reason travels
 * in a CRL entry extension (and an OCSP singleExtension) of its own:
 *
 *   id-mnc-revocationSubReason OBJECT IDENTIFIER ::= { 1 3 6 1 4 1 32473 2 1 }   -- example arc (RFC 5612)
 *   MncRevocationSubReason ::= IA5String ("death" | "emigration" | "other-removal")
 *
 * A keyword rather than an ENUMERATED so that tools which do not know the extension (openssl crl -text)
 * still show it legibly. Non-critical: a verifier that does not know it still sees affiliationChanged.
 */
export const REVOCATION_SUB_REASONS = ['death', 'emigration', 'other-removal'] as const;
export type RevocationSubReason = (typeof REVOCATION_SUB_REASONS)[number];

export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === 'string' && (REVOCATION_REASONS as readonly string[]).includes(value);
}
export function isRevocationSubReason(value: unknown): value is RevocationSubReason {
  return typeof value === 'string' && (REVOCATION_SUB_REASONS as readonly string[]).includes(value);
}

@AsnType({ type: AsnTypeTypes.Choice })
class SubReasonValue {
  @AsnProp({ type: AsnPropTypes.IA5String })
  value = '';
}

export function subReasonExtension(subReason: RevocationSubReason): Extension {
  return extension(OID.revocationSubReason, false, Object.assign(new SubReasonValue(), { value: subReason }));
}

/** Reads the sub-reason extension's value (the extnValue contents); undefined for an unknown keyword. */
export function parseSubReason(extnValue: Uint8Array | ArrayBuffer): RevocationSubReason | undefined {
  const value = AsnConvert.parse(extnValue, SubReasonValue).value;
  return isRevocationSubReason(value) ? value : undefined;
}

export function crlReasonOf(reason: RevocationReason): CRLReasons {
  return CRLReasons[reason];
}

export interface RevokedEntry {
  readonly serialNumber: Uint8Array;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
  readonly subReason?: RevocationSubReason;
}

export interface CrlInput {
  readonly issuer: CaHandle;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entries: readonly RevokedEntry[];
}

/** A full v2 CRL: AKI and CRL number; each entry with its reason code and, when given, the sub-reason. */
export function signCrl(input: CrlInput): Promise<Uint8Array> {
  const revoked = input.entries.map((entry) => {
    const extensions: Extension[] = [];
    // RFC 5280 §5.3.1: the reason code SHOULD be absent rather than unspecified.
    if (entry.reason !== 'unspecified')
      extensions.push(extension('2.5.29.21', false, new CRLReason(crlReasonOf(entry.reason))));
    if (entry.subReason) extensions.push(subReasonExtension(entry.subReason));
    return new RevokedCertificate({
      userCertificate: toArrayBuffer(entry.serialNumber),
      revocationDate: new Time(entry.revokedAt),
      ...(extensions.length > 0 ? { crlEntryExtensions: extensions } : {}),
    });
  });
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithmIdentifier(input.issuer.algorithm),
    issuer: input.issuer.name,
    thisUpdate: new Time(input.thisUpdate),
    nextUpdate: new Time(input.nextUpdate),
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
    crlExtensions: [
      authorityKeyIdentifierExtension(input.issuer.keyId),
      extension('2.5.29.20', false, new CRLNumber(input.crlNumber)),
    ],
  });
  return signStructure(new Uint8Array(AsnConvert.serialize(tbs)), input.issuer.signer);
}
