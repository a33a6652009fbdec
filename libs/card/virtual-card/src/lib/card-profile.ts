// Card profiles: which ATR the card presents and which applications it carries.
//
// legacy-rsa2048: today's card. Its ATR is what OpenSC's JPKI driver matches on without sending anything.
//   3B E0 00 FF 81 31 FE 45 14  — TB1=00 TC1=FF, TD1/TD2 announce T=1 only, IFSC 254, no historical bytes.
// next-gen: same interface bytes (T=1 only, so no reader negotiates T=0 with it), plus historical bytes that
//   state what the project's own reader may rely on, and an ATR no legacy driver claims:
//   3B E5 00 FF 81 31 FE 45 | 80 73 94 01 40 | 37
//   80 = compact-TLV follows; 73 = card capabilities (3 bytes): 94 = selection by full DF name, by file
//   identifier and by short EF identifier; 01 = data unit of one byte; 40 = extended Lc and Le supported.
//   37 = TCK (XOR of T0..last historical byte).
import { ApplicationName, APPLICATION_NAMES } from './applications';
import { fromHex } from './bytes';

export type CardProfile = 'legacy-rsa2048' | 'next-gen';

export const CARD_PROFILES: readonly CardProfile[] = ['legacy-rsa2048', 'next-gen'];

export interface CardProfileDefinition {
  readonly profile: CardProfile;
  /** ATR as upper-case hex. */
  readonly atr: string;
  readonly applications: readonly ApplicationName[];
}

const DEFINITIONS: Readonly<Record<CardProfile, CardProfileDefinition>> = {
  'legacy-rsa2048': { profile: 'legacy-rsa2048', atr: '3BE000FF8131FE4514', applications: APPLICATION_NAMES },
  'next-gen': { profile: 'next-gen', atr: '3BE500FF8131FE45807394014037', applications: APPLICATION_NAMES },
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
