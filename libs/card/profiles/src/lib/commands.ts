// Command APDUs of docs/apdu-spec.md, as an encoder, a reader or a test sends them. The card's side is
// libs/card/virtual-card; both take their numbers from here.
import { encodeCommandApdu, MAX_EXTENDED_NE, MAX_SHORT_NE } from './apdu';
import { applicationAid, ApplicationName } from './applications';
import { encodeFileCreationParameters, FileCreationParameters } from './file-control-parameters';

export const CLA_INTERINDUSTRY = 0x00;
export const CLA_PROPRIETARY = 0x80;

export const INS = {
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  SIGN: 0x2a,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  INTERNAL_AUTHENTICATE: 0x88,
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xca,
  UPDATE_BINARY: 0xd6,
  CREATE_FILE: 0xe0,
  CLOSE_PERSONALISATION: 0xf0,
} as const;

/** GET DATA P1-P2 0101 (ISO 7816-4's proprietary range): the card's 8-byte serial number. */
export const TAG_CARD_SERIAL = 0x0101;

/** GENERATE ASYMMETRIC KEY PAIR P1: generate a new pair, or read the public key of the existing one. */
export const KEY_PAIR_P1 = { GENERATE: 0x80, READ_PUBLIC_KEY: 0x81 } as const;

/** RESET RETRY COUNTER P1: 00 = PUK followed by a new value; 01 = PUK only (counter reset, value kept). */
export const RESET_P1 = { PUK_AND_NEW_VALUE: 0x00, PUK_ONLY: 0x01 } as const;

/**
 * How VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERATE, SIGN and INTERNAL AUTHENTICATE name
 * their PIN or key object in P2: 80 = the current EF (selected with SELECT EF, as OpenSC does), or
 * 80 | FID for FIDs 0001..001E (the short identifier).
 */
export type ObjectReference = number | 'current';

export function referenceP2(reference: ObjectReference): number {
  if (reference === 'current') return 0x80;
  if (!Number.isInteger(reference) || reference < 0x01 || reference > 0x1e) {
    throw new RangeError(`FID ${reference} has no short identifier (0001..001E)`);
  }
  return 0x80 | reference;
}

const ascii = (value: Uint8Array | string): Uint8Array =>
  typeof value === 'string' ? new TextEncoder().encode(value) : value;

export const CardCommand = {
  selectApplication(name: ApplicationName): Uint8Array {
    return encodeCommandApdu({ cla: 0, ins: INS.SELECT, p1: 0x04, p2: 0x0c, data: applicationAid(name) });
  },
  selectFile(fid: number): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.SELECT,
      p1: 0x02,
      p2: 0x0c,
      data: Uint8Array.of(fid >> 8, fid & 0xff),
    });
  },
  /** READ BINARY of the current EF; Ne above 256 switches to an extended Le. */
  readBinary(offset: number, ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.READ_BINARY,
      p1: (offset >> 8) & 0x7f,
      p2: offset & 0xff,
      ne,
    });
  },
  /** READ BINARY by short EF identifier (1..30); offset 0..255. */
  readBinaryBySfi(sfi: number, offset = 0, ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({ cla: 0, ins: INS.READ_BINARY, p1: 0x80 | sfi, p2: offset, ne });
  },
  updateBinary(offset: number, data: Uint8Array): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.UPDATE_BINARY,
      p1: (offset >> 8) & 0x7f,
      p2: offset & 0xff,
      data,
    });
  },
  createFile(parameters: FileCreationParameters): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.CREATE_FILE,
      p1: 0,
      p2: 0,
      data: encodeFileCreationParameters(parameters),
    });
  },
  getSerial(ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.GET_DATA,
      p1: TAG_CARD_SERIAL >> 8,
      p2: TAG_CARD_SERIAL & 0xff,
      ne,
    });
  },
  getResponse(ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({ cla: 0, ins: INS.GET_RESPONSE, p1: 0, p2: 0, ne });
  },
  /** VERIFY with a value (ASCII); without one it asks for the tries left (always answered 63Cx). */
  verify(reference: ObjectReference, value?: Uint8Array | string): Uint8Array {
    const data = value === undefined ? undefined : ascii(value);
    return encodeCommandApdu({ cla: 0, ins: INS.VERIFY, p1: 0, p2: referenceP2(reference), data });
  },
  /** CHANGE REFERENCE DATA (P1 01, new value only): after VERIFY, or to set the value during personalisation. */
  changeReferenceData(reference: ObjectReference, newValue: Uint8Array | string): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.CHANGE_REFERENCE_DATA,
      p1: 0x01,
      p2: referenceP2(reference),
      data: ascii(newValue),
    });
  },
  /** RESET RETRY COUNTER with the PUK (next-gen): unblocks the PIN, optionally setting a new value. */
  resetRetryCounter(
    reference: ObjectReference,
    puk: Uint8Array | string,
    newValue?: Uint8Array | string,
  ): Uint8Array {
    const data = newValue === undefined ? ascii(puk) : new Uint8Array([...ascii(puk), ...ascii(newValue)]);
    const p1 = newValue === undefined ? RESET_P1.PUK_ONLY : RESET_P1.PUK_AND_NEW_VALUE;
    return encodeCommandApdu({ cla: 0, ins: INS.RESET_RETRY_COUNTER, p1, p2: referenceP2(reference), data });
  },
  /** Has the card generate a new key pair (personalisation only); answers the public key (7F49). */
  generateKeyPair(reference: ObjectReference): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.GENERATE_ASYMMETRIC_KEY_PAIR,
      p1: KEY_PAIR_P1.GENERATE,
      p2: referenceP2(reference),
      ne: MAX_EXTENDED_NE,
    });
  },
  /** Reads the public key of a key generated earlier (any life-cycle state, no PIN). */
  getPublicKey(reference: ObjectReference): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.GENERATE_ASYMMETRIC_KEY_PAIR,
      p1: KEY_PAIR_P1.READ_PUBLIC_KEY,
      p2: referenceP2(reference),
      ne: MAX_EXTENDED_NE,
    });
  },
  /** SIGN: RSA keys take a DigestInfo (PKCS#1 v1.5), EC keys the digest itself (DER ECDSA-Sig-Value back). */
  sign(reference: ObjectReference, input: Uint8Array): Uint8Array {
    return encodeCommandApdu({
      cla: CLA_PROPRIETARY,
      ins: INS.SIGN,
      p1: 0,
      p2: referenceP2(reference),
      data: input,
      ne: MAX_SHORT_NE,
    });
  },
  /** INTERNAL AUTHENTICATE (next-gen): the card hashes the challenge and signs it (DER ECDSA-Sig-Value). */
  internalAuthenticate(reference: ObjectReference, challenge: Uint8Array): Uint8Array {
    return encodeCommandApdu({
      cla: 0,
      ins: INS.INTERNAL_AUTHENTICATE,
      p1: 0,
      p2: referenceP2(reference),
      data: challenge,
      ne: MAX_SHORT_NE,
    });
  },
  closePersonalisation(): Uint8Array {
    return encodeCommandApdu({ cla: CLA_PROPRIETARY, ins: INS.CLOSE_PERSONALISATION, p1: 0, p2: 0 });
  },
} as const;
