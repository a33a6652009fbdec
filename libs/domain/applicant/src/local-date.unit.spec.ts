import {
  compareLocalDates,
  daysInMonth,
  formatIsoDate,
  isLeapYear,
  parseIsoDate,
  tryParseIsoDate,
} from './local-date';

describe('local dates', () => {
  it('knows the Gregorian leap years', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2023, 4)).toBe(30);
    expect(daysInMonth(2023, 12)).toBe(31);
  });

  it('parses only real YYYY-MM-DD days', () => {
    expect(tryParseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-4-01',
      '20240401',
      '2024-04-01T00:00',
      '0000-01-01',
    ]) {
      expect(tryParseIsoDate(bad)).toBeUndefined();
    }
    expect(() => parseIsoDate('2023-02-29', 'issueDate')).toThrow('issueDate must be a valid');
  });

  it('formats with zero padding and compares chronologically', () => {
    expect(formatIsoDate({ year: 987, month: 1, day: 2 })).toBe('0987-01-02');
    expect(compareLocalDates(parseIsoDate('2024-12-31'), parseIsoDate('2025-01-01'))).toBe(-1);
    expect(compareLocalDates(parseIsoDate('2025-01-01'), parseIsoDate('2025-01-01'))).toBe(0);
    expect(compareLocalDates(parseIsoDate('2025-02-01'), parseIsoDate('2025-01-31'))).toBe(1);
  });
});
