import { types } from 'node:util';
import { stdSerializers } from 'pino';

export const REDACTED = '[redacted]';
export const MY_NUMBER_MASK = '[redacted-12-digits]';

/** Keys whose values are personal data or secrets; redacted wherever they appear. */
export const SENSITIVE_KEYS = [
  'name',
  'familyName',
  'givenName',
  'kana',
  'romaji',
  'address',
  'birthDate',
  'dateOfBirth',
  'sex',
  'myNumber',
  'photo',
  'image',
  'password',
  'pin',
  'puk',
  'securityCode',
  'masterKey',
] as const;

// Matched case- and separator-insensitively (my_number, MyNumber, my-number).
const normaliseKey = (key: string): string => key.replace(/[-_]/g, '').toLowerCase();
const SENSITIVE_KEY_SET = new Set<string>(SENSITIVE_KEYS.map(normaliseKey));

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY_SET.has(normaliseKey(key));

// Full-width digits count too: Japanese input forms often produce them.
const D = '[0-9\\uFF10-\\uFF19]';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// UUIDs are matched first and kept: application and event ids are UUIDv7, whose last group can be 12 digits.
// Printed cards group a my number as "1234 5678 9012", so that form is masked too.
const UUID_OR_MY_NUMBER = new RegExp(
  `(${UUID})|(?<!${D})${D}{12}(?!${D})|(?<!${D}[ -]?)${D}{4}([ -])${D}{4}\\2${D}{4}(?![ -]?${D})`,
  'g',
);

/** Masks anything that looks like a my number (a run of exactly 12 digits) in free text. */
export function scrubMyNumbers(text: string): string {
  return text.replace(UUID_OR_MY_NUMBER, (match: string, uuid: string | undefined) =>
    uuid === undefined ? MY_NUMBER_MASK : match,
  );
}

const isTwelveDigitInteger = (value: number | bigint): boolean => {
  const magnitude = value < 0 ? -value : value;
  return typeof value === 'bigint'
    ? magnitude >= 100_000_000_000n && magnitude < 1_000_000_000_000n
    : Number.isInteger(value) && magnitude >= 1e11 && magnitude < 1e12;
};

// OpenTelemetry ids are hex and may contain 12-digit runs by chance; they are never personal data.
const HEX_ID_KEYS = new Set(['traceId', 'spanId']);
const HEX_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const MAX_DEPTH = 10;

/**
 * Returns a scrubbed copy of a log record: sensitive keys redacted at any depth (pino's redact paths only
 * reach two levels), my-number-like strings and 12-digit integers masked, binary data (photos) elided and
 * errors serialised first so their message and stack are scrubbed as well. Never mutates the input.
 */
export function scrubLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return scrubObject(fields, 0, new WeakSet([fields]));
}

function scrubObject(obj: object, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (isSensitiveKey(key)) out[key] = REDACTED;
    else if (HEX_ID_KEYS.has(key) && typeof value === 'string' && HEX_ID.test(value)) out[key] = value;
    else out[key] = scrubValue(value, depth + 1, seen);
  }
  return out;
}

function scrubValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubMyNumbers(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    return isTwelveDigitInteger(value) ? MY_NUMBER_MASK : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    // isNativeError also catches errors from another realm (vm contexts, jest), which fail instanceof.
    if (value instanceof Error || types.isNativeError(value))
      return scrubObject(stdSerializers.err(value), depth, seen);
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return scrubValue(toJSON.call(value), depth, seen);
    return scrubObject(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}
