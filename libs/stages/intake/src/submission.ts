import { validateApplicant, type Applicant, type DomainValidationError } from '@mnc/domain-applicant';

/** A submission as intake accepts it, after every check; personal data only in `applicant` and `photo`. */
export interface ValidSubmission {
  readonly channel: 'counter' | 'online' | 'paper' | 'lost-card-reissue';
  readonly route: 'normal' | 'express';
  readonly cardProfile: 'legacy-rsa2048' | 'next-gen';
  readonly applicant: Applicant;
  readonly photo: { readonly mediaType: 'image/jpeg' | 'image/png'; readonly bytes: Buffer };
}

export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const MESSAGES: Record<string, string> = {
  REQUIRED: 'is required',
  NOT_AN_OBJECT: 'must be an object',
  NOT_A_STRING: 'must be a string',
  TOO_LONG: 'is too long',
  NOT_NFC: 'must be NFC-normalised Unicode',
  FORBIDDEN_CHARACTER: 'contains a control or private-use character',
  KANA_NOT_KATAKANA: 'must be written in katakana',
  DATE_FORMAT: 'must be a date as YYYY-MM-DD',
  DATE_INVALID: 'is not a calendar date',
  DATE_IN_FUTURE: 'is in the future',
  SEX_CODE: "must be '1', '2' or '9'",
  PREFECTURE_UNKNOWN: 'is not a prefecture of Japan',
  POSTAL_CODE_FORMAT: 'must be 7 digits',
  MY_NUMBER_FORMAT: 'must be 12 digits',
  MY_NUMBER_CHECK_DIGIT: 'has a wrong check digit',
  LOCAL_GOVERNMENT_CODE_FORMAT: 'must be 6 digits',
  LOCAL_GOVERNMENT_CODE_CHECK_DIGIT: 'has a wrong check digit',
  LOCAL_GOVERNMENT_CODE_PREFECTURE_MISMATCH: 'does not belong to the prefecture given',
  ONE_OF: 'is not one of the allowed values',
  BASE64: 'must be base64',
  PHOTO_TOO_LARGE: `must be at most ${MAX_PHOTO_BYTES} bytes`,
  PHOTO_TYPE: 'must be a JPEG or PNG file (checked from its content)',
  PHOTO_TYPE_MISMATCH: 'does not match the content of the file',
};

function fieldError(field: string, code: string): FieldError {
  return { field, code, message: `${field} ${MESSAGES[code] ?? 'is invalid'}` };
}

/** Tells the image type from its first bytes: the declared type and the file name are not trusted. */
export function sniffImageType(bytes: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  return undefined;
}

/** Bytes that base64 text (already checked against the alphabet) decodes to, without decoding it. */
function base64DecodedLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor(((data.length - padding) * 3) / 4);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Checks a JSON submission field by field and reports every problem at once. Pure: `today` is given. */
export function parseSubmission(
  body: unknown,
  today: string,
): { ok: true; value: ValidSubmission } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    errors.push(fieldError('body', 'NOT_AN_OBJECT'));

  const channels = ['counter', 'online', 'paper', 'lost-card-reissue'] as const;
  const routes = ['normal', 'express'] as const;
  const profiles = ['legacy-rsa2048', 'next-gen'] as const;
  if (!oneOf(input.channel, channels))
    errors.push(fieldError('channel', input.channel === undefined ? 'REQUIRED' : 'ONE_OF'));
  if (!oneOf(input.route, routes))
    errors.push(fieldError('route', input.route === undefined ? 'REQUIRED' : 'ONE_OF'));
  const cardProfile = input.cardProfile ?? 'next-gen';
  if (!oneOf(cardProfile, profiles)) errors.push(fieldError('cardProfile', 'ONE_OF'));

  const applicant = validateApplicant(input.applicant, { today });
  if (input.applicant === undefined) errors.push(fieldError('applicant', 'REQUIRED'));
  else if (!applicant.ok)
    errors.push(...applicant.errors.map((e: DomainValidationError) => fieldError(e.field, e.code)));

  let photo: ValidSubmission['photo'] | undefined;
  const rawPhoto = input.photo as { mediaType?: unknown; data?: unknown } | undefined;
  if (typeof rawPhoto !== 'object' || rawPhoto === null) {
    errors.push(fieldError('photo', rawPhoto === undefined ? 'REQUIRED' : 'NOT_AN_OBJECT'));
  } else if (typeof rawPhoto.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(rawPhoto.data)) {
    errors.push(fieldError('photo.data', rawPhoto.data === undefined ? 'REQUIRED' : 'BASE64'));
  } else if (base64DecodedLength(rawPhoto.data) > MAX_PHOTO_BYTES) {
    errors.push(fieldError('photo.data', 'PHOTO_TOO_LARGE'));
  } else {
    const bytes = Buffer.from(rawPhoto.data, 'base64');
    const sniffed = sniffImageType(bytes);
    if (!sniffed) errors.push(fieldError('photo.data', 'PHOTO_TYPE'));
    else if (rawPhoto.mediaType !== undefined && rawPhoto.mediaType !== sniffed) {
      errors.push(fieldError('photo.mediaType', 'PHOTO_TYPE_MISMATCH'));
    } else photo = { mediaType: sniffed, bytes };
  }

  if (errors.length > 0 || !applicant.ok || !photo) return { ok: false, errors };
  return {
    ok: true,
    value: {
      channel: input.channel as ValidSubmission['channel'],
      route: input.route as ValidSubmission['route'],
      cardProfile: cardProfile as ValidSubmission['cardProfile'],
      applicant: applicant.value,
      photo,
    },
  };
}
