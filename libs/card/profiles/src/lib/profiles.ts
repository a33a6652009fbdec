// The two card profiles as data, shared by the card (which enforces them) and the host (which builds
// commands from them): ATR, the PIN objects and keys each AP carries, the files a personalisation creates
// with their access conditions, and the commands each profile answers.
//
// legacy-rsa2048 ATR: 3B E0 00 FF 81 31 FE 45 14 — what OpenSC's JPKI driver matches on.
// next-gen ATR: 3B E5 00 FF 81 31 FE 45 | 80 73 94 01 40 | 37 — T=1 only; historical bytes: 80 compact-TLV,
//   73 card capabilities (94: selection by DF name, FID and SFI; 01: one-byte data unit; 40: extended Lc/Le);
//   37 = TCK. No legacy driver claims it.
import { AccessCondition, afterPin, ALWAYS } from './access-condition';
import { ApplicationName, APPLICATION_NAMES } from './applications';
import { fromHex } from './bytes';
import { JPKI_FID, TEXT_FID, VISUAL_FID } from './identifiers';

export type CardProfile = 'legacy-rsa2048' | 'next-gen';
export const CARD_PROFILES: readonly CardProfile[] = ['legacy-rsa2048', 'next-gen'];

export type PinFormat = 'digits' | 'upper-alphanumeric';

export interface PinObjectDefinition {
  readonly fid: number;
  readonly label: string;
  readonly format: PinFormat;
  readonly minLength: number;
  readonly maxLength: number;
  readonly maxTries: number;
  /** The PUK object (same AP) RESET RETRY COUNTER takes to unblock and reset this PIN; none: no reset. */
  readonly resetBy?: number;
  /** Other PIN objects a successful VERIFY of this one also counts as verified (next-gen: 001B → 0018). */
  readonly alsoSatisfies?: readonly number[];
  /** A PUK is only presented in RESET RETRY COUNTER, never in VERIFY with data. */
  readonly role: 'pin' | 'puk';
}

export type KeyAlgorithm = 'rsa-2048' | 'ec-p256' | 'ec-p384';

export interface KeyObjectDefinition {
  readonly fid: number;
  readonly label: string;
  readonly algorithm: KeyAlgorithm;
  /** SIGN (80 2A) over a host-computed digest (RSA: DigestInfo), with this condition; absent: refused. */
  readonly sign?: AccessCondition;
  /** INTERNAL AUTHENTICATE (00 88) over a challenge the card hashes itself; absent: refused. */
  readonly internalAuthenticate?: AccessCondition;
}

export interface FileDefinition {
  readonly fid: number;
  readonly label: string;
  readonly readAccess: AccessCondition;
}

export interface ApplicationProfile {
  readonly pins: readonly PinObjectDefinition[];
  readonly keys: readonly KeyObjectDefinition[];
  /** Files a full personalisation creates (CREATE FILE takes any FID; these are the documented ones). */
  readonly files: readonly FileDefinition[];
}

export interface CardProfileDefinition {
  readonly profile: CardProfile;
  /** ATR as upper-case hex. */
  readonly atr: string;
  readonly applications: readonly ApplicationName[];
  readonly layout: Readonly<Record<ApplicationName, ApplicationProfile>>;
  /** Supported commands as "CLA INS" hex pairs, e.g. "00A4"; everything else is 6D00 (or 6E00 for the CLA). */
  readonly commands: readonly string[];
}

const digits = (
  fid: number,
  label: string,
  length: number,
  maxTries: number,
  extra: Partial<PinObjectDefinition> = {},
) =>
  ({
    fid,
    label,
    format: 'digits',
    minLength: length,
    maxLength: length,
    maxTries,
    role: 'pin',
    ...extra,
  }) as const;

const SIGNATURE_PASSWORD_BASE = {
  fid: JPKI_FID.SIGNATURE_PASSWORD,
  label: 'signature password',
  format: 'upper-alphanumeric',
  minLength: 6,
  maxLength: 16,
  maxTries: 5,
  role: 'pin',
} as const;

const TEXT_AND_VISUAL: Pick<
  CardProfileDefinition['layout'],
  'text' | 'visual' | 'resident-register' | 'common'
> = {
  text: {
    pins: [
      digits(TEXT_FID.PIN, 'entry-assist PIN', 4, 3),
      digits(TEXT_FID.CHECK_CODE_A, 'check code A (my number)', 12, 10),
      digits(TEXT_FID.CHECK_CODE_B, 'check code B (birth date, expiry year, security code)', 14, 10),
    ],
    keys: [],
    files: [
      {
        fid: TEXT_FID.MY_NUMBER,
        label: 'my number',
        readAccess: afterPin(TEXT_FID.PIN, TEXT_FID.CHECK_CODE_A),
      },
      {
        fid: TEXT_FID.FOUR_FACTS,
        label: 'four facts',
        readAccess: afterPin(TEXT_FID.PIN, TEXT_FID.CHECK_CODE_B),
      },
      {
        fid: TEXT_FID.SIGNATURE,
        label: 'hashes and issuer signature',
        readAccess: afterPin(TEXT_FID.PIN, TEXT_FID.CHECK_CODE_A, TEXT_FID.CHECK_CODE_B),
      },
    ],
  },
  visual: {
    pins: [
      digits(VISUAL_FID.CHECK_CODE_B, 'check code B', 14, 10),
      digits(VISUAL_FID.CHECK_CODE_A, 'check code A', 12, 10),
    ],
    keys: [],
    files: [
      {
        fid: VISUAL_FID.CARD_FACE,
        label: 'card face (images, face photo)',
        readAccess: afterPin(VISUAL_FID.CHECK_CODE_A, VISUAL_FID.CHECK_CODE_B),
      },
      {
        fid: VISUAL_FID.MY_NUMBER_IMAGE,
        label: 'my number image',
        readAccess: afterPin(VISUAL_FID.CHECK_CODE_A),
      },
    ],
  },
  'resident-register': { pins: [], keys: [], files: [] },
  common: { pins: [], keys: [], files: [] },
};

const COMMON_COMMANDS = [
  '00A4',
  '00B0',
  '00D6',
  '00E0',
  '00CA',
  '0020',
  '0024',
  '0047',
  '00C0',
  '802A',
  '80F0',
];

const DEFINITIONS: Readonly<Record<CardProfile, CardProfileDefinition>> = {
  'legacy-rsa2048': {
    profile: 'legacy-rsa2048',
    atr: '3BE000FF8131FE4514',
    applications: APPLICATION_NAMES,
    commands: COMMON_COMMANDS,
    layout: {
      jpki: {
        pins: [digits(JPKI_FID.AUTHENTICATION_PIN, 'user-authentication PIN', 4, 3), SIGNATURE_PASSWORD_BASE],
        keys: [
          {
            fid: JPKI_FID.AUTHENTICATION_KEY,
            label: 'user-authentication key',
            algorithm: 'rsa-2048',
            sign: afterPin(JPKI_FID.AUTHENTICATION_PIN),
          },
          {
            fid: JPKI_FID.SIGNATURE_KEY,
            label: 'signature key',
            algorithm: 'rsa-2048',
            sign: afterPin(JPKI_FID.SIGNATURE_PASSWORD),
          },
        ],
        files: [
          { fid: JPKI_FID.TOKEN_INFO, label: 'token info', readAccess: ALWAYS },
          { fid: JPKI_FID.CERTIFICATE_PRESENCE, label: 'certificates present', readAccess: ALWAYS },
          {
            fid: JPKI_FID.AUTHENTICATION_CERTIFICATE,
            label: 'user-authentication certificate',
            readAccess: ALWAYS,
          },
          {
            fid: JPKI_FID.AUTHENTICATION_CA_CERTIFICATE,
            label: 'user-authentication CA certificate',
            readAccess: ALWAYS,
          },
          {
            fid: JPKI_FID.SIGNATURE_CERTIFICATE,
            label: 'signature certificate',
            readAccess: afterPin(JPKI_FID.SIGNATURE_PASSWORD),
          },
          { fid: JPKI_FID.SIGNATURE_CA_CERTIFICATE, label: 'signature CA certificate', readAccess: ALWAYS },
        ],
      },
      ...TEXT_AND_VISUAL,
    },
  },
  'next-gen': {
    profile: 'next-gen',
    atr: '3BE500FF8131FE45807394014037',
    applications: APPLICATION_NAMES,
    commands: [...COMMON_COMMANDS, '002C', '0088'],
    layout: {
      jpki: {
        pins: [
          digits(JPKI_FID.AUTHENTICATION_PIN, 'PIN', 4, 3, { resetBy: JPKI_FID.PUK }),
          {
            ...SIGNATURE_PASSWORD_BASE,
            resetBy: JPKI_FID.PUK,
            alsoSatisfies: [JPKI_FID.AUTHENTICATION_PIN],
          },
          digits(JPKI_FID.PUK, 'PUK', 8, 10, { role: 'puk' }),
        ],
        keys: [
          {
            fid: JPKI_FID.AUTHENTICATION_KEY,
            label: 'user-authentication key',
            algorithm: 'ec-p256',
            sign: afterPin(JPKI_FID.AUTHENTICATION_PIN),
            internalAuthenticate: afterPin(JPKI_FID.AUTHENTICATION_PIN),
          },
          {
            fid: JPKI_FID.SIGNATURE_KEY,
            label: 'signature key',
            algorithm: 'ec-p384',
            sign: afterPin(JPKI_FID.SIGNATURE_PASSWORD),
          },
          {
            fid: JPKI_FID.CARD_AUTHENTICATION_KEY,
            label: 'card authentication key',
            algorithm: 'ec-p256',
            internalAuthenticate: ALWAYS,
          },
        ],
        files: [
          { fid: JPKI_FID.TOKEN_INFO, label: 'token info', readAccess: ALWAYS },
          { fid: JPKI_FID.CERTIFICATE_PRESENCE, label: 'certificates present', readAccess: ALWAYS },
          {
            fid: JPKI_FID.AUTHENTICATION_CERTIFICATE,
            label: 'user-authentication certificate',
            readAccess: ALWAYS,
          },
          {
            fid: JPKI_FID.AUTHENTICATION_CA_CERTIFICATE,
            label: 'user-authentication CA certificate',
            readAccess: ALWAYS,
          },
          {
            fid: JPKI_FID.SIGNATURE_CERTIFICATE,
            label: 'signature certificate',
            readAccess: afterPin(JPKI_FID.SIGNATURE_PASSWORD),
          },
          { fid: JPKI_FID.SIGNATURE_CA_CERTIFICATE, label: 'signature CA certificate', readAccess: ALWAYS },
          {
            fid: JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE,
            label: 'card authentication certificate',
            readAccess: ALWAYS,
          },
        ],
      },
      ...TEXT_AND_VISUAL,
    },
  },
};

export function isCardProfile(value: unknown): value is CardProfile {
  return typeof value === 'string' && (CARD_PROFILES as readonly string[]).includes(value);
}

export function cardProfile(profile: CardProfile): CardProfileDefinition {
  return DEFINITIONS[profile];
}

export function profileAtr(profile: CardProfile): Uint8Array {
  return fromHex(DEFINITIONS[profile].atr);
}

export function pinDefinition(
  profile: CardProfile,
  application: ApplicationName,
  fid: number,
): PinObjectDefinition | undefined {
  return DEFINITIONS[profile].layout[application].pins.find((pin) => pin.fid === fid);
}

export function keyDefinition(
  profile: CardProfile,
  application: ApplicationName,
  fid: number,
): KeyObjectDefinition | undefined {
  return DEFINITIONS[profile].layout[application].keys.find((key) => key.fid === fid);
}

/** Whether a value has the format of the PIN object (length and alphabet). */
export function isWellFormedPin(definition: PinObjectDefinition, value: Uint8Array): boolean {
  if (value.length < definition.minLength || value.length > definition.maxLength) return false;
  const allowed = definition.format === 'digits' ? /^[0-9]+$/ : /^[A-Z0-9]+$/;
  return allowed.test(String.fromCharCode(...value));
}

/** Digest length SIGN expects and hash INTERNAL AUTHENTICATE applies, per EC key. */
export const EC_HASH: Readonly<
  Record<Exclude<KeyAlgorithm, 'rsa-2048'>, { hash: 'sha256' | 'sha384'; length: number }>
> = {
  'ec-p256': { hash: 'sha256', length: 32 },
  'ec-p384': { hash: 'sha384', length: 48 },
};
