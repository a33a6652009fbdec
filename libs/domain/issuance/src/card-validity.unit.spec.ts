import fc from 'fast-check';
import { CARD_PROFILES } from './card-profile';
import {
  ageOn,
  cardExpiryDate,
  certificateInstants,
  certificateValidity,
  nthBirthdayAfter,
} from './card-validity';

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

describe('certificate validity', () => {
  describe('given the legacy-rsa2048 profile', () => {
    it('when the holder is an adult, then until the 5th birthday after issue (card: 10th)', () => {
      expect(certificateValidity('legacy-rsa2048', '1980-10-10', '2026-05-15')).toEqual({
        validFrom: '2026-05-15',
        lastValidDay: '2030-10-10',
      });
      expect(cardExpiryDate('1980-10-10', '2026-05-15')).toBe('2035-10-10');
    });
    it('when the holder is under 18, then the certificate ends with the card, on the 5th birthday', () => {
      expect(certificateValidity('legacy-rsa2048', '2012-07-01', '2026-04-01').lastValidDay).toBe(
        '2030-07-01',
      );
      expect(cardExpiryDate('2012-07-01', '2026-04-01')).toBe('2030-07-01');
    });
    it('when born on 29 February, then a common-year 5th birthday is 28 February', () => {
      expect(certificateValidity('legacy-rsa2048', '2000-02-29', '2026-03-01').lastValidDay).toBe(
        '2031-02-28',
      );
    });
  });

  describe('given the next-gen profile', () => {
    it('when the holder is an adult, then 10 years, ending with the card', () => {
      expect(certificateValidity('next-gen', '1980-10-10', '2026-05-15').lastValidDay).toBe('2035-10-10');
    });
    it('when the holder is under 18, then it ends with the 5-year card', () => {
      expect(certificateValidity('next-gen', '2012-07-01', '2026-04-01').lastValidDay).toBe('2030-07-01');
    });
  });

  it('gives the instants of the first and last day in Japan time', () => {
    expect(certificateInstants({ validFrom: '2026-05-15', lastValidDay: '2030-10-10' })).toEqual({
      notBefore: '2026-05-15T00:00:00+09:00',
      notAfter: '2030-10-10T23:59:59+09:00',
    });
  });

  it('never outlives the card and always starts on the issue day (property)', () => {
    fc.assert(
      fc.property(
        isoDate(1910, 2026),
        fc.integer({ min: 0, max: 3650 }),
        fc.constantFrom(...CARD_PROFILES),
        (birth, days, profile) => {
          const issue = addDays(birth, days + 1);
          const validity = certificateValidity(profile, birth, issue);
          const card = cardExpiryDate(birth, issue);
          expect(validity.validFrom).toBe(issue);
          expect(validity.lastValidDay <= card).toBe(true);
          expect(validity.lastValidDay > issue).toBe(true);
        },
      ),
    );
  });
});

describe('nthBirthdayAfter', () => {
  it('refuses n < 1', () => {
    expect(() => nthBirthdayAfter('1990-01-01', '2026-01-01', 0)).toThrow(RangeError);
  });
});

describe('cardExpiryDate properties', () => {
  it('falls on the birthday, more than 9 (adults) or 4 (minors) years and at most 10 or 5 years after issue', () => {
    fc.assert(
      fc.property(isoDate(1910, 2026), fc.integer({ min: 0, max: 40_000 }), (birth, days) => {
        const issue = addDays(birth, days);
        if (issue > '2040-12-31') return;
        const expiry = cardExpiryDate(birth, issue);
        const years = ageOn(birth, issue) >= 18 ? 10 : 5;
        expect(expiry > addYears(issue, years - 1)).toBe(true);
        expect(expiry <= addYears(issue, years)).toBe(true);
        if (birth.slice(5) !== '02-29') expect(expiry.slice(5)).toBe(birth.slice(5));
        else expect(['02-28', '02-29']).toContain(expiry.slice(5));
      }),
    );
  });
});

function isoDate(fromYear: number, toYear: number) {
  return fc
    .date({
      min: new Date(`${fromYear}-01-01T00:00:00Z`),
      max: new Date(`${toYear}-12-31T00:00:00Z`),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
}
function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
/** Same month and day n years later (29 February → 28 February in a common year, as the rule does). */
function addYears(iso: string, years: number): string {
  const year = Number(iso.slice(0, 4)) + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDay = iso.slice(5) === '02-29' && !leap ? '02-28' : iso.slice(5);
  return `${year}-${monthDay}`;
}
