import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  CertID,
  CertStatus,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  KeyHash,
  Version,
} from '@peculiar/asn1-ocsp';
import { CRLReason, Extension, SubjectPublicKeyInfo, type Name } from '@peculiar/asn1-x509';
import type { CaHandle } from './hierarchy';
import { OID } from './oids';
import {
  crlReasonOf,
  subReasonExtension,
  type RevocationReason,
  type RevocationSubReason,
} from './revocation';
import { signStructure, toArrayBuffer } from './x509';

export class OcspRequestError extends Error {
  override readonly name = 'OcspRequestError';
}

export interface OcspCertId {
  /** The request's CertID, echoed unchanged in the response. */
  readonly raw: CertID;
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serialNumber: Uint8Array;
}

export interface ParsedOcspRequest {
  readonly certIds: readonly OcspCertId[];
  readonly nonce?: Uint8Array;
}

/** Parses a DER OCSPRequest (RFC 6960 §4.1); signed requests are accepted, their signature ignored. */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(der, OCSPRequest);
  } catch {
    throw new OcspRequestError('not a DER OCSPRequest');
  }
  const list = request.tbsRequest.requestList;
  if (list.length === 0) throw new OcspRequestError('the request lists no certificate');
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
  return {
    certIds: list.map(({ reqCert }) => ({
      raw: reqCert,
      hashAlgorithm: reqCert.hashAlgorithm.algorithm,
      issuerNameHash: new Uint8Array(reqCert.issuerNameHash.buffer),
      issuerKeyHash: new Uint8Array(reqCert.issuerKeyHash.buffer),
      serialNumber: new Uint8Array(reqCert.serialNumber),
    })),
    ...(nonce ? { nonce: new Uint8Array(nonce.extnValue.buffer) } : {}),
  };
}

const HASHES: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384' };

/** Whether a CertID names this issuer: hash of its DER name and of its public key's BIT STRING value. */
export function certIdMatchesIssuer(
  certId: OcspCertId,
  issuerName: Name,
  issuerPublicKey: Uint8Array,
): boolean {
  const hash = HASHES[certId.hashAlgorithm];
  if (!hash) return false;
  const nameHash = createHash(hash)
    .update(new Uint8Array(AsnConvert.serialize(issuerName)))
    .digest();
  const keyBits = new Uint8Array(AsnConvert.parse(issuerPublicKey, SubjectPublicKeyInfo).subjectPublicKey);
  const keyHash = createHash(hash).update(keyBits).digest();
  return nameHash.equals(certId.issuerNameHash) && keyHash.equals(certId.issuerKeyHash);
}

export type OcspCertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'unknown' }
  | {
      readonly status: 'revoked';
      readonly revokedAt: Date;
      readonly reason: RevocationReason;
      readonly subReason?: RevocationSubReason;
    };

export interface OcspAnswer {
  readonly certId: OcspCertId;
  readonly status: OcspCertStatus;
}

export interface OcspResponseInput {
  /** The CA that issued the certificates asked about; it signs the response itself (RFC 6960 §4.2.2.2). */
  readonly responder: CaHandle;
  readonly answers: readonly OcspAnswer[];
  readonly producedAt: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly nonce?: Uint8Array;
}

/** A successful, signed basic OCSP response. */
export async function signOcspResponse(input: OcspResponseInput): Promise<Uint8Array> {
  const responses = input.answers.map(({ certId, status }) => {
    let certStatus: CertStatus;
    const singleExtensions: Extension[] = [];
    if (status.status === 'good') certStatus = new CertStatus({ good: null });
    else if (status.status === 'unknown') certStatus = new CertStatus({ unknown: null });
    else {
      certStatus = new CertStatus({
        revoked: new RevokedInfo({
          revocationTime: status.revokedAt,
          ...(status.reason !== 'unspecified'
            ? { revocationReason: new CRLReason(crlReasonOf(status.reason)) }
            : {}),
        }),
      });
      if (status.subReason) singleExtensions.push(subReasonExtension(status.subReason));
    }
    return new SingleResponse({
      certID: certId.raw,
      certStatus,
      thisUpdate: input.thisUpdate,
      nextUpdate: input.nextUpdate,
      ...(singleExtensions.length > 0 ? { singleExtensions } : {}),
    });
  });
  const keyHash = createHash('sha1')
    .update(
      new Uint8Array(
        AsnConvert.parse(input.responder.signer.publicKey, SubjectPublicKeyInfo).subjectPublicKey,
      ),
    )
    .digest();
  const data = new ResponseData({
    version: Version.v1,
    responderID: new ResponderID({ byKey: new KeyHash(toArrayBuffer(new Uint8Array(keyHash))) }),
    producedAt: input.producedAt,
    responses,
    ...(input.nonce
      ? {
          responseExtensions: [
            new Extension({
              extnID: OID.ocspNonce,
              critical: false,
              extnValue: new OctetString(input.nonce),
            }),
          ],
        }
      : {}),
  });
  const basic = await signStructure(new Uint8Array(AsnConvert.serialize(data)), input.responder.signer);
  return new Uint8Array(
    AsnConvert.serialize(
      new OCSPResponse({
        responseStatus: OCSPResponseStatus.successful,
        responseBytes: new ResponseBytes({ responseType: OID.ocspBasic, response: new OctetString(basic) }),
      }),
    ),
  );
}

/** An unsigned error response (malformedRequest, unauthorized, internalError, tryLater). */
export function ocspErrorResponse(
  status: 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized',
): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus[status] })),
  );
}
