/**
 * Calendar dates without time or time zone. Birth dates and issue dates are civil dates in Japan: doing this
 * arithmetic with `Date` invites off-by-one-day bugs whenever the process's time zone is not JST, so every
 * function here is plain integer arithmetic on year, month and day.
 */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A date written `YYYY-MM-DD` (ISO 8601 calendar date, four-digit year). */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** True when `text` has the `YYYY-MM-DD` shape, whether or not it names a real day. */
export function hasIsoDateShape(text: string): boolean {
  return ISO_DATE.test(text);
}

/** The date, or undefined when `text` is not `YYYY-MM-DD` or names no real day (2023-02-29). */
export function tryParseIsoDate(text: string): LocalDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidCalendarDate(year, month, day) ? { year, month, day } : undefined;
}

/** Like {@link tryParseIsoDate}, for inputs that were already validated: a bad date is a programming error. */
export function parseIsoDate(text: string, what = 'date'): LocalDate {
  const date = tryParseIsoDate(text);
  if (!date) throw new RangeError(`${what} must be a valid YYYY-MM-DD calendar date`);
  return date;
}

export function formatIsoDate(date: LocalDate): IsoDate {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function compareLocalDates(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  const difference = a.year - b.year || a.month - b.month || a.day - b.day;
  return difference < 0 ? -1 : difference > 0 ? 1 : 0;
}
