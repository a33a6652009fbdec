import { CardCommand, fromHex, hex, VirtualCard } from '@mnc/virtual-card';
import {
  answerVpcdMessage,
  encodeVpcdFrame,
  VpcdControl,
  VpcdFrameDecoder,
  VpcdMessageTooLargeError,
} from './vpcd-protocol';

const frame = (payloadHex: string) => encodeVpcdFrame(fromHex(payloadHex));

describe('vpcd frames', () => {
  it('prefixes a two-byte big-endian length', () => {
    expect(hex(frame('00A4040C'))).toBe('000400A4040C');
  });

  it('encodes a 300-byte payload with a high length byte', () => {
    expect(hex(encodeVpcdFrame(new Uint8Array(300)).subarray(0, 2))).toBe('012C');
  });

  it('refuses a payload beyond 65535 bytes', () => {
    expect(() => encodeVpcdFrame(new Uint8Array(65536))).toThrow(VpcdMessageTooLargeError);
  });
});

describe('VpcdFrameDecoder', () => {
  it('returns a whole frame delivered in one chunk', () => {
    expect(new VpcdFrameDecoder().push(frame('04')).map(hex)).toEqual(['04']);
  });

  it('returns nothing until a split length prefix is complete', () => {
    const decoder = new VpcdFrameDecoder();
    expect(decoder.push(fromHex('00'))).toEqual([]);
    expect(decoder.push(fromHex('0101')).map(hex)).toEqual(['01']);
  });

  it('reassembles a payload split across chunks', () => {
    const decoder = new VpcdFrameDecoder();
    const bytes = frame('00B0000010');
    expect(decoder.push(bytes.subarray(0, 4))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(4);
    expect(decoder.push(bytes.subarray(4)).map(hex)).toEqual(['00B0000010']);
  });

  it('returns several frames from one chunk in order', () => {
    const decoder = new VpcdFrameDecoder();
    const chunk = Uint8Array.from([...frame('01'), ...frame('04'), ...frame('00A4040C')]);
    expect(decoder.push(chunk).map(hex)).toEqual(['01', '04', '00A4040C']);
  });

  it('keeps the start of the next frame after a complete one', () => {
    const decoder = new VpcdFrameDecoder();
    const next = frame('00B0000004');
    expect(decoder.push(Uint8Array.from([...frame('04'), ...next.subarray(0, 3)])).map(hex)).toEqual(['04']);
    expect(decoder.push(next.subarray(3)).map(hex)).toEqual(['00B0000004']);
  });

  it('reassembles a frame fed one byte at a time', () => {
    const decoder = new VpcdFrameDecoder();
    const bytes = frame('00A4040C0AD392F000260100000001');
    const out = [...bytes].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(out.map(hex)).toEqual(['00A4040C0AD392F000260100000001']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('does not keep a reference to the caller chunk', () => {
    const decoder = new VpcdFrameDecoder();
    const chunk = frame('00B0000010').slice(0, 5);
    decoder.push(chunk);
    chunk.fill(0xff);
    expect(decoder.push(fromHex('0010')).map(hex)).toEqual(['00B0000010']);
  });
});

describe('answerVpcdMessage', () => {
  const card = () => VirtualCard.blank('legacy-rsa2048', fromHex('0000000000000001'));

  it('answers the ATR request with the profile ATR', () => {
    expect(hex(answerVpcdMessage(card(), Uint8Array.of(VpcdControl.GET_ATR)) ?? new Uint8Array())).toBe(
      '3BE000FF8131FE4514',
    );
  });

  it.each([VpcdControl.POWER_OFF, VpcdControl.POWER_ON, VpcdControl.RESET])(
    'sends no answer to control %i',
    (control) => {
      expect(answerVpcdMessage(card(), Uint8Array.of(control))).toBeUndefined();
    },
  );

  it('clears the selected AP on reset', () => {
    const subject = card();
    answerVpcdMessage(subject, CardCommand.selectApplication('jpki'));
    answerVpcdMessage(subject, CardCommand.createFile({ fid: 1, size: 4, readAccess: { kind: 'always' } }));
    answerVpcdMessage(subject, Uint8Array.of(VpcdControl.RESET));
    expect(hex(answerVpcdMessage(subject, CardCommand.readBinary(0, 4)) ?? new Uint8Array())).toBe('6986');
  });

  it('answers an APDU with the card response', () => {
    expect(hex(answerVpcdMessage(card(), CardCommand.selectApplication('jpki')) ?? new Uint8Array())).toBe(
      '9000',
    );
  });
});
