import fc from 'fast-check';
import { eraYymmdd, toEraDate } from './japanese-era';

describe('Japanese era dates', () => {
  it.each([
    ['2019-04-30', 'heisei', 31, '310430'],
    ['2019-05-01', 'reiwa', 1, '010501'],
    ['1989-01-07', 'showa', 64, '640107'],
    ['1989-01-08', 'heisei', 1, '010108'],
    ['1926-12-24', 'taisho', 15, '151224'],
    ['1926-12-25', 'showa', 1, '011225'],
    ['1912-07-29', 'meiji', 45, '450729'],
    ['1912-07-30', 'taisho', 1, '010730'],
    ['1873-01-01', 'meiji', 6, '060101'],
    ['2026-11-28', 'reiwa', 8, '081128'],
  ])('%s is %s %i (%s)', (date, era, year, digits) => {
    expect(toEraDate(date)).toMatchObject({ era, eraYear: year });
    expect(eraYymmdd(date)).toBe(digits);
  });

  it('refuses dates before the Gregorian calendar and invalid dates', () => {
    expect(() => eraYymmdd('1872-12-31')).toThrow(RangeError);
    expect(() => eraYymmdd('2019-02-29')).toThrow(RangeError);
    expect(() => eraYymmdd('2019/05/01')).toThrow(RangeError);
  });

  it('keeps month and day and gives an era year between 1 and 64', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1873-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          const era = toEraDate(iso);
          expect(era.eraYear).toBeGreaterThanOrEqual(1);
          expect(era.eraYear).toBeLessThanOrEqual(81); // Reiwa 81 is 2099
          expect(eraYymmdd(iso).slice(2)).toBe(iso.slice(5, 7) + iso.slice(8, 10));
        },
      ),
    );
  });
});
