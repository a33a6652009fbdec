import {
  addBusinessDays,
  businessDaysBetween,
  InvalidDateError,
  isBusinessDay,
  isPublicHoliday,
  isYearEndClosure,
} from './business-days';
import { slaClock } from './sla';

describe('business days', () => {
  it.each([
    ['2026-12-28', true], // Monday before the closure
    ['2026-12-29', false], // year-end closure
    ['2026-12-31', false],
    ['2027-01-01', false], // New Year's Day, a holiday and closed
    ['2027-01-04', true], // first business day of 2027 (Monday)
    ['2027-01-11', false], // Coming of Age Day
    ['2026-04-29', false], // Showa Day
    ['2026-05-01', true], // Friday between the holidays
    ['2026-05-06', false], // substitute holiday for Constitution Day on a Sunday
    ['2026-05-07', true],
    ['2026-05-09', false], // Saturday
  ])('%s is a business day: %s', (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it('tells the national holidays from the year-end closure', () => {
    expect(isPublicHoliday('2027-01-01')).toBe(true);
    expect(isPublicHoliday('2026-12-30')).toBe(false);
    expect(isYearEndClosure('2026-12-30')).toBe(true);
    expect(isYearEndClosure('2027-01-04')).toBe(false);
  });

  it('across New Year: 5 business days after 25 Dec 2026 is 8 Jan 2027', () => {
    // 28 Dec (1), closure 29 Dec - 3 Jan, then 4, 5, 6, 7 Jan (2-5)
    expect(addBusinessDays('2026-12-25', 1)).toBe('2026-12-28');
    expect(addBusinessDays('2026-12-25', 2)).toBe('2027-01-04');
    expect(addBusinessDays('2026-12-25', 5)).toBe('2027-01-07');
  });

  it('across Golden Week 2026: the working day after 28 Apr is 30 Apr, and 1 May is followed by 7 May', () => {
    expect(addBusinessDays('2026-04-28', 1)).toBe('2026-04-30');
    expect(addBusinessDays('2026-05-01', 1)).toBe('2026-05-07');
    expect(addBusinessDays('2026-04-27', 5)).toBe('2026-05-08');
  });

  it('across Golden Week 2027 (3-5 May on Monday to Wednesday)', () => {
    expect(addBusinessDays('2027-04-30', 1)).toBe('2027-05-06');
  });

  it('starts from the next business day when the start is not one', () => {
    expect(addBusinessDays('2027-01-01', 0)).toBe('2027-01-04');
  });

  it('counts business days between two dates, end included', () => {
    expect(businessDaysBetween('2026-12-25', '2027-01-04')).toBe(2);
    expect(businessDaysBetween('2026-04-28', '2026-05-07')).toBe(3); // 30 Apr, 1 May, 7 May
    expect(businessDaysBetween('2026-05-07', '2026-05-07')).toBe(0);
    expect(businessDaysBetween('2026-05-08', '2026-05-07')).toBe(0);
  });

  it('refuses what is not a date', () => {
    expect(() => isBusinessDay('2026-02-30')).toThrow(InvalidDateError);
    expect(() => addBusinessDays('27 Dec', 1)).toThrow(InvalidDateError);
    expect(() => addBusinessDays('2026-12-01', -1)).toThrow(RangeError);
  });
});

describe('slaClock', () => {
  it('given an express application submitted before New Year, then it is due after the closure', () => {
    const clock = slaClock({ route: 'express', startedOn: '2026-12-25', today: '2026-12-30' });
    expect(clock).toMatchObject({
      dueOn: '2027-01-07',
      targetBusinessDays: 5,
      elapsedBusinessDays: 1,
      remainingBusinessDays: 4,
      status: 'on-track',
      stoppedOn: null,
    });
  });

  it('given an express application in Golden Week, then holidays do not use up its days', () => {
    const clock = slaClock({ route: 'express', startedOn: '2026-04-28', today: '2026-05-06' });
    expect(clock.elapsedBusinessDays).toBe(2);
    expect(clock.dueOn).toBe('2026-05-11');
    expect(clock.status).toBe('on-track');
  });

  it('is at risk on the last business day and breached after the due date', () => {
    expect(slaClock({ route: 'express', startedOn: '2026-12-25', today: '2027-01-06' }).status).toBe(
      'at-risk',
    );
    expect(slaClock({ route: 'express', startedOn: '2026-12-25', today: '2027-01-08' }).status).toBe(
      'breached',
    );
  });

  it('stops when the card is delivered: met on or before the due date, missed after', () => {
    const met = slaClock({
      route: 'normal',
      startedOn: '2026-04-20',
      today: '2026-07-01',
      stoppedOn: '2026-05-07',
    });
    expect(met).toMatchObject({ status: 'met', elapsedBusinessDays: 9, stoppedOn: '2026-05-07' });
    const missed = slaClock({
      route: 'express',
      startedOn: '2026-04-20',
      today: '2026-07-01',
      stoppedOn: '2026-05-07',
    });
    expect(missed.status).toBe('missed');
  });

  it('starts counting on the next business day when submitted on a holiday', () => {
    const clock = slaClock({ route: 'express', startedOn: '2027-01-01', today: '2027-01-04' });
    expect(clock.elapsedBusinessDays).toBe(0);
    expect(clock.dueOn).toBe('2027-01-12'); // 11 Jan is Coming of Age Day
  });
});
