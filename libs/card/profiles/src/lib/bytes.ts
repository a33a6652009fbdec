// Small byte helpers shared by the card model and its transports. Uint8Array everywhere, never Buffer, so
// the library stays free of Node-specific types.

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out.toUpperCase();
}

export class InvalidHexError extends Error {
  readonly code = 'INVALID_HEX' as const;
  constructor(readonly input: string) {
    super(`not an even-length hex string: ${JSON.stringify(input.slice(0, 40))}`);
    this.name = 'InvalidHexError';
  }
}

/** Parses hex, ignoring spaces so APDUs can be written the way specifications print them. */
export function fromHex(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) throw new InvalidHexError(text);
  const bytes = new Uint8Array(compact.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
