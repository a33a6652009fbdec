import type {
  CardKeyPurpose,
  CardProfile,
  PkiErrorCode,
  RevocationReason,
  RevocationSubReason,
  SignatureAlgorithm,
  SignatureSubject,
} from '@mnc/pki-core';

export type {
  CardKeyPurpose,
  CardProfile,
  RevocationReason,
  RevocationSubReason,
  SignatureAlgorithm,
  SignatureSubject,
} from '@mnc/pki-core';

/**
 * The CA learns of a card from the issuance request itself: application id, card number (checked against
 * the card-number format) and the physical attempt. Binary values travel as base64 of DER.
 */
export interface IssueCertificateRequest {
  readonly applicationId: string;
  readonly cardNumber: string;
  /** One physical print-and-encode attempt; a spoiled card is a new attempt. */
  readonly attemptId: string;
  readonly cardProfile: CardProfile;
  /** Default: the profile's first (RSA-2048 for legacy, P-256 for next-gen). */
  readonly algorithm?: SignatureAlgorithm;
  readonly purpose: CardKeyPurpose;
  /** SubjectPublicKeyInfo of the key generated on the card, base64 DER. */
  readonly publicKey: string;
  /** The card's signature over the proof-of-possession message (docs/pki.md), base64. */
  readonly proof: string;
  /** The four facts: required for jpki-signature, refused for the other purposes. */
  readonly subject?: SignatureSubject;
  /** The card's expiry (ISO 8601): the certificate never outlives the card. */
  readonly cardExpiresAt?: string;
}

export interface IssuedCertificate {
  /** Lower-case hex. */
  readonly serialNumber: string;
  readonly purpose: CardKeyPurpose;
  readonly algorithm: SignatureAlgorithm;
  /** base64 DER. */
  readonly certificate: string;
  /** Issuing CA, then root: base64 DER each. */
  readonly chain: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
}

export type ApDataLabel = 'text-ap' | 'visual-ap';

export interface SignApDataRequest {
  readonly applicationId: string;
  readonly cardNumber: string;
  readonly cardProfile: CardProfile;
  readonly algorithm?: SignatureAlgorithm;
  readonly label: ApDataLabel;
  /** The AP data object exactly as the card stores it, base64. Signed, never stored or logged. */
  readonly data: string;
}

export interface ApDataSignature {
  readonly algorithm: SignatureAlgorithm;
  /** DER Ecdsa-Sig-Value or PKCS#1 v1.5, base64. */
  readonly signature: string;
  /** The AP data signer's certificate, base64 DER; its chain follows. */
  readonly signerCertificate: string;
  readonly chain: readonly string[];
}

/** Which of a card's certificates an action applies to: default every live one. */
export interface CardCertificateSelector {
  readonly cardNumber: string;
  readonly purposes?: readonly CardKeyPurpose[];
  readonly attemptId?: string;
}

export interface RevokeRequest extends CardCertificateSelector {
  /** certificateHold is not a revocation: use hold(). */
  readonly reason: Exclude<RevocationReason, 'certificateHold'>;
  /** Only with affiliationChanged. */
  readonly subReason?: RevocationSubReason;
}

export type CertificateState = 'good' | 'held' | 'revoked';

export interface CertificateStatus {
  readonly serialNumber: string;
  readonly purpose: CardKeyPurpose;
  readonly algorithm: SignatureAlgorithm;
  readonly attemptId: string;
  readonly state: CertificateState;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly revokedAt?: string;
  readonly reason?: RevocationReason;
  readonly subReason?: RevocationSubReason;
}

export interface CardCertificateStatus {
  readonly cardNumber: string;
  readonly applicationId: string;
  readonly certificates: readonly CertificateStatus[];
}

/** One CA certificate the service runs, as `GET /v1/ca` publishes it (the keys verifiers trust). */
export interface PublishedCa {
  readonly id: string;
  /** root, an issuing CA's purpose, or ap-data-signer. */
  readonly role: string;
  readonly algorithm: string;
  /** base64 DER. */
  readonly certificate: string;
  readonly chain: readonly string[];
}

/** The CA as other stages see it: the HTTP adapter, or the service itself in the embedded mode. */
export interface CertificateAuthority {
  /** The published CA and AP data signer certificates, for checking what the CA issued (a lane's QA). */
  publishedCas(): Promise<readonly PublishedCa[]>;
  issueCertificate(request: IssueCertificateRequest): Promise<IssuedCertificate>;
  signApData(request: SignApDataRequest): Promise<ApDataSignature>;
  revoke(request: RevokeRequest): Promise<CardCertificateStatus>;
  hold(request: CardCertificateSelector): Promise<CardCertificateStatus>;
  releaseHold(request: CardCertificateSelector): Promise<CardCertificateStatus>;
  cardStatus(cardNumber: string): Promise<CardCertificateStatus>;
}

/** Nest injection token of the {@link CertificateAuthority} port. */
export const CERTIFICATE_AUTHORITY = Symbol('CERTIFICATE_AUTHORITY');

export type PkiClientErrorCode = PkiErrorCode | 'not-found' | 'unavailable' | 'unexpected';

/**
 * A refusal or failure of the CA. `field` names the request field at fault; `retryable` is true only for
 * `unavailable` (network failure, 5xx), never for a refusal.
 */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  constructor(
    readonly code: PkiClientErrorCode,
    message: string,
    readonly field?: string,
    readonly status?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.code === 'unavailable';
  }
}
