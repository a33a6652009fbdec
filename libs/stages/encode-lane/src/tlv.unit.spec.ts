import { tlv } from './tlv';

const bytes = (length: number) => new Uint8Array(length).fill(0xaa);

describe('tlv', () => {
  it('given a one-byte tag, then the tag is written as one byte', () => {
    expect(tlv(0x5a, Uint8Array.of(1, 2)).toString('hex')).toBe('5a020102');
  });

  it('given a two-byte tag, then the tag is written big-endian in two bytes', () => {
    expect(tlv(0xdf22, Uint8Array.of(0x31)).toString('hex')).toBe('df220131');
  });

  it('given an empty value, then the length is 00', () => {
    expect(tlv(0xdf25, new Uint8Array(0)).toString('hex')).toBe('df2500');
  });

  it('given 127 bytes, then the short length form is used', () => {
    expect(tlv(0xdf23, bytes(127)).subarray(0, 3).toString('hex')).toBe('df237f');
  });

  it('given 128 bytes, then the length is 81 80', () => {
    const encoded = tlv(0xdf23, bytes(128));
    expect(encoded.subarray(0, 4).toString('hex')).toBe('df238180');
    expect(encoded).toHaveLength(4 + 128);
  });

  it('given 255 bytes, then the length is 81 FF', () => {
    expect(tlv(0xdf23, bytes(255)).subarray(0, 4).toString('hex')).toBe('df2381ff');
  });

  it('given 256 bytes, then the length is 82 01 00', () => {
    const encoded = tlv(0xff20, bytes(256));
    expect(encoded.subarray(0, 5).toString('hex')).toBe('ff20820100');
    expect(encoded).toHaveLength(5 + 256);
  });

  it('given 65535 bytes, then the length is 82 FF FF', () => {
    expect(tlv(0xff20, bytes(0xffff)).subarray(0, 5).toString('hex')).toBe('ff2082ffff');
  });

  it('given more than 65535 bytes, then RangeError instead of a truncated length', () => {
    expect(() => tlv(0xff20, bytes(0x10000))).toThrow(RangeError);
  });

  it.each([0x10000, -1, 1.5])('given tag %p, then RangeError', (tag) => {
    expect(() => tlv(tag, bytes(1))).toThrow(RangeError);
  });

  it('puts the value bytes after the length, unchanged', () => {
    expect([...tlv(0xdf24, Uint8Array.of(9, 8, 7)).subarray(3)]).toEqual([9, 8, 7]);
  });
});
