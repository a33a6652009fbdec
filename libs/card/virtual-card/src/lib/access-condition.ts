// When a file may be read. A discriminated union so that PIN-based conditions (verified reference data of
// the current AP, e.g. { kind: 'pin', pinFid }) can be added without touching the existing kinds.

export type AccessCondition = { readonly kind: 'always' } | { readonly kind: 'never' };

export type AccessConditionKind = AccessCondition['kind'];

export const ALWAYS: AccessCondition = Object.freeze({ kind: 'always' });
export const NEVER: AccessCondition = Object.freeze({ kind: 'never' });

/**
 * One-byte encoding used in CREATE FILE (tag 86) and nowhere else: 00 = always, FF = never. Values in
 * between are reserved for PIN references.
 */
export const ACCESS_CONDITION_BYTE: Readonly<Record<AccessConditionKind, number>> = {
  always: 0x00,
  never: 0xff,
};

export function accessConditionFromByte(value: number): AccessCondition | undefined {
  if (value === ACCESS_CONDITION_BYTE.always) return ALWAYS;
  if (value === ACCESS_CONDITION_BYTE.never) return NEVER;
  return undefined;
}

export function isAccessCondition(value: unknown): value is AccessCondition {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'always' || kind === 'never';
}
