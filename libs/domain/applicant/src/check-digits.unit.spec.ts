import {
  isValidLocalGovernmentCode,
  isValidMyNumber,
  localGovernmentCodeCheckDigit,
  myNumberCheckDigit,
} from './check-digits';

describe('my number check digit', () => {
  it('computes the documented example 123456789018', () => {
    expect(myNumberCheckDigit('12345678901')).toBe('8');
    expect(isValidMyNumber('123456789018')).toBe(true);
  });

  it('gives 0 when the remainder is 0 or 1', () => {
    // All zeros: sum 0, remainder 0.
    expect(myNumberCheckDigit('00000000000')).toBe('0');
    // Rightmost digit 5 weighs 2: sum 10, remainder 10, check 1; rightmost 6: sum 12, remainder 1, check 0.
    expect(myNumberCheckDigit('00000000005')).toBe('1');
    expect(myNumberCheckDigit('00000000006')).toBe('0');
  });

  it('weighs the 7th digit from the right with 2 again', () => {
    // Digit 1 at position 7 from the right: weight 2, sum 2, check 9.
    expect(myNumberCheckDigit('00001000000')).toBe('9');
    // Digit 1 at position 6 from the right: weight 7, sum 7, check 4.
    expect(myNumberCheckDigit('00000100000')).toBe('4');
  });

  it('rejects every wrong last digit and wrong shapes', () => {
    for (const last of '012345679') expect(isValidMyNumber(`12345678901${last}`)).toBe(false);
    expect(isValidMyNumber('12345678901')).toBe(false);
    expect(isValidMyNumber('1234567890188')).toBe(false);
    expect(isValidMyNumber('１２３４５６７８９０１８')).toBe(false);
    expect(isValidMyNumber('12345678901a')).toBe(false);
    expect(() => myNumberCheckDigit('1234567890')).toThrow(RangeError);
  });

  it('detects a swap of two adjacent digits in the example', () => {
    expect(isValidMyNumber('213456789018')).toBe(false);
  });
});

describe('local government code check digit', () => {
  it.each([
    ['131016', '千代田区'],
    ['011002', '札幌市'],
    ['271004', '大阪市'],
    ['131041', '新宿区 (remainder 0 → 1)'],
    ['281000', '神戸市 (remainder 1 → 0)'],
  ])('accepts %s (%s)', (code) => {
    expect(localGovernmentCodeCheckDigit(code.slice(0, 5))).toBe(code[5]);
    expect(isValidLocalGovernmentCode(code)).toBe(true);
  });

  it('rejects a wrong check digit and wrong shapes', () => {
    expect(isValidLocalGovernmentCode('131017')).toBe(false);
    expect(isValidLocalGovernmentCode('13101')).toBe(false);
    expect(isValidLocalGovernmentCode('1310166')).toBe(false);
    expect(() => localGovernmentCodeCheckDigit('1310')).toThrow(RangeError);
  });
});
