import { HttpStatus } from '@nestjs/common';
import { PkiError } from '@mnc/pki-client';
import { ProblemError, validationProblem } from '@mnc/stage-runtime';
import { PkiValidationError } from './request-validation';

const TITLES: Record<string, string> = {
  'public-key-malformed': 'The public key is malformed',
  'public-key-not-on-curve': 'The public key is not on the curve',
  'public-key-algorithm-mismatch': 'The public key does not fit the algorithm',
  'proof-invalid': 'The proof of possession does not verify',
  'live-certificate-exists': 'The card already has a live certificate for this purpose',
  'unknown-card': 'Unknown card',
  conflict: 'Conflict',
};

/** A refusal of the CA as RFC 9457 problem details: the type names the code, `errors` names the field. */
export function toProblem(error: unknown): unknown {
  if (error instanceof PkiValidationError)
    return validationProblem(
      error.problems.map((p) => ({ field: p.field, code: 'invalid', message: p.message })),
    );
  if (!(error instanceof PkiError) || error.code === 'unavailable' || error.code === 'unexpected')
    return error;
  const status = error.status ?? HttpStatus.UNPROCESSABLE_ENTITY;
  return new ProblemError(
    status,
    error.code,
    TITLES[error.code] ?? 'Refused',
    error.message,
    error.field ? [{ field: error.field, code: error.code, message: error.message }] : [],
  );
}
