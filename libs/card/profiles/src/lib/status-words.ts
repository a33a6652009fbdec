// ISO 7816-4 status words the card answers with. Names follow the standard's wording so a trace can be read
// against it; 61xx and 6Cxx carry a length in SW2 and are built by the helpers below.

export const SW = {
  SUCCESS: 0x9000,
  WRONG_LENGTH: 0x6700,
  COMMAND_INCOMPATIBLE_WITH_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_OF_USE_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_CURRENT_EF: 0x6986,
  INCORRECT_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1_P2: 0x6a86,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  FILE_ALREADY_EXISTS: 0x6a89,
  WRONG_PARAMETERS_OFFSET_OUTSIDE_EF: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

export type StatusWordName = keyof typeof SW;
export type StatusWord = (typeof SW)[StatusWordName];

export const SW1_BYTES_REMAINING = 0x61;
/** `63Cx`: verification failed (or, for an empty VERIFY, not yet done), x tries left. */
export const SW_VERIFICATION_FAILED_BASE = 0x63c0;

export function triesLeft(tries: number): number {
  return SW_VERIFICATION_FAILED_BASE | Math.max(0, Math.min(tries, 15));
}

/** The tries left a `63Cx` carries, undefined for any other status word. */
export function triesLeftOf(sw: number): number | undefined {
  return (sw & 0xfff0) === SW_VERIFICATION_FAILED_BASE ? sw & 0x0f : undefined;
}
export const SW1_WRONG_LE = 0x6c;

/** `6Cxx`: "wrong Le, resend with Le = xx" (xx = 00 means 256). */
export function wrongLe(exactLength: number): number {
  return (SW1_WRONG_LE << 8) | (exactLength & 0xff);
}

/** `61xx`: "xx more bytes available with GET RESPONSE" (xx = 00 means 256 or more). */
export function bytesRemaining(length: number): number {
  return (SW1_BYTES_REMAINING << 8) | (Math.min(length, 256) & 0xff);
}

const NAMES = new Map<number, StatusWordName>(
  Object.entries(SW).map(([name, sw]) => [sw, name as StatusWordName]),
);

/** A readable name for logs and test messages, e.g. `6A82 FILE_NOT_FOUND`. */
export function describeStatusWord(sw: number): string {
  const code = sw.toString(16).toUpperCase().padStart(4, '0');
  const known = NAMES.get(sw);
  if (known) return `${code} ${known}`;
  const sw1 = sw >> 8;
  if (sw1 === SW1_BYTES_REMAINING) return `${code} BYTES_REMAINING(${sw & 0xff || 256})`;
  if (sw1 === SW1_WRONG_LE) return `${code} WRONG_LE(${sw & 0xff || 256})`;
  if (triesLeftOf(sw) !== undefined) return `${code} VERIFICATION_FAILED(${sw & 0x0f} left)`;
  return `${code} UNKNOWN`;
}
