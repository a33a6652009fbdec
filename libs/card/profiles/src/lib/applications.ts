// The card applications (APs) of the My Number card, selected by AID. AIDs are from independent readers of
// today's card (OpenSC, jpki/myna, myna-card); see docs/design card-interface.md.
import { fromHex, hex } from './bytes';

export type ApplicationName = 'jpki' | 'text' | 'visual' | 'resident-register' | 'common';

export interface ApplicationDefinition {
  readonly name: ApplicationName;
  /** AID as upper-case hex without spaces. */
  readonly aid: string;
  readonly title: string;
}

export const APPLICATIONS: Readonly<Record<ApplicationName, ApplicationDefinition>> = {
  jpki: { name: 'jpki', aid: 'D392F000260100000001', title: 'JPKI AP (公的個人認証)' },
  text: { name: 'text', aid: 'D3921000310001010408', title: 'Entry-assist AP (券面事項入力補助)' },
  visual: { name: 'visual', aid: 'D3921000310001010402', title: 'Card-face confirmation AP (券面事項確認)' },
  // One source reads this AID as ...0101 00; every other reader seen uses ...0104 01.
  'resident-register': {
    name: 'resident-register',
    aid: 'D3921000310001010401',
    title: 'Resident register AP (住基)',
  },
  common: { name: 'common', aid: 'D3921000310001010100', title: 'Common card AP (共通)' },
};

export const APPLICATION_NAMES = Object.keys(APPLICATIONS) as readonly ApplicationName[];

export function isApplicationName(value: unknown): value is ApplicationName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(APPLICATIONS, value);
}

export function applicationAid(name: ApplicationName): Uint8Array {
  return fromHex(APPLICATIONS[name].aid);
}

export function applicationByAid(aid: Uint8Array): ApplicationName | undefined {
  const wanted = hex(aid);
  return APPLICATION_NAMES.find((name) => APPLICATIONS[name].aid === wanted);
}
