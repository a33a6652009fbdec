import { EnvelopeCipher, generateMasterKey } from './envelope-cipher';
import { DecryptionError, type DecryptionErrorCode } from './errors';
import { masterKey, parseMasterKey } from './master-key';

const context = 'intake:applicant:0190a0b2-0000-7000-8000-000000000001';
const plaintext = Buffer.from('{"familyName":"山田","givenName":"花子"}', 'utf8');

function decryptionCode(action: () => unknown): DecryptionErrorCode | 'NO_ERROR' {
  try {
    action();
    return 'NO_ERROR';
  } catch (error) {
    if (error instanceof DecryptionError) return error.code;
    throw error;
  }
}

describe('EnvelopeCipher', () => {
  const k1 = generateMasterKey('k1');
  const cipher = new EnvelopeCipher({ current: k1 });

  it('round-trips bytes, UTF-8 strings and empty records', () => {
    expect(cipher.decrypt(cipher.encrypt(plaintext, context), context)).toEqual(plaintext);
    expect(cipher.decrypt(cipher.encrypt('山田 花子', context), context).toString('utf8')).toBe('山田 花子');
    expect(cipher.decrypt(cipher.encrypt(Buffer.alloc(0), context), context)).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh data key and IV every time and never shows the plaintext', () => {
    const a = cipher.encrypt(plaintext, context);
    const b = cipher.encrypt(plaintext, context);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(plaintext)).toBe(false);
    expect(a.subarray(0, 4).toString('ascii')).toBe('MNCE');
    expect(a[4]).toBe(1);
    expect(cipher.keyIdOf(a)).toBe('k1');
    // Header (6 + key id) + wrap IV, wrapped key, wrap tag, data IV, data tag + ciphertext.
    expect(a.length).toBe(6 + 2 + 12 + 32 + 16 + 12 + 16 + plaintext.length);
  });

  it('refuses to open a record under another context (a ciphertext moved between records)', () => {
    const sealed = cipher.encrypt(plaintext, context);
    expect(decryptionCode(() => cipher.decrypt(sealed, 'intake:applicant:another-application'))).toBe(
      'AUTHENTICATION_FAILED',
    );
  });

  describe('tampering', () => {
    const sealed = cipher.encrypt(plaintext, context);
    const regions: [string, number][] = [
      ['wrap IV', 8],
      ['wrapped key', 8 + 12 + 5],
      ['wrap tag', 8 + 12 + 32 + 3],
      ['data IV', 8 + 12 + 32 + 16 + 1],
      ['data tag', 8 + 12 + 32 + 16 + 12 + 7],
      ['ciphertext', sealed.length - 1],
    ];
    it.each(regions)('a flipped bit in the %s fails authentication', (_region, offset) => {
      const tampered = Buffer.from(sealed);
      tampered[offset] = (tampered[offset] as number) ^ 0x01;
      expect(decryptionCode(() => cipher.decrypt(tampered, context))).toBe('AUTHENTICATION_FAILED');
    });

    it('a changed key id is an unknown key; a changed version or magic is refused before any crypto', () => {
      const otherKeyId = Buffer.from(sealed);
      otherKeyId[7] = '2'.charCodeAt(0);
      expect(decryptionCode(() => cipher.decrypt(otherKeyId, context))).toBe('UNKNOWN_KEY_ID');
      const otherVersion = Buffer.from(sealed);
      otherVersion[4] = 2;
      expect(decryptionCode(() => cipher.decrypt(otherVersion, context))).toBe('UNSUPPORTED_VERSION');
      const otherMagic = Buffer.from(sealed);
      otherMagic[0] = 0;
      expect(decryptionCode(() => cipher.decrypt(otherMagic, context))).toBe('MALFORMED');
    });

    it('truncated or foreign input is malformed', () => {
      expect(decryptionCode(() => cipher.decrypt(sealed.subarray(0, 40), context))).toBe('MALFORMED');
      expect(decryptionCode(() => cipher.decrypt(Buffer.from('hello'), context))).toBe('MALFORMED');
    });

    it('the error is permanent and says nothing about the content', () => {
      expect.assertions(3);
      try {
        cipher.decrypt(sealed, 'wrong');
      } catch (error) {
        expect(error).toBeInstanceOf(DecryptionError);
        expect((error as DecryptionError).permanent).toBe(true);
        expect((error as DecryptionError).message).not.toMatch(/山田|intake/);
      }
    });
  });

  it('a different master key under the same id fails authentication', () => {
    const impostor = new EnvelopeCipher({ current: generateMasterKey('k1') });
    expect(decryptionCode(() => impostor.decrypt(cipher.encrypt(plaintext, context), context))).toBe(
      'AUTHENTICATION_FAILED',
    );
  });

  describe('master key rotation', () => {
    const k2 = generateMasterKey('k2');
    const rotated = new EnvelopeCipher({ current: k2, previous: [k1] });
    const onlyNew = new EnvelopeCipher({ current: k2 });
    const old = cipher.encrypt(plaintext, context);

    it('seals new records under the current key and still opens records under old keys', () => {
      expect(rotated.currentKeyId).toBe('k2');
      expect(rotated.keyIdOf(rotated.encrypt(plaintext, context))).toBe('k2');
      expect(rotated.decrypt(old, context)).toEqual(plaintext);
    });

    it('re-seals old records under the current key so the old key can be retired', () => {
      expect(decryptionCode(() => onlyNew.decrypt(old, context))).toBe('UNKNOWN_KEY_ID');
      const resealed = rotated.reseal(old, context);
      expect(rotated.keyIdOf(resealed)).toBe('k2');
      expect(onlyNew.decrypt(resealed, context)).toEqual(plaintext);
      expect(rotated.reseal(resealed, context).equals(resealed)).toBe(true);
    });

    it('re-sealing checks the context too', () => {
      expect(decryptionCode(() => rotated.reseal(old, 'wrong'))).toBe('AUTHENTICATION_FAILED');
    });
  });

  it('refuses a keyring with a duplicate id, and an empty context', () => {
    expect(() => new EnvelopeCipher({ current: k1, previous: [k1] })).toThrow(RangeError);
    expect(() => cipher.encrypt(plaintext, '')).toThrow(RangeError);
  });
});

describe('master keys', () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));

  it('parse from hex, base64 and base64url', () => {
    expect(parseMasterKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseMasterKey(bytes.toString('hex').toUpperCase())).toEqual(bytes);
    expect(parseMasterKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseMasterKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(parseMasterKey(` ${bytes.toString('base64')}\n`)).toEqual(bytes);
  });

  it('refuse anything that is not exactly 32 bytes', () => {
    for (const text of [
      '',
      'abc',
      bytes.subarray(0, 31).toString('hex'),
      Buffer.alloc(33).toString('base64'),
      'z'.repeat(64),
    ]) {
      expect(() => parseMasterKey(text)).toThrow(RangeError);
    }
  });

  it('carry a checked id', () => {
    expect(masterKey('2025-06', bytes.toString('base64'))).toEqual({ id: '2025-06', key: bytes });
    expect(() => masterKey('', bytes)).toThrow(RangeError);
    expect(() => masterKey('ключ', bytes)).toThrow(RangeError);
    expect(() => masterKey('k', Buffer.alloc(16))).toThrow(RangeError);
  });
});
