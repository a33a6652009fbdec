import { compareLocalDates, type IsoDate, type LocalDate, parseIsoDate } from '@mnc/domain-applicant';

/**
 * Japanese eras (元号) from the adoption of the Gregorian calendar (Meiji 6 = 1873-01-01); earlier dates used
 * the lunisolar calendar and cannot be converted by arithmetic. Start dates are the first day of each era
 * under the era-name ordinances: Taishō 1912-07-30, Shōwa 1926-12-25, Heisei 1989-01-08, Reiwa 2019-05-01.
 * A day belongs to the era in force on it: 1989-01-07 is Shōwa 64, 1989-01-08 is Heisei 1.
 */
export type EraName = 'meiji' | 'taisho' | 'showa' | 'heisei' | 'reiwa';

interface Era {
  readonly name: EraName;
  readonly kanji: string;
  /** First day of the era. */
  readonly start: LocalDate;
  /** Gregorian year of the era's first year (元年). */
  readonly firstYear: number;
}

const ERAS: readonly Era[] = [
  { name: 'reiwa', kanji: '令和', start: { year: 2019, month: 5, day: 1 }, firstYear: 2019 },
  { name: 'heisei', kanji: '平成', start: { year: 1989, month: 1, day: 8 }, firstYear: 1989 },
  { name: 'showa', kanji: '昭和', start: { year: 1926, month: 12, day: 25 }, firstYear: 1926 },
  { name: 'taisho', kanji: '大正', start: { year: 1912, month: 7, day: 30 }, firstYear: 1912 },
  { name: 'meiji', kanji: '明治', start: { year: 1873, month: 1, day: 1 }, firstYear: 1868 },
];

export interface EraDate {
  readonly era: EraName;
  readonly eraKanji: string;
  /** 1 for the era's first year (元年). */
  readonly eraYear: number;
  readonly month: number;
  readonly day: number;
}

export function toEraDate(date: IsoDate): EraDate {
  const local = parseIsoDate(date, 'date');
  const era = ERAS.find((candidate) => compareLocalDates(local, candidate.start) >= 0);
  if (!era)
    throw new RangeError('dates before 1873-01-01 (the Gregorian calendar in Japan) have no era year');
  return {
    era: era.name,
    eraKanji: era.kanji,
    eraYear: local.year - era.firstYear + 1,
    month: local.month,
    day: local.day,
  };
}

/** YYMMDD with the era year, as 照合番号B needs it: 1989-01-07 → 640107, 2019-05-01 → 010501. */
export function eraYymmdd(date: IsoDate): string {
  const { eraYear, month, day } = toEraDate(date);
  // Meiji ran to year 45 and Shōwa to 64, so two digits always suffice for a living person's birth date.
  return [eraYear, month, day].map((n) => String(n).padStart(2, '0')).join('');
}
