import {
  PkiError,
  type ApDataLabel,
  type CardCertificateSelector,
  type IssueCertificateRequest,
  type RevokeRequest,
  type SignApDataRequest,
} from '@mnc/pki-client';
import {
  isCardKeyPurpose,
  isCardProfile,
  isRevocationReason,
  isRevocationSubReason,
  isSignatureAlgorithm,
  PROFILE_ALGORITHMS,
  type CardKeyPurpose,
  type CardProfile,
  type SignatureAlgorithm,
  type SignatureSubject,
} from '@mnc/pki-core';

/** A refusal that lists every field at fault; the controller renders it as RFC 9457 validation problems. */
export class PkiValidationError extends PkiError {
  constructor(readonly problems: readonly { field: string; message: string }[]) {
    super(
      'invalid-field',
      problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      problems[0]?.field,
      422,
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTEMPT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

class Checker {
  readonly problems: { field: string; message: string }[] = [];
  constructor(readonly body: Record<string, unknown>) {}

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }
  string(field: string, pattern?: RegExp, message = 'is malformed'): string {
    const value = this.body[field];
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'is required and must be a string');
    else if (pattern && !pattern.test(value)) this.fail(field, message);
    return value as string;
  }
  base64(field: string, maxBytes: number): string {
    const value = this.string(field, BASE64, 'must be base64');
    if (typeof value === 'string' && (value.length * 3) / 4 > maxBytes)
      this.fail(field, `must be at most ${maxBytes} bytes`);
    return value;
  }
  oneOf<T>(
    field: string,
    guard: (v: unknown) => v is T,
    allowed: readonly string[],
    optional = false,
  ): T | undefined {
    const value = this.body[field];
    if (value === undefined && optional) return undefined;
    if (!guard(value)) this.fail(field, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }
  purposes(): CardKeyPurpose[] | undefined {
    const value = this.body['purposes'];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every(isCardKeyPurpose)) {
      this.fail(
        'purposes',
        'must be a non-empty list of jpki-signature, jpki-user-authentication, card-authentication',
      );
      return undefined;
    }
    return value;
  }
  done(): void {
    if (this.problems.length > 0) throw new PkiValidationError(this.problems);
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PkiValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  return body as Record<string, unknown>;
}

const PROFILES = ['legacy-rsa2048', 'next-gen'];
const ALGORITHM_NAMES = ['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'];
const PURPOSES = ['jpki-signature', 'jpki-user-authentication', 'card-authentication'];

function algorithmFor(c: Checker, profile: CardProfile | undefined): SignatureAlgorithm | undefined {
  const algorithm = c.oneOf('algorithm', isSignatureAlgorithm, ALGORITHM_NAMES, true);
  if (algorithm && profile && isCardProfile(profile) && !PROFILE_ALGORITHMS[profile].includes(algorithm))
    c.fail('algorithm', `the ${profile} profile uses ${PROFILE_ALGORITHMS[profile].join(' or ')}`);
  return algorithm;
}

export function validateIssueRequest(body: unknown): IssueCertificateRequest {
  const c = new Checker(asObject(body));
  const applicationId = c.string('applicationId', UUID, 'must be a UUID');
  const cardNumber = c.string('cardNumber');
  const attemptId = c.string('attemptId', ATTEMPT_ID, 'must be 1-128 letters, digits or . _ : -');
  const cardProfile = c.oneOf('cardProfile', isCardProfile, PROFILES);
  const algorithm = algorithmFor(c, cardProfile);
  const purpose = c.oneOf('purpose', isCardKeyPurpose, PURPOSES);
  const publicKey = c.base64('publicKey', 4096);
  const proof = c.base64('proof', 1024);
  let subject: SignatureSubject | undefined;
  const rawSubject = c.body['subject'];
  if (purpose === 'jpki-signature') {
    if (typeof rawSubject !== 'object' || rawSubject === null)
      c.fail('subject', 'is required for jpki-signature');
    else {
      const s = new Checker(rawSubject as Record<string, unknown>);
      const name = s.string('name');
      const address = s.string('address');
      const birthDate = s.string('birthDate', DATE, 'must be YYYY-MM-DD');
      const sex = s.string('sex', /^[0129]$/, 'must be a JIS X 0303 code: 0, 1, 2 or 9');
      if (typeof name === 'string' && name.length > 128) s.fail('name', 'must be at most 128 characters');
      if (typeof address === 'string' && address.length > 256)
        s.fail('address', 'must be at most 256 characters');
      if (typeof birthDate === 'string' && DATE.test(birthDate) && Number.isNaN(Date.parse(birthDate)))
        s.fail('birthDate', 'is not a date');
      for (const p of s.problems) c.fail(`subject.${p.field}`, p.message);
      subject = { name, address, birthDate, sex: sex as SignatureSubject['sex'] };
    }
  } else if (rawSubject !== undefined) {
    c.fail(
      'subject',
      `is only for jpki-signature: a ${String(purpose)} certificate carries no personal facts`,
    );
  }
  const cardExpiresAt = c.body['cardExpiresAt'];
  if (
    cardExpiresAt !== undefined &&
    (typeof cardExpiresAt !== 'string' || Number.isNaN(Date.parse(cardExpiresAt)))
  )
    c.fail('cardExpiresAt', 'must be an ISO 8601 date-time');
  c.done();
  return {
    applicationId: applicationId.toLowerCase(),
    cardNumber,
    attemptId,
    cardProfile: cardProfile!,
    ...(algorithm ? { algorithm } : {}),
    purpose: purpose!,
    publicKey,
    proof,
    ...(subject ? { subject } : {}),
    ...(typeof cardExpiresAt === 'string' ? { cardExpiresAt } : {}),
  };
}

export function validateSignApDataRequest(body: unknown): SignApDataRequest {
  const c = new Checker(asObject(body));
  const applicationId = c.string('applicationId', UUID, 'must be a UUID');
  const cardNumber = c.string('cardNumber');
  const cardProfile = c.oneOf('cardProfile', isCardProfile, PROFILES);
  const algorithm = algorithmFor(c, cardProfile);
  const label = c.oneOf('label', (v): v is ApDataLabel => v === 'text-ap' || v === 'visual-ap', [
    'text-ap',
    'visual-ap',
  ]);
  const data = c.base64('data', 64 * 1024);
  c.done();
  return {
    applicationId,
    cardNumber,
    cardProfile: cardProfile!,
    ...(algorithm ? { algorithm } : {}),
    label: label!,
    data,
  };
}

export function validateSelector(body: unknown): CardCertificateSelector {
  const c = new Checker(asObject(body));
  const cardNumber = c.string('cardNumber');
  const purposes = c.purposes();
  const attemptId = c.body['attemptId'] === undefined ? undefined : c.string('attemptId', ATTEMPT_ID);
  c.done();
  return { cardNumber, ...(purposes ? { purposes } : {}), ...(attemptId ? { attemptId } : {}) };
}

export function validateRevokeRequest(body: unknown): RevokeRequest {
  const selector = validateSelector(body);
  const c = new Checker(asObject(body));
  const reason = c.oneOf('reason', isRevocationReason, [
    'unspecified',
    'keyCompromise',
    'cACompromise',
    'affiliationChanged',
    'superseded',
    'cessationOfOperation',
    'privilegeWithdrawn',
  ]);
  if (reason === 'certificateHold') c.fail('reason', 'a hold is not a revocation: use the holds endpoint');
  const subReason = c.oneOf(
    'subReason',
    isRevocationSubReason,
    ['death', 'emigration', 'other-removal'],
    true,
  );
  if (subReason && reason !== 'affiliationChanged') c.fail('subReason', 'is only for affiliationChanged');
  c.done();
  return { ...selector, reason: reason as RevokeRequest['reason'], ...(subReason ? { subReason } : {}) };
}
