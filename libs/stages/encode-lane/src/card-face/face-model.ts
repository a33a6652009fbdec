import type { PersonalisationBundle } from '@mnc/contracts';

export type CardProfileName = PersonalisationBundle['cardProfile'];
export type SexPlacement = 'front' | 'back' | 'chip-only';
export type MyNumberPlacement = 'back' | 'chip-only';

/** What a card face shows, from the personalisation bundle. Optional fields are printed only when present. */
export interface CardFaceModel {
  readonly profile: CardProfileName;
  readonly familyName: string;
  readonly givenName: string;
  /** Katakana readings, printed as furigana (hiragana) on the next-gen face. */
  readonly familyNameKana?: string;
  readonly givenNameKana?: string;
  /** As intake recorded it (the passport's spelling, family name first), e.g. "YAMADA HANAKO". */
  readonly romanName?: string;
  /** 通称, printed beside the legal name when registered. */
  readonly alias?: string;
  /** 旧氏, printed on request. */
  readonly formerSurname?: string;
  readonly birthDate: string;
  readonly sex: '1' | '2' | '9';
  readonly address: string;
  readonly expiresOn: string;
  readonly myNumber: string;
  /** 追記欄 entries (changes of address and the like), oldest first. */
  readonly notes: readonly string[];
}

/** Where each optional item goes: fixed for today's card, chosen by policy for the next-gen one. */
export interface FacePolicy {
  readonly sex: SexPlacement;
  readonly myNumber: MyNumberPlacement;
  readonly furigana: boolean;
  readonly romanName: boolean;
  readonly westernBirthDate: boolean;
  readonly notesOn: 'front' | 'back';
}

export const ISSUER = '日本国 JAPAN';

/** Today's card: sex and notes on the front, my number on the back, no furigana or romaji. */
export const LEGACY_FACE_POLICY: FacePolicy = {
  sex: 'front',
  myNumber: 'back',
  furigana: false,
  romanName: false,
  westernBirthDate: false,
  notesOn: 'front',
};

/** The next-gen card: the paper's proposals, with sex and my-number placement left to policy. */
export function facePolicyFor(
  profile: CardProfileName,
  choices: { readonly sex: SexPlacement; readonly myNumber: MyNumberPlacement },
): FacePolicy {
  if (profile === 'legacy-rsa2048') return LEGACY_FACE_POLICY;
  return {
    sex: choices.sex,
    myNumber: choices.myNumber,
    furigana: true,
    romanName: true,
    westernBirthDate: true,
    // The front gets fuller (furigana, romaji, Western date): the notes move to the back.
    notesOn: 'back',
  };
}

export function faceModelOf(bundle: PersonalisationBundle): CardFaceModel {
  const applicant = bundle.applicant;
  return {
    profile: bundle.cardProfile,
    familyName: applicant.familyName,
    givenName: applicant.givenName,
    ...(applicant.familyNameKana ? { familyNameKana: applicant.familyNameKana } : {}),
    ...(applicant.givenNameKana ? { givenNameKana: applicant.givenNameKana } : {}),
    ...(applicant.romaji
      ? { romanName: `${applicant.romaji.familyName} ${applicant.romaji.givenName}` }
      : {}),
    ...(applicant.alias ? { alias: applicant.alias.name } : {}),
    ...(applicant.formerSurname ? { formerSurname: applicant.formerSurname.familyName } : {}),
    birthDate: applicant.birthDate,
    sex: applicant.sex,
    address: `${applicant.address.prefecture}${applicant.address.municipality}${applicant.address.line}`,
    expiresOn: bundle.expiresOn,
    myNumber: applicant.myNumber,
    // The bundle carries no 追記欄 entries yet (changes after issuance are not built): a new card's is empty.
    notes: [],
  };
}
