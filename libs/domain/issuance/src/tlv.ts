/**
 * BER-TLV as the card's files use it: one- or two-byte tags (a first byte with its low five bits all set
 * announces a second), definite lengths in short form (< 128) or long form 81 xx / 82 xx xx / 83 xx xx xx.
 */
export interface Tlv {
  readonly tag: number;
  readonly value: Buffer;
  /** Offset of the tag's first byte within the parsed buffer. */
  readonly offset: number;
  /** Bytes of tag, length and value together. */
  readonly size: number;
}

export class TlvError extends Error {
  override readonly name = 'TlvError';
  readonly permanent = true;
}

export function encodeTag(tag: number): Buffer {
  if (Number.isInteger(tag) && tag >= 0 && tag <= 0xff && (tag & 0x1f) !== 0x1f) return Buffer.from([tag]);
  if (
    Number.isInteger(tag) &&
    tag > 0xff &&
    tag <= 0xffff &&
    ((tag >> 8) & 0x1f) === 0x1f &&
    (tag & 0x80) === 0
  )
    return Buffer.from([tag >> 8, tag & 0xff]);
  throw new TlvError(`tag ${tag.toString(16)} is not a one- or two-byte BER tag`);
}

export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) throw new TlvError('a length is a non-negative integer');
  if (length < 0x80) return Buffer.from([length]);
  if (length <= 0xff) return Buffer.from([0x81, length]);
  if (length <= 0xffff) return Buffer.from([0x82, length >> 8, length & 0xff]);
  if (length <= 0xffffff) return Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  throw new TlvError('a value longer than 16 MiB does not fit a card file');
}

export function tlv(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([encodeTag(tag), encodeLength(value.length), value]);
}

/** Reads one TLV at `offset`. */
export function readTlv(bytes: Buffer, offset = 0): Tlv {
  let at = offset;
  const byte = (): number => {
    if (at >= bytes.length) throw new TlvError(`truncated TLV at offset ${offset}`);
    return bytes[at++] as number;
  };
  let tag = byte();
  if ((tag & 0x1f) === 0x1f) tag = (tag << 8) | byte();
  const first = byte();
  let length: number;
  if (first < 0x80) length = first;
  else {
    const count = first & 0x7f;
    if (count < 1 || count > 3) throw new TlvError(`unsupported length form 0x${first.toString(16)}`);
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + byte();
  }
  if (at + length > bytes.length) throw new TlvError(`TLV at offset ${offset} runs past the end`);
  return { tag, value: bytes.subarray(at, at + length), offset, size: at + length - offset };
}

/** Reads consecutive TLVs filling `bytes` exactly. */
export function readTlvs(bytes: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const item = readTlv(bytes, offset);
    items.push(item);
    offset += item.size;
  }
  return items;
}
