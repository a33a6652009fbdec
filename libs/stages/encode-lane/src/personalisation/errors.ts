// Typed failures of one card attempt: which step of personalisation or which QA check failed, and why.
// The lane records `step`/`check` as the spoil reason; the message never carries card contents.

/** Steps of personalisation, in the order of docs/lanes-encoding.md. */
export type PersonalisationStep =
  | 'input'
  | 'open-card'
  | 'card-identity'
  | 'write-files'
  | 'generate-key'
  | 'proof-of-possession'
  | 'certificate'
  | 'write-certificates'
  | 'set-pins'
  | 'close-personalisation';

/** Checks of the read-back (QA). */
export type QaCheck =
  | 'open-card'
  | 'card-identity'
  | 'life-cycle'
  | 'file-content'
  | 'ap-signature'
  | 'certificate-content'
  | 'certificate-chain'
  | 'certificate-key'
  | 'live-signature'
  | 'pin-state';

/** The code of the station or card error underneath, when there is one (CARD_REMOVED, CARD_STATUS, ...). */
function causeCodeOf(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export abstract class CardAttemptError extends Error {
  abstract readonly phase: 'personalisation' | 'qa';
  /** Code of the underlying error (a StationError's or CardStatusError's code), if any. */
  readonly causeCode: string | undefined;

  protected constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.causeCode = causeCodeOf(cause);
  }
}

/** Personalisation stopped at `step`; the card is spoiled and the attempt's certificates must be revoked. */
export class PersonalisationError extends CardAttemptError {
  readonly phase = 'personalisation' as const;
  readonly code = 'PERSONALISATION_FAILED' as const;
  constructor(
    readonly step: PersonalisationStep,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`personalisation failed at ${step}: ${reason}`, cause);
  }
}

/** The read-back found the card other than it must be: `check` failed on `subject` (an AP and EF, a key). */
export class QualityAssuranceError extends CardAttemptError {
  readonly phase = 'qa' as const;
  readonly code = 'QA_FAILED' as const;
  constructor(
    readonly check: QaCheck,
    readonly subject: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`QA ${check} failed for ${subject}: ${reason}`, cause);
  }
}

/** The bundle (or the caller) does not give what a personalisation needs. */
export class PersonalisationInputError extends Error {
  readonly code = 'PERSONALISATION_INPUT' as const;
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`personalisation input ${field}: ${reason}`);
    this.name = 'PersonalisationInputError';
  }
}

/** The step's name in a spoil record: e.g. `personalisation:certificate` or `qa:file-content`. */
export function spoilReasonOfAttemptError(error: CardAttemptError): string {
  return error instanceof PersonalisationError
    ? `personalisation:${error.step}`
    : `qa:${(error as QualityAssuranceError).check}`;
}
