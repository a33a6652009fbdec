import {
  compareLocalDates,
  formatIsoDate,
  type IsoDate,
  isLeapYear,
  type LocalDate,
  parseIsoDate,
} from '@mnc/domain-applicant';

/** Age from which a card gets the long (10-birthday) validity: the Civil Code age of majority since 2022-04-01. */
export const LONG_VALIDITY_MIN_AGE = 18;
export const LONG_VALIDITY_BIRTHDAYS = 10;
export const SHORT_VALIDITY_BIRTHDAYS = 5;

/**
 * Age in completed years on `date`, counted the way Japanese law counts it (年齢計算ニ関スル法律 with
 * Civil Code art. 143): a year of age ends at the end of the day before the birthday, so a person is N on
 * their N-th birthday. Someone born on 29 February has no such day in a common year; art. 143(2) then ends
 * the year on the last day of February, so they reach the new age on 1 March.
 */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  const birth = parseIsoDate(birthDate, 'birthDate');
  const on = parseIsoDate(date, 'date');
  if (compareLocalDates(on, birth) < 0) throw new RangeError('date must not be before birthDate');
  const leapDayBirth = birth.month === 2 && birth.day === 29;
  const anniversary: LocalDate =
    leapDayBirth && !isLeapYear(on.year) ? { year: on.year, month: 3, day: 1 } : { ...birth, year: on.year };
  const age = on.year - birth.year;
  return compareLocalDates(on, anniversary) < 0 ? age - 1 : age;
}

/**
 * The birthday in `year` used to count card validity. For people born on 29 February we use 28 February
 * in common years: the ordinance only says "誕生日", and the last day of February is what Civil Code
 * art. 143(2) puts in place of a missing corresponding day. This is our reading, not a published J-LIS rule:
 * confirm it with J-LIS; it lives only here so a different answer is a one-line change.
 */
export function validityBirthdayIn(birth: LocalDate, year: number): LocalDate {
  const leapDayBirth = birth.month === 2 && birth.day === 29;
  return leapDayBirth && !isLeapYear(year)
    ? { year, month: 2, day: 28 }
    : { year, month: birth.month, day: birth.day };
}

/**
 * Last day the card is valid (the date printed as "…まで有効"), under the rule in force since 2022-04-01
 * (MIC ordinance 平成26年総務省令第85号 on the individual number card, article on 有効期間, as amended with the
 * 2022 lowering of the age of majority; originally from the 2014 ordinance with 20 as the threshold):
 *
 * - 18 or older on the issue date: until the applicant's 10th birthday after the issue date;
 * - younger than 18: until the 5th birthday after the issue date (faces change quickly).
 *
 * "After the issue date" is strict: a card issued on a birthday counts the next one as the first, so validity
 * runs from nine years and a day up to ten years. The issue date is the day J-LIS issues the card, not the
 * hand-over day at the counter. Born on 29 February: see {@link validityBirthdayIn}.
 *
 * Not covered here: foreign residents with a period of stay, whose card ends with that period if sooner, and
 * the 2022 transition, where J-LIS judged the threshold (20 or 18) by the application receipt date.
 */
export function cardExpiryDate(birthDate: IsoDate, issueDate: IsoDate): IsoDate {
  const birth = parseIsoDate(birthDate, 'birthDate');
  const issue = parseIsoDate(issueDate, 'issueDate');
  if (compareLocalDates(issue, birth) < 0) throw new RangeError('issueDate must not be before birthDate');
  const birthdays =
    ageOn(birthDate, issueDate) >= LONG_VALIDITY_MIN_AGE ? LONG_VALIDITY_BIRTHDAYS : SHORT_VALIDITY_BIRTHDAYS;
  const firstYear =
    compareLocalDates(validityBirthdayIn(birth, issue.year), issue) > 0 ? issue.year : issue.year + 1;
  return formatIsoDate(validityBirthdayIn(birth, firstYear + birthdays - 1));
}
