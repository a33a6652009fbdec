import fc from 'fast-check';
import { encodeLength, readTlv, readTlvs, tlv, TlvError } from './tlv';

describe('BER-TLV', () => {
  it('encodes short and long lengths', () => {
    expect(encodeLength(0x7f)).toEqual(Buffer.from([0x7f]));
    expect(encodeLength(0x80)).toEqual(Buffer.from([0x81, 0x80]));
    expect(encodeLength(0x100)).toEqual(Buffer.from([0x82, 0x01, 0x00]));
    expect(encodeLength(0x10000)).toEqual(Buffer.from([0x83, 0x01, 0x00, 0x00]));
    expect(tlv(0xdf22, Buffer.from('AB'))).toEqual(Buffer.from([0xdf, 0x22, 0x02, 0x41, 0x42]));
    expect(tlv(0x30, Buffer.alloc(0))).toEqual(Buffer.from([0x30, 0x00]));
  });

  it('refuses tags that are not one- or two-byte BER tags', () => {
    expect(() => tlv(0x1f, Buffer.alloc(0))).toThrow(TlvError);
    expect(() => tlv(0x1234, Buffer.alloc(0))).toThrow(TlvError);
    expect(() => tlv(0xdf80, Buffer.alloc(0))).toThrow(TlvError);
  });

  it('refuses truncated input and unsupported length forms', () => {
    expect(() => readTlv(Buffer.from([0xdf]))).toThrow(TlvError);
    expect(() => readTlv(Buffer.from([0xdf, 0x22, 0x03, 0x41]))).toThrow(TlvError);
    expect(() => readTlv(Buffer.from([0x30, 0x84, 0, 0, 0, 1, 0]))).toThrow(TlvError);
    expect(() => readTlv(Buffer.from([0x30, 0x80]))).toThrow(TlvError);
  });

  it('round-trips any sequence of TLVs', () => {
    const tag = fc.oneof(
      fc.integer({ min: 0, max: 0xff }).filter((t) => (t & 0x1f) !== 0x1f),
      fc.integer({ min: 0, max: 0xff }).map((low) => (0xdf << 8) | (low & 0x7f)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(tag, fc.uint8Array({ maxLength: 600 })), { maxLength: 6 }), (items) => {
        const bytes = Buffer.concat(items.map(([t, v]) => tlv(t, v)));
        const parsed = readTlvs(bytes);
        expect(parsed.map((p) => [p.tag, Buffer.from(p.value)])).toEqual(
          items.map(([t, v]) => [t, Buffer.from(v)]),
        );
      }),
    );
  });
});
