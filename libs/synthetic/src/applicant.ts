import { randomDigits, randomInt, pick, type Rng, rngFrom } from './rng';
import {
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  FICTIONAL_TOWNS,
  MALE_GIVEN_NAMES,
  MUNICIPALITIES,
} from './tables';

/**
 * Same shape as `Applicant` in @mnc/domain-applicant. This util lib may not import domain libs (Nx tags), so
 * the type is repeated here; the domain lib's unit tests check that every synthetic applicant is assignable
 * to `Applicant` and passes `validateApplicant`.
 */
export interface SyntheticApplicant {
  readonly familyName: string;
  readonly givenName: string;
  readonly familyNameKana: string;
  readonly givenNameKana: string;
  readonly birthDate: string;
  readonly sex: '1' | '2' | '9';
  readonly address: {
    readonly prefecture: string;
    readonly municipality: string;
    readonly line: string;
    readonly postalCode: string;
  };
  readonly localGovernmentCode: string;
  readonly myNumber: string;
}

const DAY_MS = 86_400_000;
// UTC arithmetic only: local-time Date methods would shift days with the machine's time zone.
const FIRST_BIRTH_DAY = Date.UTC(1940, 0, 1) / DAY_MS;
const LAST_BIRTH_DAY = Date.UTC(2020, 11, 31) / DAY_MS;

/** A fictional applicant; the same seed always gives the same applicant. */
export function syntheticApplicant(seedOrRng: number | Rng): SyntheticApplicant {
  const rng = rngFrom(seedOrRng);
  // About 1 in 100 gets code 9 (not applicable) so consumers meet it in tests.
  const sex = rng() < 0.01 ? '9' : rng() < 0.5 ? '1' : '2';
  const givenNames =
    sex === '1'
      ? MALE_GIVEN_NAMES
      : sex === '2'
        ? FEMALE_GIVEN_NAMES
        : [...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES];
  const family = pick(rng, FAMILY_NAMES);
  const given = pick(rng, givenNames);
  const municipality = pick(rng, MUNICIPALITIES);
  const birthDay = new Date(randomInt(rng, FIRST_BIRTH_DAY, LAST_BIRTH_DAY) * DAY_MS);
  return {
    familyName: family.kanji,
    givenName: given.kanji,
    familyNameKana: family.kana,
    givenNameKana: given.kana,
    birthDate: birthDay.toISOString().slice(0, 10),
    sex,
    address: {
      prefecture: municipality.prefecture,
      municipality: municipality.municipality,
      line: fictionalStreetLine(rng),
      postalCode: municipality.postalPrefix + randomDigits(rng, 4),
    },
    localGovernmentCode: municipality.code,
    myNumber: syntheticMyNumber(rng),
  };
}

/**
 * Random 11 digits plus the check digit. Any valid number may belong to somebody, so synthetic records must
 * never leave test and demo environments.
 */
export function syntheticMyNumber(rng: Rng): string {
  const first11 = randomDigits(rng, 11);
  return first11 + myNumberCheckDigit(first11);
}

/** The check digit rule of @mnc/domain-applicant, repeated for the reason given on `SyntheticApplicant`. */
function myNumberCheckDigit(first11: string): string {
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) sum += Number(first11[11 - n]) * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return String(remainder <= 1 ? 0 : 11 - remainder);
}

function fictionalStreetLine(rng: Rng): string {
  const street = `${pick(rng, FICTIONAL_TOWNS)}${randomInt(rng, 1, 9)}丁目${randomInt(rng, 1, 30)}番${randomInt(rng, 1, 20)}号`;
  return rng() < 0.3 ? `${street} 見本ハイツ${randomInt(rng, 1, 9)}0${randomInt(rng, 1, 9)}` : street;
}
