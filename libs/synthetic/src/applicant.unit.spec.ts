import { syntheticApplicant } from './applicant';
import { mulberry32 } from './rng';
import {
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  FICTIONAL_TOWNS,
  MALE_GIVEN_NAMES,
  MUNICIPALITIES,
} from './tables';

// Validity against the domain rules (check digits, kana, dates) is tested in @mnc/domain-applicant, which may
// import this lib; this lib may not import it.
describe('syntheticApplicant', () => {
  const applicants = Array.from({ length: 2000 }, (_, seed) => syntheticApplicant(seed));

  it('is deterministic for a seed', () => {
    expect(syntheticApplicant(123)).toEqual(syntheticApplicant(123));
    expect(syntheticApplicant(123)).not.toEqual(syntheticApplicant(124));
  });

  it('continues an existing generator instead of restarting it', () => {
    const rng = mulberry32(9);
    const first = syntheticApplicant(rng);
    const second = syntheticApplicant(rng);
    expect(second).not.toEqual(first);
    expect(first).toEqual(syntheticApplicant(9));
  });

  it('spreads birth dates over 1940-2020', () => {
    const years = applicants.map((applicant) => Number(applicant.birthDate.slice(0, 4)));
    expect(Math.min(...years)).toBeLessThanOrEqual(1942);
    expect(Math.max(...years)).toBeGreaterThanOrEqual(2018);
    expect(years.every((year) => year >= 1940 && year <= 2020)).toBe(true);
    expect(applicants.every((applicant) => /^\d{4}-\d{2}-\d{2}$/.test(applicant.birthDate))).toBe(true);
  });

  it('takes names, readings and municipalities from the built-in tables', () => {
    const key = (kanji: string, kana: string) => `${kanji}/${kana}`;
    const familyNames = new Set(FAMILY_NAMES.map((name) => key(name.kanji, name.kana)));
    const givenNames = new Set(
      [...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES].map((name) => key(name.kanji, name.kana)),
    );
    const municipalities = new Map(MUNICIPALITIES.map((entry) => [entry.code, entry]));
    const strays = applicants.filter((applicant) => {
      const municipality = municipalities.get(applicant.localGovernmentCode);
      return (
        !familyNames.has(key(applicant.familyName, applicant.familyNameKana)) ||
        !givenNames.has(key(applicant.givenName, applicant.givenNameKana)) ||
        municipality?.municipality !== applicant.address.municipality ||
        municipality.prefecture !== applicant.address.prefecture ||
        !applicant.address.postalCode.startsWith(municipality.postalPrefix)
      );
    });
    expect(strays).toEqual([]);
  });

  it('matches given names to sex 1 and 2', () => {
    const male = new Set(MALE_GIVEN_NAMES.map((name) => name.kanji));
    const female = new Set(FEMALE_GIVEN_NAMES.map((name) => name.kanji));
    const mismatched = applicants.filter(
      (applicant) =>
        (applicant.sex === '1' && !male.has(applicant.givenName)) ||
        (applicant.sex === '2' && !female.has(applicant.givenName)),
    );
    expect(mismatched).toEqual([]);
  });

  it('uses every sex code, 9 rarely', () => {
    const count = (sex: string) => applicants.filter((applicant) => applicant.sex === sex).length;
    expect(count('9')).toBeGreaterThan(0);
    expect(count('9')).toBeLessThan(60);
    expect(count('1')).toBeGreaterThan(800);
    expect(count('2')).toBeGreaterThan(800);
  });

  it('writes fictional street lines and well-formed numbers', () => {
    const malformed = applicants.filter(
      (applicant) =>
        !FICTIONAL_TOWNS.some((town) => applicant.address.line.startsWith(town)) ||
        !/^\d{7}$/.test(applicant.address.postalCode) ||
        !/^\d{12}$/.test(applicant.myNumber),
    );
    expect(malformed).toEqual([]);
    expect(new Set(applicants.map((applicant) => applicant.myNumber)).size).toBe(applicants.length);
  });
});
