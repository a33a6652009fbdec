import { parseIsoDate, type IsoDate } from '@mnc/domain-applicant';
import type { CardProfile } from './card-profile';
import { eraYymmdd } from './japanese-era';

/**
 * The reference data (PINs, passwords, PUK) a card leaves the lane with. Next-gen: the resident sets the
 * PINs at hand-over with the PUK, so they start `unset` and the card refuses what they protect until then;
 * the PUK is generated at issuance and printed only in the PUK letter, which travels separately from the
 * card (the paper, PUK section). Legacy: today's card interface cannot set a PIN after personalisation, so
 * the JPKI signature password and user-authentication PIN get random initial values at issuance, written
 * at encoding and sent in a PIN letter apart from the card; the resident changes them after hand-over.
 */
export type PinFormat = 'digits-4' | 'alphanumeric-6-16' | 'digits-8';

export interface PinSlot {
  readonly id:
    'signature-password' | 'user-auth-pin' | 'resident-register-pin' | 'text-ap-pin' | 'pin' | 'puk';
  /** Card applications whose protected files or keys this reference data opens. */
  readonly opens: readonly ('jpki-signature' | 'jpki-user-auth' | 'resident-register' | 'text')[];
  readonly format: PinFormat;
  /** Wrong tries before the slot blocks. */
  readonly maxTries: number;
  /** `unset`: the resident sets it at hand-over; `set`: a value is written at issuance (PUK, legacy PINs). */
  readonly initialState: 'unset' | 'set';
  /** Whether the PUK can unblock it and set a new value (next-gen); legacy cards need a counter visit. */
  readonly unblockableByPuk: boolean;
}

/** Tries of the PUK itself: 3, as Estonia and Belgium (the paper lists 3-10); guessing odds 3 in 10^8. */
export const PUK_MAX_TRIES = 3;

const LEGACY_SLOTS: readonly PinSlot[] = [
  // Public facts of today's card (card-interface.md): 5 tries on the signature password, 3 on 4-digit PINs.
  {
    id: 'signature-password',
    opens: ['jpki-signature'],
    format: 'alphanumeric-6-16',
    maxTries: 5,
    initialState: 'set',
    unblockableByPuk: false,
  },
  {
    id: 'user-auth-pin',
    opens: ['jpki-user-auth'],
    format: 'digits-4',
    maxTries: 3,
    initialState: 'set',
    unblockableByPuk: false,
  },
  {
    id: 'resident-register-pin',
    opens: ['resident-register'],
    format: 'digits-4',
    maxTries: 3,
    initialState: 'unset',
    unblockableByPuk: false,
  },
  {
    id: 'text-ap-pin',
    opens: ['text'],
    format: 'digits-4',
    maxTries: 3,
    initialState: 'unset',
    unblockableByPuk: false,
  },
];

const NEXT_GEN_SLOTS: readonly PinSlot[] = [
  // The paper's proposal: two PINs, and a verified signature password also satisfies the 4-digit PIN.
  {
    id: 'signature-password',
    opens: ['jpki-signature', 'jpki-user-auth', 'resident-register', 'text'],
    format: 'alphanumeric-6-16',
    maxTries: 5,
    initialState: 'unset',
    unblockableByPuk: true,
  },
  {
    id: 'pin',
    opens: ['jpki-user-auth', 'resident-register', 'text'],
    format: 'digits-4',
    maxTries: 3,
    initialState: 'unset',
    unblockableByPuk: true,
  },
  {
    id: 'puk',
    opens: [],
    format: 'digits-8',
    maxTries: PUK_MAX_TRIES,
    initialState: 'set',
    unblockableByPuk: false,
  },
];

export function initialPinState(profile: CardProfile): readonly PinSlot[] {
  return profile === 'legacy-rsa2048' ? LEGACY_SLOTS : NEXT_GEN_SLOTS;
}

export type PinRefusal = 'FORMAT' | 'EQUALS_BIRTH_DATE' | 'EQUALS_SECURITY_CODE';

/**
 * Checks a PIN the resident chooses. The paper: the 4-digit PINs may share one value, but must not be the
 * birth date or the security code. "Birth date" as 4 digits is read as MMDD, or the last 4 digits of
 * YYYYMMDD / the era YYMMDD (the same MMDD), or the Western year.
 */
export function checkChosenPin(
  format: PinFormat,
  value: string,
  facts: { readonly birthDate: IsoDate; readonly securityCode: string },
): PinRefusal | undefined {
  const shape = {
    'digits-4': /^[0-9]{4}$/,
    'digits-8': /^[0-9]{8}$/,
    'alphanumeric-6-16': /^[A-Z0-9]{6,16}$/,
  }[format];
  if (!shape.test(value)) return 'FORMAT';
  if (format !== 'digits-4') return undefined;
  const birth = parseIsoDate(facts.birthDate, 'birthDate');
  const mmdd = eraYymmdd(facts.birthDate).slice(2);
  if (value === mmdd || value === String(birth.year)) return 'EQUALS_BIRTH_DATE';
  if (value === facts.securityCode) return 'EQUALS_SECURITY_CODE';
  return undefined;
}
