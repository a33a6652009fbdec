/**
 * Machine-readable reasons a piece of applicant data is rejected. Callers switch on `code`; the text shown to
 * people is chosen by the caller from the code, never built from the rejected value (it is personal data
 * and must not end up in logs or events).
 */
export type ValidationCode =
  | 'NOT_AN_OBJECT'
  | 'REQUIRED'
  | 'NOT_A_STRING'
  | 'TOO_LONG'
  | 'NOT_NFC'
  | 'FORBIDDEN_CHARACTER'
  | 'KANA_NOT_KATAKANA'
  | 'DATE_FORMAT'
  | 'DATE_INVALID'
  | 'DATE_IN_FUTURE'
  | 'DATE_TOO_EARLY'
  | 'ROMAJI_FORMAT'
  | 'ROMAJI_NOT_HEPBURN'
  | 'ROMAJI_PASSPORT_MISMATCH'
  | 'SEX_CODE'
  | 'PREFECTURE_UNKNOWN'
  | 'POSTAL_CODE_FORMAT'
  | 'MY_NUMBER_FORMAT'
  | 'MY_NUMBER_CHECK_DIGIT'
  | 'LOCAL_GOVERNMENT_CODE_FORMAT'
  | 'LOCAL_GOVERNMENT_CODE_CHECK_DIGIT'
  | 'LOCAL_GOVERNMENT_CODE_PREFECTURE_MISMATCH';

/** One rejected field: `field` is a dotted path such as `applicant.address.postalCode`. */
export interface DomainValidationError {
  readonly field: string;
  readonly code: ValidationCode;
}

/** Every problem found, not just the first: a counter clerk fixes a form in one pass. */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly DomainValidationError[] };

/** Thrown by the `assert…` helpers when a caller prefers an exception to a result. Permanent: data won't fix itself. */
export class DomainValidationFailed extends Error {
  override readonly name = 'DomainValidationFailed';
  readonly code = 'DOMAIN_VALIDATION_FAILED';
  readonly permanent = true;
  constructor(readonly errors: readonly DomainValidationError[]) {
    super(`validation failed: ${errors.map((error) => `${error.field} ${error.code}`).join(', ')}`);
  }
}
