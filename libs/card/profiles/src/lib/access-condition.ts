// When a file may be read or a key used. `pin` is satisfied when any one of the listed PIN objects (FIDs of
// the current AP) has been verified since the AP was selected.
export type AccessCondition =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  | { readonly kind: 'pin'; readonly anyOf: readonly number[] };

export type AccessConditionKind = AccessCondition['kind'];

export const ALWAYS: AccessCondition = Object.freeze({ kind: 'always' });
export const NEVER: AccessCondition = Object.freeze({ kind: 'never' });

export function afterPin(...anyOf: number[]): AccessCondition {
  if (anyOf.length === 0 || anyOf.some((fid) => !isShortFid(fid))) {
    throw new RangeError('a PIN condition names 1..n PIN objects with FIDs 0001..001E');
  }
  return Object.freeze({ kind: 'pin', anyOf: Object.freeze([...new Set(anyOf)].sort((a, b) => a - b)) });
}

/**
 * Encoding in CREATE FILE tag 86: one byte 00 = always, one byte FF = never; otherwise 1..8 bytes, each the
 * FID (0001..001E, which is also its short identifier) of a PIN object that opens the file.
 */
export const ACCESS_CONDITION_BYTE = { always: 0x00, never: 0xff } as const;

export function encodeAccessCondition(condition: AccessCondition): Uint8Array {
  switch (condition.kind) {
    case 'always':
      return Uint8Array.of(ACCESS_CONDITION_BYTE.always);
    case 'never':
      return Uint8Array.of(ACCESS_CONDITION_BYTE.never);
    case 'pin':
      return Uint8Array.from(condition.anyOf);
  }
}

export function decodeAccessCondition(bytes: Uint8Array): AccessCondition | undefined {
  if (bytes.length === 1 && bytes[0] === ACCESS_CONDITION_BYTE.always) return ALWAYS;
  if (bytes.length === 1 && bytes[0] === ACCESS_CONDITION_BYTE.never) return NEVER;
  if (bytes.length === 0 || bytes.length > 8 || ![...bytes].every(isShortFid)) return undefined;
  if (new Set(bytes).size !== bytes.length) return undefined;
  return afterPin(...bytes);
}

export function isAccessCondition(value: unknown): value is AccessCondition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { kind?: unknown; anyOf?: unknown };
  if (candidate.kind === 'always' || candidate.kind === 'never') return true;
  return (
    candidate.kind === 'pin' &&
    Array.isArray(candidate.anyOf) &&
    candidate.anyOf.length > 0 &&
    candidate.anyOf.every(isShortFid)
  );
}

export function describeAccessCondition(condition: AccessCondition): string {
  if (condition.kind !== 'pin') return condition.kind;
  return `PIN ${condition.anyOf.map((fid) => fid.toString(16).toUpperCase().padStart(4, '0')).join(' or ')}`;
}

function isShortFid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0x01 && value <= 0x1e;
}
