import { ageOn, cardExpiryDate } from './card-validity';

describe('ageOn', () => {
  it.each([
    ['1990-04-01', '2025-03-31', 34],
    ['1990-04-01', '2025-04-01', 35],
    ['1990-12-31', '2025-12-30', 34],
    ['1990-12-31', '2025-12-31', 35],
    ['1991-01-01', '2025-12-31', 34],
    ['2025-06-15', '2025-06-15', 0],
  ])('born %s, on %s → %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  describe('given a birth on 29 February', () => {
    it.each([
      ['2001-02-28', 0],
      ['2001-03-01', 1],
      ['2004-02-28', 3],
      ['2004-02-29', 4],
      ['2018-02-28', 17],
      ['2018-03-01', 18],
    ])('on %s the age is %i (a new age starts on 1 March in common years)', (on, age) => {
      expect(ageOn('2000-02-29', on)).toBe(age);
    });
  });

  it('rejects a date before the birth and invalid dates', () => {
    expect(() => ageOn('2000-01-02', '2000-01-01')).toThrow(RangeError);
    expect(() => ageOn('2001-02-29', '2020-01-01')).toThrow(RangeError);
  });
});

describe('cardExpiryDate', () => {
  describe('given an adult (18 or older on the issue date)', () => {
    it('when issued before the birthday in the year, then valid until the 10th birthday after issue', () => {
      // MIC's own example: birthday 10 October, issued 15 May 2020 → valid until 10 October 2029.
      expect(cardExpiryDate('1980-10-10', '2020-05-15')).toBe('2029-10-10');
    });
    it('when issued on the birthday, then that birthday does not count (ten full years)', () => {
      expect(cardExpiryDate('1980-05-15', '2025-05-15')).toBe('2035-05-15');
    });
    it('when issued the day before the birthday, then nine years and a day', () => {
      expect(cardExpiryDate('1980-05-15', '2025-05-14')).toBe('2034-05-15');
    });
  });

  describe('given the 18th birthday boundary', () => {
    it('when issued the day before the 18th birthday (age 17), then until the 5th birthday after issue', () => {
      expect(cardExpiryDate('2007-06-01', '2025-05-31')).toBe('2029-06-01');
    });
    it('when issued on the 18th birthday, then until the 10th birthday after issue', () => {
      expect(cardExpiryDate('2007-06-01', '2025-06-01')).toBe('2035-06-01');
    });
    it('when issued to a newborn, then until the 5th birthday', () => {
      expect(cardExpiryDate('2025-03-10', '2025-03-20')).toBe('2030-03-10');
    });
  });

  describe('given year ends', () => {
    it('when born 31 December and issued on 31 December, then the next 31 December counts first', () => {
      expect(cardExpiryDate('1990-12-31', '2025-12-31')).toBe('2035-12-31');
      expect(cardExpiryDate('1990-12-31', '2025-12-30')).toBe('2034-12-31');
    });
    it('when born 1 January and issued on 31 December, then the first birthday is the next day', () => {
      expect(cardExpiryDate('1990-01-01', '2025-12-31')).toBe('2035-01-01');
    });
    it('when born 1 January and issued on 1 January, then the next 1 January counts first', () => {
      expect(cardExpiryDate('1990-01-01', '2026-01-01')).toBe('2036-01-01');
    });
  });

  describe('given a birth on 29 February', () => {
    it('when the expiry year is common, then the card ends on 28 February', () => {
      expect(cardExpiryDate('2000-02-29', '2024-02-29')).toBe('2034-02-28');
      expect(cardExpiryDate('2000-02-29', '2024-02-28')).toBe('2033-02-28');
    });
    it('when the expiry year is a leap year, then the card ends on 29 February', () => {
      expect(cardExpiryDate('1996-02-29', '2026-03-01')).toBe('2036-02-29');
    });
    it('when issued on 28 February of a common year, then that day is the birthday and does not count', () => {
      expect(cardExpiryDate('1996-02-29', '2025-02-28')).toBe('2035-02-28');
    });
    it('when the 18th "birthday" is 28 February of a common year, then the applicant is still 17 that day', () => {
      expect(cardExpiryDate('2008-02-29', '2026-02-28')).toBe('2031-02-28');
      expect(cardExpiryDate('2008-02-29', '2026-03-01')).toBe('2036-02-29');
    });
  });

  it('rejects an issue date before the birth date and invalid dates', () => {
    expect(() => cardExpiryDate('2025-01-02', '2025-01-01')).toThrow(RangeError);
    expect(() => cardExpiryDate('1990-01-01', '2025-02-29')).toThrow(RangeError);
    expect(() => cardExpiryDate('1990/01/01', '2025-01-01')).toThrow(RangeError);
  });
});
