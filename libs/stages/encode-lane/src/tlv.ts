/** BER-TLV encoding of the data objects written to the card (tags of one or two bytes, definite lengths). */
export function tlv(tag: number, value: Uint8Array): Buffer {
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const n = value.length;
  const lengthBytes = n < 0x80 ? [n] : n <= 0xff ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(tagBytes), Buffer.from(lengthBytes), value]);
}
