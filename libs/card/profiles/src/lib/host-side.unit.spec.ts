import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { afterPin, ALWAYS, decodeAccessCondition, encodeAccessCondition, NEVER } from './access-condition';
import { parseResponseApdu } from './apdu';
import { fromHex, hex } from './bytes';
import { CardSession, CardStatusError } from './card-session';
import { CardCommand, referenceP2 } from './commands';
import { digestInfo } from './digest-info';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './ecdsa-der';
import { cardProfile, isWellFormedPin, pinDefinition } from './profiles';
import {
  encodePublicKey,
  MalformedPublicKeyError,
  parsePublicKey,
  publicKeyObject,
  publicKeySpki,
} from './public-key';
import { triesLeftOf } from './status-words';
import { encodeTlv, parseTlvs } from './tlv';

describe('access conditions in CREATE FILE tag 86', () => {
  it.each([
    [ALWAYS, '00'],
    [NEVER, 'FF'],
    [afterPin(0x0014, 0x0011), '1114'],
  ])('encodes %j as %s and back', (condition, encoded) => {
    expect(hex(encodeAccessCondition(condition))).toBe(encoded);
    expect(decodeAccessCondition(fromHex(encoded))).toEqual(condition);
  });

  it.each(['', '1F', '0011', '1111', '010203040506070809'])('rejects %s', (encoded) => {
    expect(decodeAccessCondition(fromHex(encoded))).toBeUndefined();
  });
});

describe('command builders', () => {
  it('names objects in P2 as 80 (current EF) or 80 | FID', () => {
    expect(referenceP2('current')).toBe(0x80);
    expect(referenceP2(0x18)).toBe(0x98);
    expect(() => referenceP2(0x1f)).toThrow(RangeError);
  });

  it('builds what OpenSC sends for VERIFY and SIGN', () => {
    expect(hex(CardCommand.verify('current', '1234'))).toBe('002000800431323334');
    expect(hex(CardCommand.verify('current'))).toBe('00200080');
    const info = digestInfo('sha256', new Uint8Array(32));
    expect(hex(CardCommand.sign('current', info)).slice(0, 10)).toBe('802A008033');
    expect(hex(CardCommand.sign('current', info)).slice(-2)).toBe('00');
  });

  it('puts the PUK before the new value in RESET RETRY COUNTER', () => {
    expect(hex(CardCommand.resetRetryCounter(0x18, '12345678', '1234'))).toBe(
      '002C00980C313233343536373831323334',
    );
    expect(hex(CardCommand.resetRetryCounter(0x18, '12345678'))).toBe(
      '002C01980831323334353637 38'.replace(' ', ''),
    );
  });
});

describe('PIN formats', () => {
  const pin = pinDefinition('next-gen', 'jpki', 0x18)!;
  const password = pinDefinition('next-gen', 'jpki', 0x1b)!;
  const ascii = (text: string) => new TextEncoder().encode(text);

  it.each([
    [pin, '1234', true],
    [pin, '123', false],
    [pin, '12a4', false],
    [password, 'ABC123', true],
    [password, 'abc123', false],
    [password, 'A'.repeat(17), false],
  ])('%#: %s well formed: %s', (definition, value, expected) => {
    expect(isWellFormedPin(definition, ascii(value))).toBe(expected);
  });

  it('gives next-gen the two-PIN model and a PUK', () => {
    const jpki = cardProfile('next-gen').layout.jpki;
    expect(jpki.pins.find((entry) => entry.fid === 0x1b)?.alsoSatisfies).toEqual([0x18]);
    expect(jpki.pins.find((entry) => entry.role === 'puk')).toMatchObject({ maxLength: 8, maxTries: 10 });
  });
});

describe('public key data objects', () => {
  it('round-trips an EC key and yields an SPKI node:crypto accepts', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = new Uint8Array([
      4,
      ...Buffer.from(jwk.x!, 'base64url'),
      ...Buffer.from(jwk.y!, 'base64url'),
    ]);
    const parsed = parsePublicKey(encodePublicKey({ algorithm: 'ec-p256', point }));
    expect(parsed).toEqual({ algorithm: 'ec-p256', point });
    expect(Buffer.from(publicKeySpki(parsed))).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('round-trips an RSA key (two-byte lengths)', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const key = {
      algorithm: 'rsa-2048' as const,
      modulus: new Uint8Array(Buffer.from(jwk.n!, 'base64url')),
      exponent: new Uint8Array(Buffer.from(jwk.e!, 'base64url')),
    };
    const encoded = encodePublicKey(key);
    expect(hex(encoded.subarray(0, 4))).toBe('7F498201');
    expect(publicKeyObject(parsePublicKey(encoded)).export({ format: 'jwk' })).toEqual(jwk);
  });

  it('rejects other objects', () => {
    expect(() => parsePublicKey(encodeTlv(0x7f49, encodeTlv(0x86, new Uint8Array(10))))).toThrow(
      MalformedPublicKeyError,
    );
    expect(() => parsePublicKey(fromHex('7F4905'))).toThrow(MalformedPublicKeyError);
  });
});

describe('DER ECDSA signatures', () => {
  it('decodes what node:crypto signs and encodes it back byte for byte', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    for (let i = 0; i < 20; i++) {
      const der = new Uint8Array(nodeSign('sha384', Buffer.from(`m${i}`), privateKey));
      const { r, s } = decodeEcdsaSignature(der);
      expect(hex(encodeEcdsaSignature(r, s))).toBe(hex(der));
    }
  });
});

describe('TLV', () => {
  it('parses one- and two-byte tags with long lengths', () => {
    const data = new Uint8Array([
      ...encodeTlv(0xdf22, new Uint8Array(200)),
      ...encodeTlv(0x86, fromHex('01')),
    ]);
    expect(parseTlvs(data).map((item) => [item.tag, item.value.length])).toEqual([
      [0xdf22, 200],
      [0x86, 1],
    ]);
  });
});

describe('CardSession', () => {
  /** A card that holds one 1000-byte certificate as the current EF and records what it was sent. */
  function fakeCard(content: Uint8Array) {
    const sent: string[] = [];
    const transmit = async (apdu: Uint8Array) => {
      sent.push(hex(apdu));
      if (apdu[1] === 0xa4) return fromHex('9000');
      if (apdu[1] === 0x20) return fromHex(apdu.length === 4 ? '63C3' : '63C2');
      const offset = ((apdu[2] & 0x7f) << 8) | apdu[3];
      const ne = apdu[4] || 256;
      if (offset >= content.length) return fromHex('6B00');
      return new Uint8Array([...content.subarray(offset, offset + ne), 0x90, 0x00]);
    };
    return { sent, session: new CardSession(transmit) };
  }

  it('reads a certificate as OpenSC does: 4 bytes, then 256-byte chunks up to its DER length', async () => {
    const certificate = new Uint8Array([0x30, 0x82, 0x03, 0x00, ...new Uint8Array(0x300).fill(7)]);
    const { sent, session } = fakeCard(new Uint8Array([...certificate, ...new Uint8Array(500)]));
    expect(await session.readFile(0x000a)).toEqual(certificate);
    expect(sent).toEqual(['00A4020C02000A', '00B0000004', '00B0000400', '00B0010400', '00B0020400']);
    expect(session.traffic.apdus).toBe(5);
  });

  it('reads other files to their end', async () => {
    const content = fromHex('8F8F00');
    const { session } = fakeCard(content);
    expect(await session.readFile(0x0008)).toEqual(content);
  });

  it('reports tries left from 63Cx', async () => {
    const { session } = fakeCard(new Uint8Array(1));
    expect(await session.triesLeft(0x18)).toBe(3);
    expect(await session.verify(0x18, '0000')).toEqual({ verified: false, triesLeft: 2 });
    expect(triesLeftOf(0x6982)).toBeUndefined();
  });

  it('throws CardStatusError with the status word', async () => {
    const session = new CardSession(async () => fromHex('6982'));
    await expect(session.sign(0x17, new Uint8Array(32))).rejects.toMatchObject({ sw: 0x6982 });
    await expect(session.sign(0x17, new Uint8Array(32))).rejects.toBeInstanceOf(CardStatusError);
    expect(parseResponseApdu(fromHex('6982')).sw).toBe(0x6982);
  });

  it('hashes as the spec says for a DigestInfo', () => {
    const digest = createHash('sha256').update('x').digest();
    expect(hex(digestInfo('sha256', digest)).slice(0, 38)).toBe('3031300D060960864801650304020105000420');
  });
});
