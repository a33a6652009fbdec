import fc from 'fast-check';
import { type Applicant, printedText, validateApplicant } from './applicant';
import { cardFaceLayout, sexPlacementPolicy } from './card-face';

const CHIP_ONLY = sexPlacementPolicy('chip-only');
import {
  isValidLocalGovernmentCode,
  isValidMyNumber,
  localGovernmentCodeCheckDigit,
  myNumberCheckDigit,
} from './check-digits';
import { birthDateOnCard, japaneseEra } from './era';
import { missingGlyphs, unprintableFields } from './glyphs';
import { parseIsoDate } from './local-date';
import { isPassportSpelling, passportHepburn } from './romaji';
import { normalizeText, textProblem } from './text';

const today = '2025-06-15';
const base: Applicant = {
  familyName: '佐藤',
  givenName: '洋子',
  familyNameKana: 'サトウ',
  givenNameKana: 'ヨウコ',
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
const errorsOf = (input: unknown) => {
  const result = validateApplicant(input, { today });
  return result.ok ? [] : result.errors;
};

describe('passport Hepburn romaji', () => {
  it.each([
    ['サトウ', 'SATO'],
    ['オオノ', 'ONO'],
    ['ユウコ', 'YUKO'],
    ['キョウコ', 'KYOKO'],
    ['オオウチ', 'OUCHI'],
    ['ニイガタ', 'NIIGATA'],
    ['シンバシ', 'SHIMBASHI'],
    ['ナンバ', 'NAMBA'],
    ['ホンマ', 'HOMMA'],
    ['サンペイ', 'SAMPEI'],
    ['ジュンイチ', 'JUNICHI'],
    ['ケンイチ', 'KENICHI'],
    ['ハットリ', 'HATTORI'],
    ['マッチャ', 'MATCHA'],
    ['ヂ', 'JI'],
    ['ヅ', 'ZU'],
    ['フジ', 'FUJI'],
    ['ツヅキ', 'TSUZUKI'],
    ['ヨーコ', 'YOKO'],
  ])('%s → %s', (kana, romaji) => {
    expect(passportHepburn(kana)).toBe(romaji);
  });

  it('accepts only upper-case Latin letters with single spaces or hyphens as a passport spelling', () => {
    expect(isPassportSpelling('OHNO')).toBe(true);
    expect(isPassportSpelling('MARIE-CLAIRE')).toBe(true);
    expect(isPassportSpelling('Sato')).toBe(false);
    expect(isPassportSpelling('SATŌ')).toBe(false);
    expect(isPassportSpelling('SATO ')).toBe(false);
    expect(isPassportSpelling('')).toBe(false);
  });

  it('derives the romaji from the furigana when no passport spelling is given', () => {
    const result = validateApplicant(base, { today });
    expect(result.ok && result.value.romaji).toEqual({ familyName: 'SATO', givenName: 'YOKO' });
  });

  it('takes the passport spelling, even when it differs from the derivation (OH for a long O)', () => {
    const result = validateApplicant(
      { ...base, passportSpelling: { familyName: 'SATOH', givenName: 'YOKO' } },
      { today },
    );
    expect(result.ok && result.value.romaji).toEqual({ familyName: 'SATOH', givenName: 'YOKO' });
  });

  it('rejects a romaji that does not match the passport spelling', () => {
    expect(
      errorsOf({
        ...base,
        passportSpelling: { familyName: 'SATOH', givenName: 'YOKO' },
        romaji: { familyName: 'SATO', givenName: 'YOKO' },
      }),
    ).toEqual([{ field: 'applicant.romaji.familyName', code: 'ROMAJI_PASSPORT_MISMATCH' }]);
  });

  it('rejects a romaji that is not the passport Hepburn of the furigana when there is no passport', () => {
    expect(errorsOf({ ...base, romaji: { familyName: 'SATOU', givenName: 'YOKO' } })).toEqual([
      { field: 'applicant.romaji.familyName', code: 'ROMAJI_NOT_HEPBURN' },
    ]);
  });

  it('rejects lower case, macrons and non-objects', () => {
    expect(errorsOf({ ...base, romaji: { familyName: 'Sato', givenName: 'YŌKO' } })).toEqual([
      { field: 'applicant.romaji.familyName', code: 'ROMAJI_FORMAT' },
      { field: 'applicant.romaji.givenName', code: 'ROMAJI_FORMAT' },
    ]);
    expect(errorsOf({ ...base, passportSpelling: 'SATO' })).toEqual([
      { field: 'applicant.passportSpelling', code: 'NOT_AN_OBJECT' },
    ]);
  });

  it('asks for the romaji when the furigana gives no spelling', () => {
    expect(errorsOf({ ...base, givenNameKana: 'ー' })).toEqual([
      { field: 'applicant.romaji.givenName', code: 'REQUIRED' },
    ]);
  });
});

describe('alias and former surname', () => {
  it('keeps a valid alias and former surname', () => {
    const result = validateApplicant(
      {
        ...base,
        alias: { name: '佐藤ジョン', kana: 'サトウジョン' },
        formerSurname: { familyName: '鈴木', familyNameKana: 'スズキ' },
      },
      { today },
    );
    expect(result.ok && result.value.alias).toEqual({ name: '佐藤ジョン', kana: 'サトウジョン' });
    expect(result.ok && result.value.formerSurname).toEqual({ familyName: '鈴木', familyNameKana: 'スズキ' });
  });

  it('requires katakana for their furigana and names each bad field', () => {
    expect(
      errorsOf({
        ...base,
        alias: { name: '', kana: 'さとう' },
        formerSurname: { familyName: '鈴木', familyNameKana: 'suzuki' },
      }),
    ).toEqual([
      { field: 'applicant.alias.name', code: 'REQUIRED' },
      { field: 'applicant.alias.kana', code: 'KANA_NOT_KATAKANA' },
      { field: 'applicant.formerSurname.familyNameKana', code: 'KANA_NOT_KATAKANA' },
    ]);
    expect(errorsOf({ ...base, alias: ['x'] })).toEqual([
      { field: 'applicant.alias', code: 'NOT_AN_OBJECT' },
    ]);
  });
});

describe('birth date in the Japanese era and the Western calendar', () => {
  it.each([
    ['1990-04-01', '平成2年4月1日', '1990年4月1日'],
    ['1989-01-07', '昭和64年1月7日', '1989年1月7日'],
    ['1989-01-08', '平成元年1月8日', '1989年1月8日'],
    ['2019-04-30', '平成31年4月30日', '2019年4月30日'],
    ['2019-05-01', '令和元年5月1日', '2019年5月1日'],
    ['1926-12-25', '昭和元年12月25日', '1926年12月25日'],
    ['1912-07-29', '明治45年7月29日', '1912年7月29日'],
    ['1912-07-30', '大正元年7月30日', '1912年7月30日'],
  ])('%s → %s / %s', (iso, japanese, western) => {
    expect(birthDateOnCard(parseIsoDate(iso))).toEqual({ japanese, western, iso });
  });

  it('refuses dates before the Gregorian calendar was adopted, and validation rejects such birth dates', () => {
    expect(() => japaneseEra(parseIsoDate('1872-12-31'))).toThrow(RangeError);
    expect(errorsOf({ ...base, birthDate: '1872-12-31' })).toEqual([
      { field: 'applicant.birthDate', code: 'DATE_TOO_EARLY' },
    ]);
  });

  it('property: every date from 1873 has one era whose year count starts at 1', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1873-01-01T00:00:00Z'),
          max: new Date('2200-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const local = {
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
          };
          const { year } = japaneseEra(local);
          expect(year).toBeGreaterThanOrEqual(1);
          expect(birthDateOnCard(local).western).toBe(`${local.year}年${local.month}月${local.day}日`);
        },
      ),
    );
  });
});

describe('sex placement per card profile', () => {
  it('keeps the legacy card on the front and puts next-gen where configured (chip only here)', () => {
    expect(CHIP_ONLY).toEqual({ 'legacy-rsa2048': 'front', 'next-gen': 'chip-only' });
    const layout = cardFaceLayout('next-gen', { alias: false, formerSurname: false }, CHIP_ONLY);
    expect(layout.chipOnly).toEqual(['sex']);
    expect(layout.front).not.toContain('sex');
    expect(layout.back).not.toContain('sex');
  });

  it.each(['front', 'back', 'chip-only'] as const)('places sex %s when configured so', (placement) => {
    const policy = sexPlacementPolicy(placement);
    const layout = cardFaceLayout('next-gen', { alias: false, formerSurname: false }, policy);
    const where = placement === 'front' ? layout.front : placement === 'back' ? layout.back : layout.chipOnly;
    expect(where).toContain('sex');
    expect(
      [...layout.front, ...layout.back, ...layout.chipOnly].filter((item) => item === 'sex'),
    ).toHaveLength(1);
  });

  it('keeps the legacy card as today: sex on the front', () => {
    const layout = cardFaceLayout(
      'legacy-rsa2048',
      { alias: false, formerSurname: false },
      sexPlacementPolicy('chip-only'),
    );
    expect(layout.front).toContain('sex');
  });

  it('prints the alias and former surname when present, romaji on the next-gen front and in the legacy notes', () => {
    const next = cardFaceLayout('next-gen', { alias: true, formerSurname: true }, CHIP_ONLY);
    expect(next.front).toEqual(
      expect.arrayContaining(['name', 'alias', 'formerSurname', 'furigana', 'romaji']),
    );
    const legacy = cardFaceLayout('legacy-rsa2048', { alias: false, formerSurname: false }, CHIP_ONLY);
    expect(legacy.notes).toEqual(['romaji', 'birthDateWestern']);
    expect(legacy.front).not.toContain('alias');
  });
});

describe('Unicode normalisation', () => {
  it('folds full-width ASCII, widens half-width katakana and composes to NFC', () => {
    expect(normalizeText('ｻﾄｳ ﾖｳｺ')).toBe('サトウ ヨウコ');
    expect(normalizeText('ｶﾞｯｺｳ')).toBe('ガッコウ');
    expect(normalizeText('１２３ＡＢＣ')).toBe('123ABC');
    expect(normalizeText('か\u3099')).toBe('が');
    // Kanji and the ideographic space are left as they are.
    expect(normalizeText('髙橋\u3000﨑')).toBe('髙橋\u3000﨑');
  });

  it('rejects control, format, private-use and lone surrogate characters', () => {
    for (const bad of [
      'a\u0000',
      'a\u200b',
      'a\u202e',
      '\ue000',
      'a\ud800',
      '\ufeffa',
      'a\ufffd',
      '\uffff',
      '\u{10FFFF}',
    ]) {
      expect(textProblem(bad, 50)).toBe('FORBIDDEN_CHARACTER');
    }
    expect(textProblem('か\u3099', 50)).toBe('NOT_NFC');
  });

  it('property: normalising is idempotent and never leaves half-width katakana or full-width ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
        expect(once).not.toMatch(/[\uFF01-\uFF5E\uFF66-\uFF9D]/u);
      }),
    );
  });
});

describe('print font coverage', () => {
  const coverage = { has: (codePoint: number) => codePoint < 0x20000 };

  it('lists the characters the font lacks, by field, once each', () => {
    expect(missingGlyphs('𠮷野𠮷', coverage)).toEqual(['U+20BB7']);
    expect(missingGlyphs('吉野\u3000太郎', coverage)).toEqual([]);
    const fields = unprintableFields(printedText({ ...base, familyName: '𠮷田' }), coverage);
    expect(fields).toEqual([{ field: 'applicant.familyName', codePoints: ['U+20BB7'] }]);
  });
});

describe('check digits (properties)', () => {
  const digits = (length: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
  const myNumber = digits(11).map((first) => first + myNumberCheckDigit(first));
  const localGovernmentCode = digits(5).map((first) => first + localGovernmentCodeCheckDigit(first));

  /** Σ Pn·Qn mod 11 over the first 11 digits, as the ordinance defines it. */
  const remainder = (first11: string) => {
    let sum = 0;
    for (let n = 1; n <= 11; n += 1) sum += Number(first11[11 - n]) * (n <= 6 ? n + 1 : n - 5);
    return sum % 11;
  };

  it('generated valid my numbers pass, and a single-digit change is caught unless it only swaps remainders 0 and 1', () => {
    // Every weight is prime to 11, so a one-digit change always moves the remainder; the one blind spot of the
    // scheme is that remainders 0 and 1 share the check digit 0.
    fc.assert(
      fc.property(
        myNumber,
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 9 }),
        (number, at, delta) => {
          expect(isValidMyNumber(number)).toBe(true);
          const corrupted =
            number.slice(0, at) + String((Number(number[at]) + delta) % 10) + number.slice(at + 1);
          const blindSpot =
            at < 11 &&
            new Set([remainder(number.slice(0, 11)), remainder(corrupted.slice(0, 11))]).size === 2 &&
            [0, 1].includes(remainder(number.slice(0, 11))) &&
            [0, 1].includes(remainder(corrupted.slice(0, 11)));
          expect(isValidMyNumber(corrupted)).toBe(blindSpot);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('catches every single-digit change of the check digit itself', () => {
    fc.assert(
      fc.property(myNumber, fc.integer({ min: 1, max: 9 }), (number, delta) => {
        const corrupted = number.slice(0, 11) + String((Number(number[11]) + delta) % 10);
        expect(isValidMyNumber(corrupted)).toBe(false);
      }),
    );
  });

  it('generated valid local government codes pass', () => {
    fc.assert(
      fc.property(localGovernmentCode, (code) => expect(isValidLocalGovernmentCode(code)).toBe(true)),
    );
  });

  it('property: a generated valid applicant passes validation', () => {
    const katakana = fc
      .array(
        fc.constantFrom(
          ...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワガギグゲゴザジズゼゾダデドバビブベボパピプペポ',
        ),
        { minLength: 1, maxLength: 8 },
      )
      .map((chars) => chars.join(''));
    const kanji = fc
      .array(fc.constantFrom(...'山田川本中村小林高橋佐藤鈴木渡辺伊加吉松井上'), {
        minLength: 1,
        maxLength: 4,
      })
      .map((chars) => chars.join(''));
    const applicant = fc.record({
      familyName: kanji,
      givenName: kanji,
      familyNameKana: katakana,
      givenNameKana: katakana,
      birthDate: fc
        .date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2025-06-15T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString().slice(0, 10)),
      sex: fc.constantFrom('1', '2', '9'),
      address: fc.record({
        prefecture: fc.constant('東京都'),
        municipality: kanji,
        line: kanji,
        postalCode: digits(7),
      }),
      localGovernmentCode: digits(3).map((rest) => {
        const first = `13${rest}`;
        return first + localGovernmentCodeCheckDigit(first);
      }),
      myNumber,
    });
    fc.assert(
      fc.property(applicant, (input) => {
        const result = validateApplicant(input, { today });
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect(isPassportSpelling(result.value.romaji.familyName)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
