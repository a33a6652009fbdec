// Makes T=0 style answers transparent: a card (or reader) may answer 61xx ("xx more bytes, ask with GET
// RESPONSE") or 6Cxx ("wrong Le, the right one is xx"). Callers get what they would get over T=1.
import {
  concatBytes,
  encodeCommandApdu,
  MalformedApduError,
  parseCommandApdu,
  SW1_BYTES_REMAINING,
  SW1_WRONG_LE,
} from '@mnc/virtual-card';

export type RawTransmit = (apdu: Uint8Array) => Promise<Uint8Array>;

/** 256 GET RESPONSEs of 256 bytes cover the largest response ISO allows (65536 bytes); more means a broken card. */
const MAX_GET_RESPONSES = 256;

export async function transmitWithResponseChaining(send: RawTransmit, apdu: Uint8Array): Promise<Uint8Array> {
  let response = await send(apdu);
  if (sw1(response) === SW1_WRONG_LE) {
    const resend = withExactLe(apdu, response[response.length - 1]);
    if (resend !== undefined) response = await send(resend);
  }
  const collected: Uint8Array[] = [];
  for (let round = 0; sw1(response) === SW1_BYTES_REMAINING && round < MAX_GET_RESPONSES; round++) {
    collected.push(response.subarray(0, response.length - 2));
    const available = response[response.length - 1];
    // GET RESPONSE keeps the logical channel of the command (CLA bits 1-2) but is always interindustry.
    response = await send(Uint8Array.of(apdu[0] & 0x03, 0xc0, 0x00, 0x00, available));
  }
  return collected.length === 0 ? response : concatBytes(...collected, response);
}

function sw1(response: Uint8Array): number | undefined {
  return response.length >= 2 ? response[response.length - 2] : undefined;
}

function withExactLe(apdu: Uint8Array, exactLe: number): Uint8Array | undefined {
  try {
    const command = parseCommandApdu(apdu);
    return encodeCommandApdu({ ...command, ne: exactLe === 0 ? 256 : exactLe, extended: false });
  } catch (error) {
    if (error instanceof MalformedApduError) return undefined;
    throw error;
  }
}
