// The pure comparisons of the read-back (QA): file hashes, AP data signatures, certificate chains and keys,
// live signatures. Each throws a QualityAssuranceError naming the check and the subject.
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { bytesEqual } from '@mnc/card-profiles';
import {
  parseIndexedTemplate,
  parseTemplate,
  readTlv,
  readTlvs,
  TextTag,
  verifyApSignature,
  VisualTag,
} from '@mnc/domain-issuance';
import type { SignatureAlgorithm } from '@mnc/pki-client';
import { verifySignature } from '@mnc/pki-core';
import { QualityAssuranceError } from './errors';
import type { ApSignatureReference, SignedLocation } from './input';

/** The CA's published certificates QA trusts: roots, issuing CAs, and the AP data signers. */
export interface QaTrust {
  readonly roots: readonly Uint8Array[];
  readonly issuingCas: readonly Uint8Array[];
  readonly apDataSigners: readonly Uint8Array[];
}

/** The CA list as `GET /v1/ca` publishes it (base64 DER), sorted into {@link QaTrust}. */
export function qaTrustFromPublishedCas(
  list: readonly { readonly role: string; readonly certificate: string }[],
): QaTrust {
  const of = (test: (role: string) => boolean) =>
    list.filter((ca) => test(ca.role)).map((ca) => new Uint8Array(Buffer.from(ca.certificate, 'base64')));
  return {
    roots: of((role) => role === 'root'),
    apDataSigners: of((role) => role === 'ap-data-signer'),
    issuingCas: of((role) => role !== 'root' && role !== 'ap-data-signer'),
  };
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The file read back must be the bundle's file byte for byte (compared by SHA-256, reported by hash). */
export function checkFileContent(subject: string, expected: Uint8Array, actual: Uint8Array): void {
  const want = sha256Hex(expected);
  const got = sha256Hex(actual);
  if (want !== got)
    throw new QualityAssuranceError(
      'file-content',
      subject,
      `SHA-256 ${got.slice(0, 16)}… (${actual.length} bytes) where the bundle has ${want.slice(0, 16)}… (${expected.length} bytes)`,
    );
}

function signerFor(
  references: readonly ApSignatureReference[],
  location: SignedLocation,
  trust: QaTrust,
): ApSignatureReference {
  const reference = references.find((entry) => entry.location === location);
  if (reference === undefined)
    throw new QualityAssuranceError('ap-signature', location, 'the bundle names no signer for it');
  if (!trust.apDataSigners.some((published) => bytesEqual(published, reference.signerCertificate)))
    throw new QualityAssuranceError(
      'ap-signature',
      location,
      "the signer is not one of the CA's published AP data signers",
    );
  return reference;
}

function verifyAp(
  location: SignedLocation,
  data: Uint8Array,
  signature: Uint8Array,
  reference: ApSignatureReference,
): void {
  let ok = false;
  try {
    ok = verifyApSignature(
      Buffer.from(data),
      Buffer.from(signature),
      reference.algorithm,
      Buffer.from(reference.signerCertificate),
    );
  } catch (error) {
    throw new QualityAssuranceError('ap-signature', location, 'the signer certificate is unusable', error);
  }
  if (!ok) throw new QualityAssuranceError('ap-signature', location, 'the signature does not verify');
}

const parsed = <T>(subject: string, parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    throw new QualityAssuranceError(
      'ap-signature',
      subject,
      `not a well-formed template: ${(error as Error).message}`,
      error,
    );
  }
};

/** Raw TLVs (tag, length, value as stored) of a template's value, in file order. */
function rawItems(file: Uint8Array): { tag: number; bytes: Buffer }[] {
  const outer = readTlv(Buffer.from(file));
  return readTlvs(outer.value).map((item) => ({
    tag: item.tag,
    bytes: outer.value.subarray(item.offset, item.offset + item.size),
  }));
}

/**
 * Text EF 0003: DF31 is the SHA-256 of EF 0001 as read, DF32 the SHA-256 of the DF22..DF25 TLVs of EF 0002
 * as read, and DF33 signs the DF31 and DF32 TLVs with a published AP data signer's key.
 */
export function checkTextApSignature(
  files: { readonly myNumber: Uint8Array; readonly fourFacts: Uint8Array; readonly signature: Uint8Array },
  references: readonly ApSignatureReference[],
  trust: QaTrust,
): void {
  const location = 'text-0003-DF33';
  const template = parsed(location, () =>
    parseTemplate(Buffer.from(files.signature), TextTag.signatureTemplate),
  );
  parsed('text EF 0002', () => parseIndexedTemplate(Buffer.from(files.fourFacts), TextTag.fourFacts));
  const facts = parsed('text EF 0002', () => rawItems(files.fourFacts))
    .filter((item) => item.tag >= TextTag.name && item.tag <= TextTag.sex)
    .map((item) => item.bytes);
  const myNumberHash = template.get(TextTag.myNumberHash);
  const factsHash = template.get(TextTag.fourFactsHash);
  const signature = template.get(TextTag.signature);
  if (myNumberHash === undefined || factsHash === undefined || signature === undefined)
    throw new QualityAssuranceError('ap-signature', location, 'EF 0003 lacks DF31, DF32 or DF33');
  if (!myNumberHash.equals(createHash('sha256').update(files.myNumber).digest()))
    throw new QualityAssuranceError('ap-signature', location, 'DF31 is not the SHA-256 of EF 0001');
  if (!factsHash.equals(createHash('sha256').update(Buffer.concat(facts)).digest()))
    throw new QualityAssuranceError('ap-signature', location, 'DF32 is not the SHA-256 of the four facts');
  const signed = parsed(location, () => rawItems(files.signature))
    .filter((item) => item.tag === TextTag.myNumberHash || item.tag === TextTag.fourFactsHash)
    .map((item) => item.bytes);
  verifyAp(location, Buffer.concat(signed), signature, signerFor(references, location, trust));
}

const VISUAL_FACE_SIGNED: ReadonlySet<number> = new Set([
  VisualTag.birthDate,
  VisualTag.sex,
  VisualTag.nameImage,
  VisualTag.addressImage,
  VisualTag.photo,
  VisualTag.expiry,
  VisualTag.securityCodeImage,
]);

function spkiOf(certificate: Uint8Array): Buffer {
  return new X509Certificate(Buffer.from(certificate)).publicKey.export({ type: 'spki', format: 'der' });
}

/**
 * A CA or AP data signer certificate, parsed once. QA meets the same few on every card (the published list
 * and the CA certificate written to the card), and parsing them again for each chain was most of its time.
 */
class KnownCertificate {
  readonly x509: X509Certificate;
  readonly publicKey: KeyObject;
  readonly spki: Buffer;
  private readonly issuers = new Map<KnownCertificate, boolean>();

  constructor(der: Uint8Array) {
    this.x509 = new X509Certificate(Buffer.from(der));
    this.publicKey = this.x509.publicKey;
    this.spki = this.publicKey.export({ type: 'spki', format: 'der' });
  }

  /** Whether `parent` signed this certificate: the same bytes give the same answer, so it is kept. */
  issuedBy(parent: KnownCertificate): boolean {
    let verdict = this.issuers.get(parent);
    if (verdict === undefined) {
      verdict = this.x509.checkIssued(parent.x509) && this.x509.verify(parent.publicKey);
      this.issuers.set(parent, verdict);
    }
    return verdict;
  }
}

/** Bounded: a CA that rotates its keys leaves its old certificates behind here. */
const KNOWN_CERTIFICATES_KEPT = 256;
const knownCertificates = new Map<string, KnownCertificate>();

/** Throws what X509Certificate throws for bytes that are no certificate (nothing is kept then). */
function knownCertificate(der: Uint8Array): KnownCertificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let known = knownCertificates.get(key);
  if (known === undefined) {
    known = new KnownCertificate(der);
    if (knownCertificates.size >= KNOWN_CERTIFICATES_KEPT) {
      const oldest = knownCertificates.keys().next();
      if (!oldest.done) knownCertificates.delete(oldest.value);
    }
    knownCertificates.set(key, known);
  }
  return known;
}

/**
 * Visual EF 0002 (DF28 over DF22, DF23, DF25, DF26, DF27, DF29, DF2A in file order; DF24 the signer's key)
 * and EF 0005 (DF43 over the DF41 TLV; DF42 the signer's key).
 */
export function checkVisualApSignatures(
  files: { readonly face: Uint8Array; readonly back: Uint8Array },
  references: readonly ApSignatureReference[],
  trust: QaTrust,
): void {
  const faceLocation = 'visual-0002-DF28';
  const face = parsed(faceLocation, () => parseIndexedTemplate(Buffer.from(files.face), VisualTag.face));
  const faceSigner = signerFor(references, faceLocation, trust);
  const faceKey = face.get(VisualTag.publicKey);
  if (faceKey === undefined || !faceKey.equals(knownCertificate(faceSigner.signerCertificate).spki))
    throw new QualityAssuranceError(
      'ap-signature',
      faceLocation,
      "DF24 is not the signer certificate's public key",
    );
  const faceSigned = parsed(faceLocation, () => rawItems(files.face))
    .filter((item) => VISUAL_FACE_SIGNED.has(item.tag))
    .map((item) => item.bytes);
  verifyAp(
    faceLocation,
    Buffer.concat(faceSigned),
    face.get(VisualTag.signature) ?? Buffer.alloc(0),
    faceSigner,
  );

  const backLocation = 'visual-0005-DF43';
  const back = parsed(backLocation, () => parseTemplate(Buffer.from(files.back), VisualTag.back));
  const backSigner = signerFor(references, backLocation, trust);
  const backKey = back.get(VisualTag.backPublicKey);
  if (backKey === undefined || !backKey.equals(knownCertificate(backSigner.signerCertificate).spki))
    throw new QualityAssuranceError(
      'ap-signature',
      backLocation,
      "DF42 is not the signer certificate's public key",
    );
  const backSigned = parsed(backLocation, () => rawItems(files.back))
    .filter((item) => item.tag === VisualTag.myNumberImage)
    .map((item) => item.bytes);
  verifyAp(
    backLocation,
    Buffer.concat(backSigned),
    back.get(VisualTag.backSignature) ?? Buffer.alloc(0),
    backSigner,
  );
}

function certificateOf(subject: string, der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch (error) {
    throw new QualityAssuranceError('certificate-chain', subject, 'not a DER X.509 certificate', error);
  }
}

function caCertificateOf(subject: string, der: Uint8Array): KnownCertificate {
  try {
    return knownCertificate(der);
  } catch (error) {
    throw new QualityAssuranceError('certificate-chain', subject, 'not a DER X.509 certificate', error);
  }
}

function within(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
}

/**
 * The certificate chains to one of the roots through the given issuers (the CA certificate on the card
 * first, then the published issuing CAs), every link signed and valid at `now`.
 */
export function checkCertificateChain(
  subject: string,
  certificate: Uint8Array,
  issuers: readonly Uint8Array[],
  trust: QaTrust,
  now: Date,
): void {
  const roots = trust.roots.map((root) => caCertificateOf('root', root));
  const pool = [...issuers, ...trust.issuingCas].map((issuer) =>
    caCertificateOf(`${subject} issuer`, issuer),
  );
  // The card's own certificate is new on every card (and carries personal data): parsed, never kept.
  const leaf = certificateOf(subject, certificate);
  let current: X509Certificate = leaf;
  let issues = (parent: KnownCertificate) => leaf.checkIssued(parent.x509) && leaf.verify(parent.publicKey);
  for (let depth = 0; depth < 4; depth++) {
    if (!within(current, now))
      throw new QualityAssuranceError('certificate-chain', subject, `${current.subject} is not valid now`);
    const root = roots.find(issues);
    if (root !== undefined) {
      if (!within(root.x509, now))
        throw new QualityAssuranceError('certificate-chain', subject, 'the root is not valid now');
      return;
    }
    const issuer = pool.find(issues);
    if (issuer === undefined)
      throw new QualityAssuranceError(
        'certificate-chain',
        subject,
        `no trusted issuer signed ${current.subject}`,
      );
    current = issuer.x509;
    issues = (parent) => issuer.issuedBy(parent);
  }
  throw new QualityAssuranceError('certificate-chain', subject, 'the chain is longer than the hierarchy');
}

/** The certificate certifies exactly the key the card reports (SubjectPublicKeyInfo, DER). */
export function checkCertificateKey(subject: string, certificate: Uint8Array, cardSpki: Uint8Array): void {
  const certified = spkiOf(certificate);
  if (!bytesEqual(certified, cardSpki))
    throw new QualityAssuranceError(
      'certificate-key',
      subject,
      'the certificate certifies another key than the card holds',
    );
}

/** A live signature of the card verifies with the certificate's key. */
export function checkLiveSignature(
  subject: string,
  algorithm: SignatureAlgorithm,
  certificate: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): void {
  if (!verifySignature(algorithm, new Uint8Array(spkiOf(certificate)), data, signature))
    throw new QualityAssuranceError(
      'live-signature',
      subject,
      "the card's signature does not verify with the certificate",
    );
}
