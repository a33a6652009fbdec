// Typed failures of a station and its channels. Callers branch on `code` (or instanceof), never on text:
// CARD_REMOVED and NO_CARD mean "feed / re-seat a card"; READER_UNAVAILABLE means the encoder or pcscd is
// gone; TRANSMIT_TIMEOUT and CARD_COMMUNICATION mean the card's state is unknown and the attempt is spoiled.

export type StationErrorCode =
  | 'CARD_REMOVED'
  | 'READER_UNAVAILABLE'
  | 'NO_CARD'
  | 'TRANSMIT_TIMEOUT'
  | 'CARD_COMMUNICATION'
  | 'CHANNEL_CLOSED'
  | 'STATION_BUSY';

export abstract class StationError extends Error {
  abstract readonly code: StationErrorCode;

  constructor(
    readonly readerName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${readerName}: ${message}`, options);
    this.name = new.target.name;
  }
}

/** The card left the reader (or was swapped) while a channel to it was open, or before connecting. */
export class CardRemovedError extends StationError {
  readonly code = 'CARD_REMOVED';
  constructor(readerName: string, options?: { cause?: unknown }) {
    super(readerName, 'card removed', options);
  }
}

/** No such reader, the reader disappeared, or pcscd is not running. */
export class ReaderUnavailableError extends StationError {
  readonly code = 'READER_UNAVAILABLE';
  constructor(readerName: string, detail: string, options?: { cause?: unknown }) {
    super(readerName, `reader unavailable: ${detail}`, options);
  }
}

/** waitForCard timed out with the reader present but empty. */
export class NoCardError extends StationError {
  readonly code = 'NO_CARD';
  constructor(readerName: string, timeoutMs: number) {
    super(readerName, `no card within ${timeoutMs} ms`);
  }
}

/** The card did not answer in time; the channel is closed because the card's state is now unknown. */
export class TransmitTimeoutError extends StationError {
  readonly code = 'TRANSMIT_TIMEOUT';
  constructor(readerName: string, timeoutMs: number) {
    super(readerName, `no response within ${timeoutMs} ms`);
  }
}

/** PC/SC reported a failure that is neither a removal nor a missing reader. `pcscCode` is its return code. */
export class CardCommunicationError extends StationError {
  readonly code = 'CARD_COMMUNICATION';
  constructor(
    readerName: string,
    readonly pcscCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(readerName, `communication failed (PC/SC ${formatPcscCode(pcscCode)})`, options);
  }
}

/** transmit() after close(). */
export class ChannelClosedError extends StationError {
  readonly code = 'CHANNEL_CLOSED';
  constructor(readerName: string) {
    super(readerName, 'channel closed');
  }
}

/** waitForCard() while a channel from the previous call is still open: one card, one channel. */
export class StationBusyError extends StationError {
  readonly code = 'STATION_BUSY';
  constructor(readerName: string) {
    super(readerName, 'a channel is already open; close it first');
  }
}

export function formatPcscCode(code: number | undefined): string {
  return code === undefined ? 'unknown' : `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}
