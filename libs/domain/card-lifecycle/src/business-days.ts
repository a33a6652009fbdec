import holidayJp from '@holiday-jp/holiday_jp';

/**
 * Business days of the issuing administration: not Saturday or Sunday, not a national holiday (from
 * @holiday-jp/holiday_jp, which follows the Cabinet Office's list), and not the year-end closure of public
 * offices, 29 December to 3 January (行政機関の休日に関する法律, art. 1).
 *
 * Dates are calendar dates in Japan as `YYYY-MM-DD` strings; no time zone arithmetic happens here.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends Error {
  override readonly name = 'InvalidDateError';
}

function parts(date: IsoDate): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(date);
  if (!match) throw new InvalidDateError(`not a YYYY-MM-DD date: ${date}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
    throw new InvalidDateError(`no such date: ${date}`);
  return { y, m, d };
}

function toUtc(date: IsoDate): Date {
  const { y, m, d } = parts(date);
  return new Date(Date.UTC(y, m - 1, d));
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  const next = toUtc(date);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

export function isPublicHoliday(date: IsoDate): boolean {
  parts(date);
  return Object.prototype.hasOwnProperty.call(holidayJp.holidays, date);
}

export function isYearEndClosure(date: IsoDate): boolean {
  const { m, d } = parts(date);
  return (m === 12 && d >= 29) || (m === 1 && d <= 3);
}

export function isBusinessDay(date: IsoDate): boolean {
  const weekday = toUtc(date).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !isPublicHoliday(date) && !isYearEndClosure(date);
}

/** The n-th business day after `date` (n ≥ 0; n = 0 is `date` itself if a business day, else the next one). */
export function addBusinessDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  let current = date;
  while (!isBusinessDay(current)) current = addCalendarDays(current, 1);
  for (let counted = 0; counted < n;) {
    current = addCalendarDays(current, 1);
    if (isBusinessDay(current)) counted++;
  }
  return current;
}

/**
 * Business days that have passed from `from` to `to`: the business days in (from, to]. Work started on a
 * Friday and finished on the Monday after took one business day; finished the same day, zero.
 */
export function businessDaysBetween(from: IsoDate, to: IsoDate): number {
  if (to <= from) return 0;
  let count = 0;
  for (let day = addCalendarDays(from, 1); day <= to; day = addCalendarDays(day, 1))
    if (isBusinessDay(day)) count++;
  return count;
}
