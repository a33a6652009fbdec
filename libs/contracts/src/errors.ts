export type ContractViolationCode =
  | 'MISSING_HEADER'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNSUPPORTED_SPEC_VERSION'
  | 'TOPIC_MISMATCH'
  | 'SUBJECT_MISMATCH'
  | 'MALFORMED_JSON'
  | 'SCHEMA_VIOLATION';

/** An event that breaks its contract. Permanent: redelivering the same bytes can never succeed. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  readonly permanent = true;
  constructor(
    readonly code: ContractViolationCode,
    message: string,
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}
