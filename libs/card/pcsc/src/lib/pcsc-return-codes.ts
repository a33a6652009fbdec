// PC/SC return codes (pcsclite.h) and how a station treats them. pcsclite (the npm binding) reports failures
// only as Error messages of the form "SCardTransmit error: Card was removed.(0x80100069)"; the numeric code
// in parentheses is the one structured fact it gives, so it is extracted here and everything else branches
// on the number, not on the wording.

export const PcscReturnCode = {
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  E_PROTO_MISMATCH: 0x8010000f,
  E_NOT_READY: 0x80100010,
  F_COMM_ERROR: 0x80100013,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

/**
 * card-removed: the card is gone or was swapped (the handle is stale).
 * reader-unavailable: the reader or pcscd is gone.
 * protocol-mismatch: retry the connection with the other protocol.
 * sharing-violation: another process holds the card; wait.
 * ambiguous: the exchange broke (vpcd answers NOT_TRANSACTED right after a removal, before pcscd's next
 *   presence poll notices it); the station looks at the reader state to decide.
 */
export type PcscFailureKind =
  'card-removed' | 'reader-unavailable' | 'protocol-mismatch' | 'sharing-violation' | 'ambiguous';

const KINDS = new Map<number, PcscFailureKind>([
  [PcscReturnCode.W_REMOVED_CARD, 'card-removed'],
  [PcscReturnCode.E_NO_SMARTCARD, 'card-removed'],
  [PcscReturnCode.E_READER_UNAVAILABLE, 'reader-unavailable'],
  [PcscReturnCode.E_UNKNOWN_READER, 'reader-unavailable'],
  [PcscReturnCode.E_NO_SERVICE, 'reader-unavailable'],
  [PcscReturnCode.E_SERVICE_STOPPED, 'reader-unavailable'],
  [PcscReturnCode.E_NO_READERS_AVAILABLE, 'reader-unavailable'],
  [PcscReturnCode.E_INVALID_HANDLE, 'reader-unavailable'],
  [PcscReturnCode.E_PROTO_MISMATCH, 'protocol-mismatch'],
  [PcscReturnCode.E_SHARING_VIOLATION, 'sharing-violation'],
]);

export function pcscReturnCodeOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /\(0x([0-9a-f]{8})\)\s*$/i.exec(error.message);
  return match === null ? undefined : parseInt(match[1], 16);
}

export function classifyPcscFailure(code: number | undefined): PcscFailureKind {
  return (code === undefined ? undefined : KINDS.get(code)) ?? 'ambiguous';
}
