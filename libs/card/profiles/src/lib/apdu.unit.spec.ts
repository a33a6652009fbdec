import {
  apduCase,
  encodeCommandApdu,
  encodeResponseApdu,
  MalformedApduError,
  MalformedResponseError,
  parseCommandApdu,
  parseResponseApdu,
} from './apdu';
import { fromHex, hex } from './bytes';

describe('parseCommandApdu', () => {
  describe('given a well-formed APDU', () => {
    it('reads case 1 as a header with no data and no Le', () => {
      const command = parseCommandApdu(fromHex('80F00000'));
      expect(command).toMatchObject({ cla: 0x80, ins: 0xf0, p1: 0, p2: 0, ne: 0, extended: false });
      expect(apduCase(command)).toBe(1);
    });

    it('reads a short case 2 Le of 00 as Ne 256', () => {
      const command = parseCommandApdu(fromHex('00B0000000'));
      expect(command.ne).toBe(256);
      expect(apduCase(command)).toBe(2);
    });

    it('reads a short case 3 data field', () => {
      const command = parseCommandApdu(fromHex('00A4020C02000A'));
      expect(hex(command.data)).toBe('000A');
      expect(apduCase(command)).toBe(3);
    });

    it('reads a short case 4 data field and Le', () => {
      const command = parseCommandApdu(fromHex('00A4040002AABB10'));
      expect(hex(command.data)).toBe('AABB');
      expect(command.ne).toBe(0x10);
      expect(apduCase(command)).toBe(4);
    });

    it('reads an extended case 2 Le', () => {
      const command = parseCommandApdu(fromHex('00B00000000400'));
      expect(command).toMatchObject({ ne: 1024, extended: true });
      expect(apduCase(command)).toBe(2);
    });

    it('reads an extended Le of 0000 as Ne 65536', () => {
      expect(parseCommandApdu(fromHex('00B00000000000')).ne).toBe(65536);
    });

    it('reads an extended case 3 data field', () => {
      const data = new Uint8Array(300).fill(7);
      const command = parseCommandApdu(fromHex(`00D60000 00012C ${hex(data)}`));
      expect(command).toMatchObject({ extended: true, ne: 0 });
      expect(command.data).toEqual(data);
    });

    it('reads an extended case 4 data field and two-byte Le', () => {
      const command = parseCommandApdu(fromHex('002A0080 000003 010203 0100'));
      expect(hex(command.data)).toBe('010203');
      expect(command).toMatchObject({ ne: 256, extended: true });
      expect(apduCase(command)).toBe(4);
    });
  });

  describe('given inconsistent length fields', () => {
    it.each([
      ['fewer than four bytes', '00B000'],
      ['a short Lc longer than the data', '00D6000005AABB'],
      ['a short Lc with two trailing bytes', '00D6000001AABBCC'],
      ['a truncated extended length', '00B0000000AA'],
      ['an extended Lc of zero', '00D600000000001122'],
      ['an extended Lc longer than the data', '00D6000000000AAABB'],
    ])('rejects %s', (_, apdu) => {
      expect(() => parseCommandApdu(fromHex(apdu))).toThrow(MalformedApduError);
    });
  });
});

describe('encodeCommandApdu', () => {
  it('uses the short form when data and Ne fit', () => {
    expect(hex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 }))).toBe('00B0000000');
  });

  it('uses an extended Le when Ne exceeds 256', () => {
    expect(hex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 }))).toBe('00B00000000000');
  });

  it('uses extended Lc and a two-byte Le when data exceeds 255 bytes', () => {
    const apdu = encodeCommandApdu({
      cla: 0,
      ins: 0x2a,
      p1: 0,
      p2: 0x80,
      data: new Uint8Array(256),
      ne: 256,
    });
    expect(hex(apdu.subarray(0, 7))).toBe('002A0080000100');
    expect(hex(apdu.subarray(-2))).toBe('0100');
  });

  it('round-trips through parseCommandApdu', () => {
    const input = { cla: 0x00, ins: 0xd6, p1: 0x01, p2: 0x02, data: fromHex('CAFE'), ne: 0 };
    expect(parseCommandApdu(encodeCommandApdu(input))).toMatchObject({ ...input, extended: false });
  });

  it('refuses an Ne beyond 65536', () => {
    expect(() => encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65537 })).toThrow(RangeError);
  });
});

describe('response APDUs', () => {
  it('appends SW1 SW2 after the data', () => {
    expect(hex(encodeResponseApdu({ data: fromHex('0102'), sw: 0x9000 }))).toBe('01029000');
  });

  it('splits data and status word', () => {
    expect(parseResponseApdu(fromHex('01026A82'))).toEqual({ data: fromHex('0102'), sw: 0x6a82 });
  });

  it('rejects a response shorter than a status word', () => {
    expect(() => parseResponseApdu(fromHex('90'))).toThrow(MalformedResponseError);
  });
});
