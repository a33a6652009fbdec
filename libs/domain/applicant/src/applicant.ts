import { isValidLocalGovernmentCode, isValidMyNumber } from './check-digits';
import {
  compareLocalDates,
  hasIsoDateShape,
  type IsoDate,
  type LocalDate,
  parseIsoDate,
  tryParseIsoDate,
} from './local-date';
import { EARLIEST_ERA_DATE } from './era';
import { isPrefecture, prefectureCode } from './prefectures';
import { isPassportSpelling, passportHepburn } from './romaji';
import { codePointLength, isKatakana, normalizeText, textProblem } from './text';
import {
  type DomainValidationError,
  DomainValidationFailed,
  type ValidationCode,
  type ValidationResult,
} from './validation';

/** Sex as printed on the card (ISO/IEC 5218 codes): 1 male, 2 female, 9 not applicable. */
export type Sex = '1' | '2' | '9';
export const SEX_CODES: readonly Sex[] = ['1', '2', '9'];

export interface Address {
  readonly prefecture: string;
  readonly municipality: string;
  /** Everything after the municipality: town, block and building. */
  readonly line: string;
  /** Seven ASCII digits, no hyphen. */
  readonly postalCode: string;
}

/** A name in Latin letters as a passport writes it (upper case, no long-vowel marks). */
export interface RomajiName {
  readonly familyName: string;
  readonly givenName: string;
}

/** 通称: a registered alias (foreign residents, mostly), printed beside the legal name. */
export interface Alias {
  readonly name: string;
  readonly kana: string;
}

/** 旧氏: a former surname the applicant asked to have printed (married name change). */
export interface FormerSurname {
  readonly familyName: string;
  readonly familyNameKana: string;
}

/**
 * The applicant as the card face needs them. The optional fields are optional in stored records written
 * before they existed; {@link validateApplicant} always fills `romaji`.
 */
export interface Applicant {
  readonly familyName: string;
  readonly givenName: string;
  readonly familyNameKana: string;
  readonly givenNameKana: string;
  readonly birthDate: IsoDate;
  readonly sex: Sex;
  readonly address: Address;
  /** Six digits with check digit: the municipality the applicant is registered in. */
  readonly localGovernmentCode: string;
  readonly myNumber: string;
  readonly romaji?: RomajiName;
  readonly alias?: Alias;
  readonly formerSurname?: FormerSurname;
}

/** What validation returns: the romaji name is always there, from the passport or derived from the furigana. */
export type ValidApplicant = Applicant & { readonly romaji: RomajiName };

/**
 * Project bounds in code points, to keep absurd input out of the pipeline; they are not statutory limits
 * and get revisited when the card face layout is fixed.
 */
export const APPLICANT_TEXT_LIMITS = {
  name: 50,
  kana: 100,
  municipality: 50,
  addressLine: 200,
  romaji: 100,
} as const;

export interface ApplicantValidationContext {
  /** Today's date in Japan, supplied by the caller so validation stays a pure function. */
  readonly today: IsoDate;
}

const POSTAL_CODE = /^\d{7}$/;
const SIX_DIGITS = /^\d{6}$/;
const TWELVE_DIGITS = /^\d{12}$/;

/**
 * Checks untrusted input field by field and returns every problem found (one per field: the first rule it
 * breaks). On success the value is a fresh `Applicant` holding only the known fields.
 *
 * Romaji: `passportSpelling` (the applicant's passport, when they have one) decides the printed romaji, and a
 * `romaji` sent beside it must match it. Without a passport, `romaji` may be omitted (it is derived from the
 * furigana in passport Hepburn) or must equal that derivation.
 */
export function validateApplicant(
  input: unknown,
  context: ApplicantValidationContext,
): ValidationResult<ValidApplicant> {
  const today = parseIsoDate(context.today, 'context.today');
  if (!isRecord(input)) return { ok: false, errors: [{ field: 'applicant', code: 'NOT_AN_OBJECT' }] };

  const errors: DomainValidationError[] = [];
  const check: Check = (field, problem) => {
    if (problem) errors.push({ field: `applicant.${field}`, code: problem });
  };
  check('familyName', textProblem(input['familyName'], APPLICANT_TEXT_LIMITS.name));
  check('givenName', textProblem(input['givenName'], APPLICANT_TEXT_LIMITS.name));
  check('familyNameKana', kanaProblem(input['familyNameKana']));
  check('givenNameKana', kanaProblem(input['givenNameKana']));
  check('birthDate', birthDateProblem(input['birthDate'], today));
  check('sex', sexProblem(input['sex']));

  const address = input['address'];
  if (!isRecord(address)) check('address', address === undefined ? 'REQUIRED' : 'NOT_AN_OBJECT');
  else {
    check('address.prefecture', prefectureProblem(address['prefecture']));
    check('address.municipality', textProblem(address['municipality'], APPLICANT_TEXT_LIMITS.municipality));
    check('address.line', textProblem(address['line'], APPLICANT_TEXT_LIMITS.addressLine));
    check('address.postalCode', postalCodeProblem(address['postalCode']));
  }
  const prefecture = isRecord(address) ? address['prefecture'] : undefined;
  check('localGovernmentCode', localGovernmentCodeProblem(input['localGovernmentCode'], prefecture));
  check('myNumber', myNumberProblem(input['myNumber']));

  const alias = optionalObject(input['alias'], 'alias', check);
  if (alias) {
    check('alias.name', textProblem(alias['name'], APPLICANT_TEXT_LIMITS.name));
    check('alias.kana', kanaProblem(alias['kana']));
  }
  const formerSurname = optionalObject(input['formerSurname'], 'formerSurname', check);
  if (formerSurname) {
    check('formerSurname.familyName', textProblem(formerSurname['familyName'], APPLICANT_TEXT_LIMITS.name));
    check('formerSurname.familyNameKana', kanaProblem(formerSurname['familyNameKana']));
  }
  const romaji = romajiFor(input, check);

  if (errors.length > 0 || !romaji) return { ok: false, errors };
  // Every field was checked above; this copy drops unknown properties.
  const valid = input as unknown as Applicant;
  return {
    ok: true,
    value: {
      familyName: valid.familyName,
      givenName: valid.givenName,
      familyNameKana: valid.familyNameKana,
      givenNameKana: valid.givenNameKana,
      birthDate: valid.birthDate,
      sex: valid.sex,
      address: {
        prefecture: valid.address.prefecture,
        municipality: valid.address.municipality,
        line: valid.address.line,
        postalCode: valid.address.postalCode,
      },
      localGovernmentCode: valid.localGovernmentCode,
      myNumber: valid.myNumber,
      romaji,
      ...(valid.alias ? { alias: { name: valid.alias.name, kana: valid.alias.kana } } : {}),
      ...(valid.formerSurname
        ? {
            formerSurname: {
              familyName: valid.formerSurname.familyName,
              familyNameKana: valid.formerSurname.familyNameKana,
            },
          }
        : {}),
    },
  };
}

type Check = (field: string, problem: ValidationCode | undefined) => void;

function optionalObject(value: unknown, field: string, check: Check): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    check(field, 'NOT_AN_OBJECT');
    return undefined;
  }
  return value;
}

function romajiNameProblems(value: Record<string, unknown>, field: string, check: Check): boolean {
  let ok = true;
  for (const part of ['familyName', 'givenName'] as const) {
    const problem =
      stringProblem(value[part]) ??
      (codePointLength(value[part] as string) > APPLICANT_TEXT_LIMITS.romaji ||
      !isPassportSpelling(value[part] as string)
        ? 'ROMAJI_FORMAT'
        : undefined);
    check(`${field}.${part}`, problem);
    if (problem) ok = false;
  }
  return ok;
}

/** The romaji to print, or undefined after reporting why there is none. */
function romajiFor(input: Record<string, unknown>, check: Check): RomajiName | undefined {
  const passport = optionalObject(input['passportSpelling'], 'passportSpelling', check);
  const given = optionalObject(input['romaji'], 'romaji', check);
  if (input['passportSpelling'] != null && !passport) return undefined;
  if (input['romaji'] != null && !given) return undefined;
  if (passport && !romajiNameProblems(passport, 'passportSpelling', check)) return undefined;
  if (given && !romajiNameProblems(given, 'romaji', check)) return undefined;
  let expected: RomajiName;
  let mismatch: ValidationCode;
  if (passport) {
    expected = { familyName: passport['familyName'] as string, givenName: passport['givenName'] as string };
    mismatch = 'ROMAJI_PASSPORT_MISMATCH';
  } else {
    const familyKana = input['familyNameKana'];
    const givenKana = input['givenNameKana'];
    // Without valid furigana there is nothing to derive from; the furigana errors are already reported.
    if (typeof familyKana !== 'string' || !isKatakana(familyKana)) return undefined;
    if (typeof givenKana !== 'string' || !isKatakana(givenKana)) return undefined;
    expected = { familyName: passportHepburn(familyKana), givenName: passportHepburn(givenKana) };
    mismatch = 'ROMAJI_NOT_HEPBURN';
  }
  // Furigana of iteration marks or prolonged sound marks alone give no spelling: it must then be sent.
  const derivable = (part: keyof RomajiName) => passport !== undefined || isPassportSpelling(expected[part]);
  if (!given) {
    const missing = (['familyName', 'givenName'] as const).filter((part) => !derivable(part));
    for (const part of missing) check(`romaji.${part}`, 'REQUIRED');
    return missing.length > 0 ? undefined : expected;
  }
  let ok = true;
  for (const part of ['familyName', 'givenName'] as const) {
    if (derivable(part) && given[part] !== expected[part]) {
      check(`romaji.${part}`, mismatch);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return { familyName: given['familyName'] as string, givenName: given['givenName'] as string };
}

/** The printed text fields of an applicant, by field path, for the print font's glyph check. */
export function printedText(applicant: Applicant): Record<string, string | undefined> {
  return {
    'applicant.familyName': applicant.familyName,
    'applicant.givenName': applicant.givenName,
    'applicant.familyNameKana': applicant.familyNameKana,
    'applicant.givenNameKana': applicant.givenNameKana,
    'applicant.address.prefecture': applicant.address.prefecture,
    'applicant.address.municipality': applicant.address.municipality,
    'applicant.address.line': applicant.address.line,
    'applicant.alias.name': applicant.alias?.name,
    'applicant.alias.kana': applicant.alias?.kana,
    'applicant.formerSurname.familyName': applicant.formerSurname?.familyName,
    'applicant.formerSurname.familyNameKana': applicant.formerSurname?.familyNameKana,
  };
}

/** {@link validateApplicant} for callers that treat invalid data as a permanent failure. */
export function assertValidApplicant(input: unknown, context: ApplicantValidationContext): ValidApplicant {
  const result = validateApplicant(input, context);
  if (!result.ok) throw new DomainValidationFailed(result.errors);
  return result.value;
}

/**
 * Normalises every string field ({@link normalizeText}: NFC, full-width ASCII to ASCII, half-width katakana
 * widened), for intake adapters that accept input from any keyboard, IME or OCR and normalise deliberately
 * before validating.
 */
export function normalizeApplicantInput(input: unknown): unknown {
  if (typeof input === 'string') return normalizeText(input);
  if (Array.isArray(input)) return input.map(normalizeApplicantInput);
  if (isRecord(input)) {
    return Object.fromEntries(
      Object.entries(input).map(([key, value]) => [key, normalizeApplicantInput(value)]),
    );
  }
  return input;
}

function stringProblem(value: unknown): ValidationCode | undefined {
  if (value === undefined || value === null) return 'REQUIRED';
  return typeof value === 'string' ? undefined : 'NOT_A_STRING';
}

function kanaProblem(value: unknown): ValidationCode | undefined {
  const problem = textProblem(value, APPLICANT_TEXT_LIMITS.kana);
  if (problem) return problem;
  return isKatakana(value as string) ? undefined : 'KANA_NOT_KATAKANA';
}

function birthDateProblem(value: unknown, today: LocalDate): ValidationCode | undefined {
  const problem = stringProblem(value);
  if (problem) return problem;
  if (!hasIsoDateShape(value as string)) return 'DATE_FORMAT';
  const date = tryParseIsoDate(value as string);
  if (!date) return 'DATE_INVALID';
  if (compareLocalDates(date, EARLIEST_ERA_DATE) < 0) return 'DATE_TOO_EARLY';
  return compareLocalDates(date, today) > 0 ? 'DATE_IN_FUTURE' : undefined;
}

function sexProblem(value: unknown): ValidationCode | undefined {
  if (value === undefined || value === null) return 'REQUIRED';
  return (SEX_CODES as readonly unknown[]).includes(value) ? undefined : 'SEX_CODE';
}

function prefectureProblem(value: unknown): ValidationCode | undefined {
  const problem = textProblem(value, APPLICANT_TEXT_LIMITS.municipality);
  if (problem) return problem;
  return isPrefecture(value as string) ? undefined : 'PREFECTURE_UNKNOWN';
}

function postalCodeProblem(value: unknown): ValidationCode | undefined {
  return stringProblem(value) ?? (POSTAL_CODE.test(value as string) ? undefined : 'POSTAL_CODE_FORMAT');
}

function localGovernmentCodeProblem(value: unknown, prefecture: unknown): ValidationCode | undefined {
  const problem = stringProblem(value);
  if (problem) return problem;
  const code = value as string;
  if (!SIX_DIGITS.test(code)) return 'LOCAL_GOVERNMENT_CODE_FORMAT';
  if (!isValidLocalGovernmentCode(code)) return 'LOCAL_GOVERNMENT_CODE_CHECK_DIGIT';
  // The first two digits name the prefecture: a mismatch means the address or the code is wrong.
  if (
    typeof prefecture === 'string' &&
    isPrefecture(prefecture) &&
    !code.startsWith(prefectureCode(prefecture))
  ) {
    return 'LOCAL_GOVERNMENT_CODE_PREFECTURE_MISMATCH';
  }
  return undefined;
}

function myNumberProblem(value: unknown): ValidationCode | undefined {
  const problem = stringProblem(value);
  if (problem) return problem;
  if (!TWELVE_DIGITS.test(value as string)) return 'MY_NUMBER_FORMAT';
  return isValidMyNumber(value as string) ? undefined : 'MY_NUMBER_CHECK_DIGIT';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
