import fc from 'fast-check';
import {
  collationNumberA,
  collationNumberB,
  generatePuk,
  generateSecurityCode,
  isPuk,
  isSecurityCode,
} from './card-secrets';

describe('security code', () => {
  it('is 4 digits, zero-padded, from a CSPRNG by default', () => {
    for (let i = 0; i < 50; i += 1) expect(generateSecurityCode()).toMatch(/^[0-9]{4}$/);
    expect(generateSecurityCode(() => 7)).toBe('0007');
    expect(generateSecurityCode(() => 9999)).toBe('9999');
  });

  it('maps each draw of [0, 10000) to its own code: uniform draws give uniform codes', () => {
    const seen = new Set<string>();
    let next = 0;
    for (let i = 0; i < 10_000; i += 1) seen.add(generateSecurityCode(() => next++));
    expect(seen.size).toBe(10_000);
  });

  it('asks the random source for exactly 10^4 values', () => {
    const asked: number[] = [];
    generateSecurityCode((max) => {
      asked.push(max);
      return 0;
    });
    expect(asked).toEqual([10_000]);
  });

  it('refuses a broken random source', () => {
    expect(() => generateSecurityCode(() => 10_000)).toThrow(RangeError);
    expect(() => generateSecurityCode(() => -1)).toThrow(RangeError);
    expect(() => generateSecurityCode(() => 1.5)).toThrow(RangeError);
  });

  it('spreads over all ten leading digits (crypto source, 2000 draws)', () => {
    const leading = new Set(Array.from({ length: 2000 }, () => generateSecurityCode()[0]));
    expect(leading.size).toBe(10);
  });
});

describe('PUK', () => {
  it('is 8 digits from 10^8 values', () => {
    expect(generatePuk()).toMatch(/^[0-9]{8}$/);
    expect(generatePuk(() => 42)).toBe('00000042');
    expect(isPuk('12345678')).toBe(true);
    expect(isPuk('1234567')).toBe(false);
    expect(isSecurityCode('123a')).toBe(false);
  });
});

describe('照合番号B', () => {
  it('is era YYMMDD + expiry year + security code, 14 digits', () => {
    expect(collationNumberB('1985-06-15', '2035-06-15', '0421')).toBe('60061520350421');
  });

  it('follows the era boundary of 2019-04-30 / 2019-05-01', () => {
    expect(collationNumberB('2019-04-30', '2029-04-30', '1234').slice(0, 6)).toBe('310430');
    expect(collationNumberB('2019-05-01', '2029-05-01', '1234').slice(0, 6)).toBe('010501');
  });

  it('follows the era boundary of 1989-01-07 / 1989-01-08', () => {
    expect(collationNumberB('1989-01-07', '2035-01-07', '0000')).toBe('64010720350000');
    expect(collationNumberB('1989-01-08', '2035-01-08', '0000')).toBe('01010820350000');
  });

  it('refuses a malformed security code or date', () => {
    expect(() => collationNumberB('1985-06-15', '2035-06-15', '421')).toThrow(RangeError);
    expect(() => collationNumberB('1985-02-30', '2035-06-15', '0421')).toThrow(RangeError);
    expect(() => collationNumberB('1985-06-15', '2035-13-01', '0421')).toThrow(RangeError);
  });

  it('is always 14 digits ending with the expiry year and the code', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 2026, max: 2040 }),
        fc.integer({ min: 0, max: 9999 }),
        (birth, expiryYear, code) => {
          const securityCode = String(code).padStart(4, '0');
          const value = collationNumberB(
            birth.toISOString().slice(0, 10),
            `${expiryYear}-01-01`,
            securityCode,
          );
          expect(value).toMatch(/^[0-9]{14}$/);
          expect(value.slice(6)).toBe(`${expiryYear}${securityCode}`);
        },
      ),
    );
  });
});

describe('照合番号A', () => {
  it('is the 12-digit my number', () => {
    expect(collationNumberA('123456789018')).toBe('123456789018');
    expect(() => collationNumberA('12345678901')).toThrow(RangeError);
  });
});
