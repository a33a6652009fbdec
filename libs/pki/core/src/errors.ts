/** Why the CA refuses a request; every code maps to one problem type of the HTTP API. */
export type PkiErrorCode =
  | 'invalid-field'
  | 'public-key-malformed'
  | 'public-key-not-on-curve'
  | 'public-key-algorithm-mismatch'
  | 'proof-invalid'
  | 'live-certificate-exists'
  | 'unknown-card'
  | 'conflict';

export class PkiRequestError extends Error {
  override readonly name = 'PkiRequestError';
  constructor(
    readonly code: PkiErrorCode,
    /** Dotted path of the request field at fault. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
