/** BER-TLV encoding of the data objects written to the card (tags of one or two bytes, definite lengths). */
export function tlv(tag: number, value: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff)
    throw new RangeError(`tag ${tag} is not one or two bytes`);
  const n = value.length;
  // Two length bytes at most (0x82): more would be silently truncated, and no card file is that large.
  if (n > 0xffff) throw new RangeError(`value of ${n} bytes is too long for a two-byte length`);
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const lengthBytes = n < 0x80 ? [n] : n <= 0xff ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(tagBytes), Buffer.from(lengthBytes), value]);
}
