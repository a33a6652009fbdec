// ISO 7816-4 command and response APDUs: the four cases in short and extended form.
//
//   case 1  CLA INS P1 P2
//   case 2  CLA INS P1 P2 Le                      short: Le 1 byte (00 = 256); extended: 00 Le1 Le2 (0000 = 65536)
//   case 3  CLA INS P1 P2 Lc Data                 short: Lc 1 byte (01..FF); extended: 00 Lc1 Lc2 (0001..FFFF)
//   case 4  CLA INS P1 P2 Lc Data Le              extended Lc implies a 2-byte extended Le
import { concatBytes } from './bytes';

export const MAX_SHORT_DATA = 255;
export const MAX_SHORT_NE = 256;
export const MAX_EXTENDED_DATA = 65535;
export const MAX_EXTENDED_NE = 65536;

export type ApduCase = 1 | 2 | 3 | 4;

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data; empty when there is no Lc field. */
  readonly data: Uint8Array;
  /** Ne, the decoded Le: 0 when there is no Le field, otherwise 1..256 (short) or 1..65536 (extended). */
  readonly ne: number;
  /** Whether the length fields were extended; kept so a resend can use the same form. */
  readonly extended: boolean;
}

export class MalformedApduError extends Error {
  readonly code = 'MALFORMED_APDU' as const;
  constructor(reason: string) {
    super(`malformed command APDU: ${reason}`);
    this.name = 'MalformedApduError';
  }
}

export function apduCase(command: CommandApdu): ApduCase {
  if (command.data.length === 0) return command.ne === 0 ? 1 : 2;
  return command.ne === 0 ? 3 : 4;
}

/** Decodes a command APDU; any length field that does not add up raises MalformedApduError (the card answers 6700). */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new MalformedApduError(`${bytes.length} bytes, a header needs 4`);
  const header = { cla: bytes[0], ins: bytes[1], p1: bytes[2], p2: bytes[3] };
  const body = bytes.subarray(4);
  const empty = new Uint8Array(0);

  if (body.length === 0) return { ...header, data: empty, ne: 0, extended: false };
  if (body.length === 1) return { ...header, data: empty, ne: body[0] || MAX_SHORT_NE, extended: false };

  if (body[0] !== 0) {
    const lc = body[0];
    if (body.length === 1 + lc) return { ...header, data: body.slice(1), ne: 0, extended: false };
    if (body.length === 2 + lc) {
      return { ...header, data: body.slice(1, 1 + lc), ne: body[1 + lc] || MAX_SHORT_NE, extended: false };
    }
    throw new MalformedApduError(`short Lc ${lc} does not match ${body.length - 1} bytes after it`);
  }

  // A leading 00 with more bytes after it starts an extended length field.
  if (body.length === 3)
    return { ...header, data: empty, ne: readUint16(body, 1) || MAX_EXTENDED_NE, extended: true };
  if (body.length < 3) throw new MalformedApduError('truncated extended length field');
  const lc = readUint16(body, 1);
  if (lc === 0) throw new MalformedApduError('extended Lc of zero');
  if (body.length === 3 + lc) return { ...header, data: body.slice(3), ne: 0, extended: true };
  if (body.length === 5 + lc) {
    return {
      ...header,
      data: body.slice(3, 3 + lc),
      ne: readUint16(body, 3 + lc) || MAX_EXTENDED_NE,
      extended: true,
    };
  }
  throw new MalformedApduError(`extended Lc ${lc} does not match ${body.length - 3} bytes after it`);
}

export interface CommandApduInput {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length (Ne); omit or 0 for no Le. */
  readonly ne?: number;
  /** Force extended length fields even when short ones would do. */
  readonly extended?: boolean;
}

/** Encodes a command APDU, choosing extended lengths only when the data or Ne do not fit the short form. */
export function encodeCommandApdu(input: CommandApduInput): Uint8Array {
  const data = input.data ?? new Uint8Array(0);
  const ne = input.ne ?? 0;
  if (data.length > MAX_EXTENDED_DATA)
    throw new RangeError(`command data of ${data.length} bytes exceeds 65535`);
  if (!Number.isInteger(ne) || ne < 0 || ne > MAX_EXTENDED_NE)
    throw new RangeError(`Ne ${ne} is outside 0..65536`);
  for (const [name, value] of Object.entries({
    cla: input.cla,
    ins: input.ins,
    p1: input.p1,
    p2: input.p2,
  })) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      throw new RangeError(`${name} ${value} is not a byte`);
  }
  const header = Uint8Array.of(input.cla, input.ins, input.p1, input.p2);
  const extended = input.extended === true || data.length > MAX_SHORT_DATA || ne > MAX_SHORT_NE;

  if (!extended) {
    const lc = data.length > 0 ? Uint8Array.of(data.length) : new Uint8Array(0);
    const le = ne > 0 ? Uint8Array.of(ne & 0xff) : new Uint8Array(0);
    return concatBytes(header, lc, data, le);
  }
  const lc = data.length > 0 ? Uint8Array.of(0, data.length >> 8, data.length & 0xff) : new Uint8Array(0);
  const leValue = ne & 0xffff; // 65536 encodes as 0000
  // With an extended Lc the Le is two bytes; without one it carries its own 00 marker.
  const le =
    ne === 0
      ? new Uint8Array(0)
      : data.length > 0
        ? Uint8Array.of(leValue >> 8, leValue & 0xff)
        : Uint8Array.of(0, leValue >> 8, leValue & 0xff);
  return concatBytes(header, lc, data, le);
}

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

export function encodeResponseApdu(response: ResponseApdu): Uint8Array {
  return concatBytes(response.data, Uint8Array.of(response.sw >> 8, response.sw & 0xff));
}

export class MalformedResponseError extends Error {
  readonly code = 'MALFORMED_RESPONSE' as const;
  constructor(length: number) {
    super(`a response APDU needs at least the two status bytes, got ${length} byte(s)`);
    this.name = 'MalformedResponseError';
  }
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new MalformedResponseError(bytes.length);
  return { data: bytes.slice(0, -2), sw: readUint16(bytes, bytes.length - 2) };
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}
