import { isValidLocalGovernmentCode, isValidMyNumber } from './check-digits';
import {
  compareLocalDates,
  hasIsoDateShape,
  type IsoDate,
  type LocalDate,
  parseIsoDate,
  tryParseIsoDate,
} from './local-date';
import { isPrefecture, prefectureCode } from './prefectures';
import { isKatakana, textProblem } from './text';
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

/** The applicant as the walking skeleton knows them. Later issues add alias, former surname, romaji, ... */
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
}

/**
 * Project bounds in code points, to keep absurd input out of the pipeline; they are not statutory limits
 * and get revisited when the card face layout is fixed.
 */
export const APPLICANT_TEXT_LIMITS = {
  name: 50,
  kana: 100,
  municipality: 50,
  addressLine: 200,
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
 */
export function validateApplicant(
  input: unknown,
  context: ApplicantValidationContext,
): ValidationResult<Applicant> {
  const today = parseIsoDate(context.today, 'context.today');
  if (!isRecord(input)) return { ok: false, errors: [{ field: 'applicant', code: 'NOT_AN_OBJECT' }] };

  const errors: DomainValidationError[] = [];
  const check = (field: string, problem: ValidationCode | undefined) => {
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

  if (errors.length > 0) return { ok: false, errors };
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
    },
  };
}

/** {@link validateApplicant} for callers that treat invalid data as a permanent failure. */
export function assertValidApplicant(input: unknown, context: ApplicantValidationContext): Applicant {
  const result = validateApplicant(input, context);
  if (!result.ok) throw new DomainValidationFailed(result.errors);
  return result.value;
}

/**
 * NFC-normalises every string field, for intake adapters that accept decomposed input (macOS, some IMEs)
 * and want to normalise deliberately before validating.
 */
export function normalizeApplicantInput(input: unknown): unknown {
  if (typeof input === 'string') return input.normalize('NFC');
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
