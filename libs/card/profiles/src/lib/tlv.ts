// BER-TLV as the card uses it: one- or two-byte tags (two when the low five bits of the first are 11111),
// definite lengths in one to three bytes.
import { concatBytes } from './bytes';

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  /** Offset just past this object in the buffer it was read from. */
  readonly end: number;
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  throw new RangeError(`TLV length ${length} exceeds 65535`);
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? Uint8Array.of(tag >> 8, tag & 0xff) : Uint8Array.of(tag);
  return concatBytes(tagBytes, encodeLength(value.length), value);
}

/** Reads one object at offset; undefined when the bytes there do not hold a whole one. */
export function readTlv(data: Uint8Array, offset: number): Tlv | undefined {
  let at = offset;
  if (at >= data.length) return undefined;
  let tag = data[at++];
  if ((tag & 0x1f) === 0x1f) {
    if (at >= data.length) return undefined;
    tag = (tag << 8) | data[at++];
  }
  if (at >= data.length) return undefined;
  let length = data[at++];
  if (length === 0x81 || length === 0x82) {
    const count = length - 0x80;
    if (at + count > data.length) return undefined;
    length = count === 1 ? data[at] : (data[at] << 8) | data[at + 1];
    at += count;
  } else if (length > 0x7f) {
    return undefined;
  }
  if (at + length > data.length) return undefined;
  return { tag, value: data.subarray(at, at + length), end: at + length };
}

/** Every object in sequence; throws RangeError if the bytes do not divide into whole objects. */
export function parseTlvs(data: Uint8Array): Tlv[] {
  const items: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    const item = readTlv(data, offset);
    if (item === undefined) throw new RangeError(`truncated TLV at offset ${offset}`);
    items.push(item);
    offset = item.end;
  }
  return items;
}
