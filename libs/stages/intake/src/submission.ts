import {
  normalizeApplicantInput,
  validateApplicant,
  type DomainValidationError,
  type ValidApplicant,
} from '@mnc/domain-applicant';
import { MAX_PHOTO_BYTES, sniffImageType, type PhotoMediaType } from './photo';

export { MAX_PHOTO_BYTES, sniffImageType } from './photo';

export const CHANNELS = ['counter', 'online', 'paper', 'lost-card-reissue'] as const;
export const ROUTES = ['normal', 'express'] as const;
export const CARD_PROFILES = ['legacy-rsa2048', 'next-gen'] as const;
/** Identity documents a counter official may check (IAL3: in person, photo ID). */
export const IDENTITY_DOCUMENTS = [
  'my-number-card',
  'passport',
  'driving-licence',
  'residence-card',
  'other-photo-id',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** Who vouched for the application: the counter official who checked identity, or the paper-form operator. */
export interface Attestation {
  readonly officialId: string;
  readonly officialName?: string;
  readonly document?: (typeof IDENTITY_DOCUMENTS)[number];
}

/** A submission as intake accepts it, after every check; personal data only in `applicant` and `photo`. */
export interface ValidSubmission {
  readonly channel: Channel;
  readonly route: 'normal' | 'express';
  readonly cardProfile: 'legacy-rsa2048' | 'next-gen';
  readonly applicant: ValidApplicant;
  /** Counter: the identity check; paper: the operator who keyed the form; online: none. */
  readonly attestation?: Attestation;
  readonly photo: { readonly mediaType: PhotoMediaType; readonly bytes: Buffer };
}

export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

const MESSAGES: Record<string, string> = {
  REQUIRED: 'is required',
  NOT_AN_OBJECT: 'must be an object',
  NOT_A_STRING: 'must be a string',
  TOO_LONG: 'is too long',
  NOT_NFC: 'must be NFC-normalised Unicode',
  FORBIDDEN_CHARACTER: 'contains a control, format, private-use or unpaired surrogate character',
  KANA_NOT_KATAKANA: 'must be written in katakana',
  DATE_FORMAT: 'must be a date as YYYY-MM-DD',
  DATE_INVALID: 'is not a calendar date',
  DATE_IN_FUTURE: 'is in the future',
  DATE_TOO_EARLY: 'is before 1873-01-01',
  SEX_CODE: "must be '1', '2' or '9'",
  PREFECTURE_UNKNOWN: 'is not a prefecture of Japan',
  POSTAL_CODE_FORMAT: 'must be 7 digits',
  MY_NUMBER_FORMAT: 'must be 12 digits',
  MY_NUMBER_CHECK_DIGIT: 'has a wrong check digit',
  LOCAL_GOVERNMENT_CODE_FORMAT: 'must be 6 digits',
  LOCAL_GOVERNMENT_CODE_CHECK_DIGIT: 'has a wrong check digit',
  LOCAL_GOVERNMENT_CODE_PREFECTURE_MISMATCH: 'does not belong to the prefecture given',
  ROMAJI_FORMAT: 'must be upper-case Latin letters (A-Z), parts separated by one space or hyphen',
  ROMAJI_NOT_HEPBURN: 'is not the passport Hepburn spelling of the furigana',
  ROMAJI_PASSPORT_MISMATCH: 'does not match the passport spelling',
  ONE_OF: 'is not one of the allowed values',
  BASE64: 'must be base64',
  PHOTO_TOO_LARGE: `must be at most ${MAX_PHOTO_BYTES} bytes`,
  PHOTO_TYPE: 'must be a JPEG or PNG file (checked from its content)',
  PHOTO_TYPE_MISMATCH: 'does not match the content of the file',
  EXPRESS_REQUIRED: "must be 'express' for a lost-card reissue",
  STAFF_ID: 'must be 1 to 64 letters, digits, dots, hyphens or underscores',
};

export function fieldError(field: string, code: string): FieldError {
  return { field, code, message: `${field} ${MESSAGES[code] ?? 'is invalid'}` };
}

/** Bytes that base64 text (already checked against the alphabet) decodes to, without decoding it. */
function base64DecodedLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor(((data.length - padding) * 3) / 4);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

const STAFF_ID = /^[A-Za-z0-9._-]{1,64}$/;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function attestationFor(
  channel: unknown,
  input: Record<string, unknown>,
  errors: FieldError[],
): Attestation | undefined {
  const field = channel === 'counter' ? 'identityCheck' : channel === 'paper' ? 'keyedBy' : undefined;
  if (!field) return undefined;
  const value = input[field];
  if (!isRecord(value)) {
    errors.push(fieldError(field, value === undefined || value === null ? 'REQUIRED' : 'NOT_AN_OBJECT'));
    return undefined;
  }
  const before = errors.length;
  const officialId = value['officialId'];
  if (typeof officialId !== 'string' || !STAFF_ID.test(officialId)) {
    errors.push(fieldError(`${field}.officialId`, officialId === undefined ? 'REQUIRED' : 'STAFF_ID'));
  }
  const officialName = value['officialName'];
  if (channel === 'counter') {
    // IAL3 asks for a named official: the name is part of the record of the check.
    if (typeof officialName !== 'string' || officialName.trim() === '') {
      errors.push(
        fieldError(`${field}.officialName`, officialName === undefined ? 'REQUIRED' : 'NOT_A_STRING'),
      );
    } else if ([...officialName].length > 50 || /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u.test(officialName)) {
      errors.push(fieldError(`${field}.officialName`, 'FORBIDDEN_CHARACTER'));
    }
    if (!oneOf(value['document'], IDENTITY_DOCUMENTS)) {
      errors.push(fieldError(`${field}.document`, value['document'] === undefined ? 'REQUIRED' : 'ONE_OF'));
    }
  }
  if (errors.length > before) return undefined;
  return channel === 'counter'
    ? {
        officialId: officialId as string,
        officialName: (officialName as string).normalize('NFC'),
        document: value['document'] as Attestation['document'],
      }
    : { officialId: officialId as string };
}

/**
 * Checks a submission field by field and reports every problem at once. Pure: `today` is given. The photo
 * comes either inline (`photo.data`, base64) or, for multipart requests, as the uploaded file; its full
 * decode check is {@link checkPhoto}'s, after this one.
 */
export function parseSubmission(
  body: unknown,
  today: string,
  upload?: { readonly bytes: Buffer; readonly mediaType?: string },
): { ok: true; value: ValidSubmission } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input = isRecord(body) ? body : {};
  if (!isRecord(body)) errors.push(fieldError('body', 'NOT_AN_OBJECT'));

  if (!oneOf(input['channel'], CHANNELS))
    errors.push(fieldError('channel', input['channel'] === undefined ? 'REQUIRED' : 'ONE_OF'));
  if (!oneOf(input['route'], ROUTES))
    errors.push(fieldError('route', input['route'] === undefined ? 'REQUIRED' : 'ONE_OF'));
  else if (input['channel'] === 'lost-card-reissue' && input['route'] !== 'express')
    errors.push(fieldError('route', 'EXPRESS_REQUIRED'));
  const cardProfile = input['cardProfile'] ?? 'next-gen';
  if (!oneOf(cardProfile, CARD_PROFILES)) errors.push(fieldError('cardProfile', 'ONE_OF'));
  const attestation = attestationFor(input['channel'], input, errors);

  // Input from keyboards, IMEs and OCR is normalised on purpose (NFC, character widths) before the checks.
  const applicant = validateApplicant(normalizeApplicantInput(input['applicant']), { today });
  if (input['applicant'] === undefined) errors.push(fieldError('applicant', 'REQUIRED'));
  else if (!applicant.ok)
    errors.push(...applicant.errors.map((e: DomainValidationError) => fieldError(e.field, e.code)));

  const photo = upload ? uploadedPhoto(upload, errors) : inlinePhoto(input['photo'], errors);

  if (errors.length > 0 || !applicant.ok || !photo) return { ok: false, errors };
  return {
    ok: true,
    value: {
      channel: input['channel'] as Channel,
      route: input['route'] as ValidSubmission['route'],
      cardProfile: cardProfile as ValidSubmission['cardProfile'],
      applicant: applicant.value,
      ...(attestation ? { attestation } : {}),
      photo,
    },
  };
}

function uploadedPhoto(
  upload: { readonly bytes: Buffer; readonly mediaType?: string },
  errors: FieldError[],
): ValidSubmission['photo'] | undefined {
  if (upload.bytes.length === 0) return void errors.push(fieldError('photo', 'REQUIRED'));
  if (upload.bytes.length > MAX_PHOTO_BYTES) return void errors.push(fieldError('photo', 'PHOTO_TOO_LARGE'));
  const sniffed = sniffImageType(upload.bytes);
  if (!sniffed) return void errors.push(fieldError('photo', 'PHOTO_TYPE'));
  if (upload.mediaType && upload.mediaType !== 'application/octet-stream' && upload.mediaType !== sniffed) {
    return void errors.push(fieldError('photo', 'PHOTO_TYPE_MISMATCH'));
  }
  return { mediaType: sniffed, bytes: upload.bytes };
}

function inlinePhoto(rawPhoto: unknown, errors: FieldError[]): ValidSubmission['photo'] | undefined {
  if (!isRecord(rawPhoto)) {
    errors.push(fieldError('photo', rawPhoto === undefined ? 'REQUIRED' : 'NOT_AN_OBJECT'));
    return undefined;
  }
  const data = rawPhoto['data'];
  if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
    errors.push(fieldError('photo.data', data === undefined ? 'REQUIRED' : 'BASE64'));
    return undefined;
  }
  if (base64DecodedLength(data) > MAX_PHOTO_BYTES) {
    errors.push(fieldError('photo.data', 'PHOTO_TOO_LARGE'));
    return undefined;
  }
  const bytes = Buffer.from(data, 'base64');
  const sniffed = sniffImageType(bytes);
  if (!sniffed) {
    errors.push(fieldError('photo.data', 'PHOTO_TYPE'));
    return undefined;
  }
  if (rawPhoto['mediaType'] !== undefined && rawPhoto['mediaType'] !== sniffed) {
    errors.push(fieldError('photo.mediaType', 'PHOTO_TYPE_MISMATCH'));
    return undefined;
  }
  return { mediaType: sniffed, bytes };
}
