// The wire protocol between vsmartcard's vpcd driver (inside pcscd) and a virtual card: every message is a
// 2-byte big-endian length followed by that many bytes. A one-byte message is a control code; anything
// longer is a command APDU, answered by one response APDU message. Power and reset get no answer.
import { VirtualCard } from '@mnc/virtual-card';

export const VPCD_DEFAULT_HOST = '127.0.0.1';
/** vpcd's first slot ("Virtual PCD 00 00"); slot n listens on this port + n. */
export const VPCD_DEFAULT_PORT = 35963;
export const VPCD_MAX_MESSAGE = 0xffff;

export const VpcdControl = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

export class VpcdMessageTooLargeError extends Error {
  readonly code = 'VPCD_MESSAGE_TOO_LARGE' as const;
  constructor(length: number) {
    super(`a vpcd message holds at most ${VPCD_MAX_MESSAGE} bytes, got ${length}`);
    this.name = 'VpcdMessageTooLargeError';
  }
}

export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_MESSAGE) throw new VpcdMessageTooLargeError(payload.length);
  const frame = new Uint8Array(2 + payload.length);
  frame[0] = payload.length >> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, 2);
  return frame;
}

/** Reassembles messages from TCP chunks, which may split a message anywhere or carry several. */
export class VpcdFrameDecoder {
  private pending: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    let buffer = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const messages: Uint8Array[] = [];
    while (buffer.length >= 2) {
      const length = (buffer[0] << 8) | buffer[1];
      if (buffer.length < 2 + length) break;
      messages.push(buffer.slice(2, 2 + length));
      buffer = buffer.subarray(2 + length);
    }
    // Copy the remainder so the caller's chunk (often a pooled Buffer) is not retained.
    this.pending = buffer.slice();
    return messages;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/**
 * The card's side of one message: the reply to send back, or undefined for messages that get none. Power-off,
 * power-on and reset reach the card so its volatile state is cleared exactly when a real card's would be.
 */
export function answerVpcdMessage(card: VirtualCard, message: Uint8Array): Uint8Array | undefined {
  if (message.length === 1) {
    switch (message[0]) {
      case VpcdControl.POWER_OFF:
        card.powerOff();
        return undefined;
      case VpcdControl.POWER_ON:
        card.powerOn();
        return undefined;
      case VpcdControl.RESET:
        card.reset();
        return undefined;
      case VpcdControl.GET_ATR:
        return card.atr;
      default:
        // Unknown control codes are not APDUs either (an APDU has at least 4 bytes); vpcd expects no answer.
        return undefined;
    }
  }
  return card.transmit(message);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
