import { compareLocalDates, formatIsoDate, type LocalDate } from './local-date';

/** Japanese eras since the Gregorian calendar was adopted (明治6年 = 1873), with their first day. */
const ERAS: readonly { readonly name: string; readonly romaji: string; readonly start: LocalDate }[] = [
  { name: '令和', romaji: 'R', start: { year: 2019, month: 5, day: 1 } },
  { name: '平成', romaji: 'H', start: { year: 1989, month: 1, day: 8 } },
  { name: '昭和', romaji: 'S', start: { year: 1926, month: 12, day: 25 } },
  { name: '大正', romaji: 'T', start: { year: 1912, month: 7, day: 30 } },
  { name: '明治', romaji: 'M', start: { year: 1868, month: 1, day: 25 } },
];

/** The first date that can be written in both calendars without the lunisolar calendar. */
export const EARLIEST_ERA_DATE: LocalDate = { year: 1873, month: 1, day: 1 };

export interface BirthDateOnCard {
  /** 平成2年4月1日; the first year of an era is 元年 (令和元年5月1日). */
  readonly japanese: string;
  /** 1990年4月1日 */
  readonly western: string;
  /** 1990-04-01, as stored. */
  readonly iso: string;
}

/** The era name and year of a date on or after {@link EARLIEST_ERA_DATE}. */
export function japaneseEra(date: LocalDate): { era: string; eraInitial: string; year: number } {
  if (compareLocalDates(date, EARLIEST_ERA_DATE) < 0) {
    throw new RangeError('dates before 1873-01-01 have no Gregorian era date');
  }
  const era = ERAS.find((candidate) => compareLocalDates(date, candidate.start) >= 0)!;
  return { era: era.name, eraInitial: era.romaji, year: date.year - era.start.year + 1 };
}

/** A birth date as the card face shows it, in the Japanese era and in the Western calendar. */
export function birthDateOnCard(date: LocalDate): BirthDateOnCard {
  const { era, year } = japaneseEra(date);
  return {
    japanese: `${era}${year === 1 ? '元' : String(year)}年${date.month}月${date.day}日`,
    western: `${date.year}年${date.month}月${date.day}日`,
    iso: formatIsoDate(date),
  };
}
