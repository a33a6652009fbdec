/** Japanese eras from Meiji on, by first day (the Gregorian dates from which the era's year 1 counts). */
const ERAS = [
  { name: '令和', start: '2019-05-01', firstYear: 2019 },
  { name: '平成', start: '1989-01-08', firstYear: 1989 },
  { name: '昭和', start: '1926-12-25', firstYear: 1926 },
  { name: '大正', start: '1912-07-30', firstYear: 1912 },
  // Meiji counts from 1868, but Japan's Gregorian dates start on Meiji 6-01-01.
  { name: '明治', start: '1873-01-01', firstYear: 1868 },
] as const;

export class DateOutOfRangeError extends RangeError {
  override readonly name = 'DateOutOfRangeError';
}

function parts(isoDate: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new DateOutOfRangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** "昭和60年12月31日", with 元年 for an era's first year, as printed on Japanese identity cards. */
export function eraDate(isoDate: string): string {
  const { year, month, day } = parts(isoDate);
  // ISO dates compare correctly as strings.
  const era = ERAS.find((e) => isoDate >= e.start);
  if (!era) throw new DateOutOfRangeError(`${isoDate} is before the Gregorian calendar's adoption in Japan`);
  const eraYear = year - era.firstYear + 1;
  return `${era.name}${eraYear === 1 ? '元' : eraYear}年${month}月${day}日`;
}

/** "1985年12月31日". */
export function westernDate(isoDate: string): string {
  const { year, month, day } = parts(isoDate);
  return `${year}年${month}月${day}日`;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** "31 DEC 1985", the form of passports (ICAO 9303's visual zone), for the romaji side of the face. */
export function passportDate(isoDate: string): string {
  const { year, month, day } = parts(isoDate);
  return `${String(day).padStart(2, '0')} ${MONTHS[month - 1]} ${year}`;
}
