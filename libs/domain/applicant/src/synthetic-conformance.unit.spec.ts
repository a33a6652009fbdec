import { MUNICIPALITIES, syntheticApplicant, type SyntheticApplicant } from '@mnc/synthetic';
import { type Applicant, validateApplicant } from './applicant';
import { isValidLocalGovernmentCode, isValidMyNumber } from './check-digits';
import { isPrefecture, prefectureCode } from './prefectures';

// @mnc/synthetic may not import domain libs, so the domain checks its fixtures here.
describe('synthetic test data against the applicant rules', () => {
  it('is assignable to Applicant (a compile-time check)', () => {
    const applicant: Applicant = syntheticApplicant(1) satisfies SyntheticApplicant;
    expect(applicant).toBeDefined();
  });

  it.each(MUNICIPALITIES.map((entry) => [entry.code, entry.prefecture, entry.municipality]))(
    'municipality table: %s (%s %s) has a valid check digit and prefecture',
    (code, prefecture) => {
      expect(isValidLocalGovernmentCode(code)).toBe(true);
      expect(isPrefecture(prefecture)).toBe(true);
      if (isPrefecture(prefecture)) expect(code.startsWith(prefectureCode(prefecture))).toBe(true);
    },
  );

  it('passes validateApplicant for 2,000 seeds', () => {
    for (let seed = 0; seed < 2000; seed += 1) {
      const applicant = syntheticApplicant(seed);
      expect(isValidMyNumber(applicant.myNumber)).toBe(true);
      const result = validateApplicant(applicant, { today: '2025-01-01' });
      if (!result.ok) throw new Error(`seed ${seed}: ${JSON.stringify(result.errors)}`);
    }
  });
});
