import {
  compareLocalDates,
  formatIsoDate,
  type IsoDate,
  isLeapYear,
  type LocalDate,
  parseIsoDate,
} from '@mnc/domain-applicant';
import type { CardProfile } from './card-profile';

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
  const birthdays =
    ageOn(birthDate, issueDate) >= LONG_VALIDITY_MIN_AGE ? LONG_VALIDITY_BIRTHDAYS : SHORT_VALIDITY_BIRTHDAYS;
  return nthBirthdayAfter(birthDate, issueDate, birthdays);
}

/** The n-th birthday strictly after `issueDate` (n ≥ 1), with the 29 February rule of {@link validityBirthdayIn}. */
export function nthBirthdayAfter(birthDate: IsoDate, issueDate: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const birth = parseIsoDate(birthDate, 'birthDate');
  const issue = parseIsoDate(issueDate, 'issueDate');
  if (compareLocalDates(issue, birth) < 0) throw new RangeError('issueDate must not be before birthDate');
  const firstYear =
    compareLocalDates(validityBirthdayIn(birth, issue.year), issue) > 0 ? issue.year : issue.year + 1;
  return formatIsoDate(validityBirthdayIn(birth, firstYear + n - 1));
}

/** JPKI certificates on today's card: until the 5th birthday after issuance, whatever the age (公的個人認証法施行規則). */
export const LEGACY_CERTIFICATE_BIRTHDAYS = 5;

export interface CertificateValidity {
  /** First day of validity (the card's issue date), Japan time. */
  readonly validFrom: IsoDate;
  /** Last day of validity, Japan time; the certificate's notAfter is the end of this day (23:59:59 +09:00). */
  readonly lastValidDay: IsoDate;
}

/**
 * Validity of the JPKI signature and user-authentication certificates a card is issued with.
 * - legacy-rsa2048: until the 5th birthday after issuance (today's rule; RSA-2048 strength 112 does not
 *   support 10 years, and CRYPTREC ends RSA-2048 after 2030);
 * - next-gen: until the card's own expiry, 10 years for adults, as the paper proposes for ECDSA (strength
 *   128 or 192), so one renewal visit covers card and certificates.
 * Never beyond the card's expiry: a certificate must not outlive the card holding its key.
 */
export function certificateValidity(
  profile: CardProfile,
  birthDate: IsoDate,
  issuedOn: IsoDate,
): CertificateValidity {
  const cardExpiry = cardExpiryDate(birthDate, issuedOn);
  if (profile === 'next-gen') return { validFrom: issuedOn, lastValidDay: cardExpiry };
  const fifth = nthBirthdayAfter(birthDate, issuedOn, LEGACY_CERTIFICATE_BIRTHDAYS);
  return { validFrom: issuedOn, lastValidDay: fifth < cardExpiry ? fifth : cardExpiry };
}

/** The instants a certificate carries for a validity in Japan days: 00:00:00 of the first, 23:59:59 of the last. */
export function certificateInstants(validity: CertificateValidity): { notBefore: string; notAfter: string } {
  return {
    notBefore: `${validity.validFrom}T00:00:00+09:00`,
    notAfter: `${validity.lastValidDay}T23:59:59+09:00`,
  };
}
