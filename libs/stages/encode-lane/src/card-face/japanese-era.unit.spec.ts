import { DateOutOfRangeError, eraDate, passportDate, westernDate } from './japanese-era';

describe('eraDate', () => {
  it.each([
    ['1985-12-31', '昭和60年12月31日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1989-01-08', '平成元年1月8日'],
    ['2019-04-30', '平成31年4月30日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2026-11-27', '令和8年11月27日'],
    ['1926-12-25', '昭和元年12月25日'],
    ['1912-07-30', '大正元年7月30日'],
    ['1900-01-01', '明治33年1月1日'],
  ])('%s is %s', (iso, expected) => {
    expect(eraDate(iso)).toBe(expected);
  });

  it('rejects a date before 1873 and a malformed one', () => {
    expect(() => eraDate('1872-12-31')).toThrow(DateOutOfRangeError);
    expect(() => eraDate('19851231')).toThrow(DateOutOfRangeError);
  });
});

describe('westernDate and passportDate', () => {
  it('print the Gregorian date in Japanese and in passport form', () => {
    expect(westernDate('1985-02-03')).toBe('1985年2月3日');
    expect(passportDate('1985-02-03')).toBe('03 FEB 1985');
  });
});
