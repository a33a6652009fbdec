import {
  type Applicant,
  assertValidApplicant,
  normalizeApplicantInput,
  validateApplicant,
} from './applicant';
import { DomainValidationFailed } from './validation';

const today = '2025-06-15';

/** A fictional applicant (synthetic data: no real person). */
const valid: Applicant = {
  familyName: '山田',
  givenName: '花子',
  familyNameKana: 'ヤマダ',
  givenNameKana: 'ハナコ',
  birthDate: '1990-04-01',
  sex: '2',
  address: {
    prefecture: '東京都',
    municipality: '千代田区',
    line: '架空町1丁目2番3号',
    postalCode: '1000001',
  },
  localGovernmentCode: '131016',
  myNumber: '123456789018',
};

function with_(patch: Record<string, unknown>, addressPatch: Record<string, unknown> = {}): unknown {
  return { ...valid, ...patch, address: { ...valid.address, ...addressPatch } };
}

function errorsOf(input: unknown) {
  const result = validateApplicant(input, { today });
  return result.ok ? [] : result.errors;
}

describe('validateApplicant', () => {
  it('accepts a complete valid applicant and returns only the known fields', () => {
    const result = validateApplicant({ ...valid, extra: 'dropped' }, { today });
    expect(result).toEqual({
      ok: true,
      value: { ...valid, romaji: { familyName: 'YAMADA', givenName: 'HANAKO' } },
    });
  });

  it('rejects a my number with a wrong check digit, naming the field', () => {
    expect(errorsOf(with_({ myNumber: '123456789017' }))).toEqual([
      { field: 'applicant.myNumber', code: 'MY_NUMBER_CHECK_DIGIT' },
    ]);
    expect(errorsOf(with_({ myNumber: '1234-5678-9018' }))).toEqual([
      { field: 'applicant.myNumber', code: 'MY_NUMBER_FORMAT' },
    ]);
  });

  it('reports every problem at once, not just the first', () => {
    const errors = errorsOf(
      with_(
        {
          familyNameKana: 'やまだ',
          birthDate: '2025-06-16',
          sex: 'F',
          localGovernmentCode: '131017',
          myNumber: undefined,
        },
        { postalCode: '100-0001' },
      ),
    );
    expect(errors).toEqual([
      { field: 'applicant.familyNameKana', code: 'KANA_NOT_KATAKANA' },
      { field: 'applicant.birthDate', code: 'DATE_IN_FUTURE' },
      { field: 'applicant.sex', code: 'SEX_CODE' },
      { field: 'applicant.address.postalCode', code: 'POSTAL_CODE_FORMAT' },
      { field: 'applicant.localGovernmentCode', code: 'LOCAL_GOVERNMENT_CODE_CHECK_DIGIT' },
      { field: 'applicant.myNumber', code: 'REQUIRED' },
    ]);
  });

  describe('kana', () => {
    it.each(['ヤマダ', 'ヴァン', 'イトー', 'ササヽ'])('accepts katakana %s', (kana) => {
      expect(errorsOf(with_({ givenNameKana: kana }))).toEqual([]);
    });
    it.each([
      ['hiragana', 'はなこ'],
      ['half-width katakana', 'ﾊﾅｺ'],
      ['latin', 'Hanako'],
      ['a space', 'ハナ コ'],
      ['kanji', '花子'],
    ])('rejects %s', (_label, kana) => {
      expect(errorsOf(with_({ givenNameKana: kana }))).toEqual([
        { field: 'applicant.givenNameKana', code: 'KANA_NOT_KATAKANA' },
      ]);
    });
  });

  describe('birth date', () => {
    it('accepts today and a leap day', () => {
      expect(errorsOf(with_({ birthDate: today }))).toEqual([]);
      expect(errorsOf(with_({ birthDate: '2000-02-29' }))).toEqual([]);
    });
    it.each([
      ['1990-4-1', 'DATE_FORMAT'],
      ['1990/04/01', 'DATE_FORMAT'],
      ['1990-04-01T00:00:00Z', 'DATE_FORMAT'],
      ['2023-02-29', 'DATE_INVALID'],
      ['1990-04-31', 'DATE_INVALID'],
      ['2026-01-01', 'DATE_IN_FUTURE'],
    ])('rejects %s with %s', (birthDate, code) => {
      expect(errorsOf(with_({ birthDate }))).toEqual([{ field: 'applicant.birthDate', code }]);
    });
    it('treats a bad "today" as a programming error', () => {
      expect(() => validateApplicant(valid, { today: '2025-02-30' })).toThrow(RangeError);
    });
  });

  describe('text hygiene', () => {
    it('rejects strings that are not NFC', () => {
      // カ + combining voiced mark instead of ガ.
      expect(errorsOf(with_({ familyNameKana: 'ナカ\u3099ワ' }))).toEqual([
        { field: 'applicant.familyNameKana', code: 'NOT_NFC' },
      ]);
    });
    it('lets an intake adapter normalise deliberately', () => {
      const normalized = normalizeApplicantInput(with_({ familyNameKana: 'ナカ\u3099ワ' }));
      expect(errorsOf(normalized)).toEqual([]);
    });
    it.each([
      ['a control character', '山田\u0007'],
      ['a newline', '山\n田'],
      ['a zero-width space', '山\u200B田'],
      ['a bidi override', '\u202E山田'],
      ['a private-use character (外字)', '山\uE000'],
      ['a supplementary private-use character', '山\u{F0001}'],
      ['a lone surrogate', '山\uD800'],
    ])('rejects %s', (_label, familyName) => {
      expect(errorsOf(with_({ familyName }))).toEqual([
        { field: 'applicant.familyName', code: 'FORBIDDEN_CHARACTER' },
      ]);
    });
    it('allows an ideographic variation sequence (異体字 selector)', () => {
      expect(errorsOf(with_({ familyName: '葛\u{E0100}西' }))).toEqual([]);
    });
    it('rejects empty, blank, non-string and overlong values', () => {
      expect(
        errorsOf(with_({ familyName: '', givenName: '　', familyNameKana: 42 }, { line: 'あ'.repeat(201) })),
      ).toEqual([
        { field: 'applicant.familyName', code: 'REQUIRED' },
        { field: 'applicant.givenName', code: 'REQUIRED' },
        { field: 'applicant.familyNameKana', code: 'NOT_A_STRING' },
        { field: 'applicant.address.line', code: 'TOO_LONG' },
      ]);
    });
  });

  describe('address and codes', () => {
    it('rejects an unknown prefecture', () => {
      expect(errorsOf(with_({}, { prefecture: '東京' }))).toEqual([
        { field: 'applicant.address.prefecture', code: 'PREFECTURE_UNKNOWN' },
      ]);
    });
    it('rejects a valid local government code from another prefecture', () => {
      expect(errorsOf(with_({ localGovernmentCode: '011002' }))).toEqual([
        { field: 'applicant.localGovernmentCode', code: 'LOCAL_GOVERNMENT_CODE_PREFECTURE_MISMATCH' },
      ]);
    });
    it('accepts a matching one', () => {
      const sapporo = { prefecture: '北海道', municipality: '札幌市', postalCode: '0600001' };
      expect(errorsOf(with_({ localGovernmentCode: '011002' }, sapporo))).toEqual([]);
    });
    it('rejects a malformed code and postal code', () => {
      expect(errorsOf(with_({ localGovernmentCode: '13101' }, { postalCode: '１０００００１' }))).toEqual([
        { field: 'applicant.address.postalCode', code: 'POSTAL_CODE_FORMAT' },
        { field: 'applicant.localGovernmentCode', code: 'LOCAL_GOVERNMENT_CODE_FORMAT' },
      ]);
    });
    it('rejects a missing address', () => {
      expect(errorsOf({ ...valid, address: undefined })).toEqual([
        { field: 'applicant.address', code: 'REQUIRED' },
      ]);
    });
  });

  it('rejects a non-object', () => {
    expect(errorsOf(null)).toEqual([{ field: 'applicant', code: 'NOT_AN_OBJECT' }]);
    expect(errorsOf([valid])).toEqual([{ field: 'applicant', code: 'NOT_AN_OBJECT' }]);
  });

  it('assertValidApplicant throws a permanent, typed failure without echoing personal data', () => {
    expect.assertions(4);
    try {
      assertValidApplicant(with_({ myNumber: '123456789017' }), { today });
    } catch (error) {
      expect(error).toBeInstanceOf(DomainValidationFailed);
      const failure = error as DomainValidationFailed;
      expect(failure.permanent).toBe(true);
      expect(failure.errors).toEqual([{ field: 'applicant.myNumber', code: 'MY_NUMBER_CHECK_DIGIT' }]);
      expect(failure.message).not.toContain('123456789017');
    }
  });
});
