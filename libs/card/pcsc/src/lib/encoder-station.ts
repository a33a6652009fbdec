/** An exclusive session with the card in a reader. Transmits are serialised in call order. */
export interface CardChannel {
  readonly atr: Uint8Array;
  /**
   * Sends a command APDU and resolves with the complete response APDU. 61xx (GET RESPONSE) and 6Cxx (resend
   * with the exact Le) are handled here, so callers see what a T=1 card would answer. Rejects with a
   * StationError (CardRemovedError, ReaderUnavailableError, TransmitTimeoutError, ...), never hangs.
   */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** Ends the session and resets the card (its volatile state is gone for the next session). Idempotent. */
  close(): Promise<void>;
}

/** A lane's encoder: one reader slot that cards are fed into. */
export interface EncoderStation {
  readonly readerName: string;
  /**
   * Resolves with a channel to the card in the reader, waiting up to timeoutMs for one to be present.
   * Rejects with NoCardError on timeout, ReaderUnavailableError if the reader never showed up, and
   * StationBusyError while the previous channel is still open. It does not know whether the card is the
   * one fed last: read its serial (GET DATA) to tell cards apart.
   */
  waitForCard(timeoutMs: number): Promise<CardChannel>;
  /** Closes any open channel and releases the station's resources, so the process can exit. */
  close(): Promise<void>;
}

/** Structured log sink; events are short kebab-case names, fields carry no card contents. */
export type StationLog = (event: string, fields?: Readonly<Record<string, unknown>>) => void;

export const silentLog: StationLog = () => undefined;
