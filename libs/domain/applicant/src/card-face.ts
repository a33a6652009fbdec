/**
 * Where items go on the card. The task force paper leaves open whether sex is printed on the front, the back
 * or kept on the chip only, so each card profile carries its own placement, set by configuration.
 */
export type CardProfileName = 'legacy-rsa2048' | 'next-gen';
export const CARD_PROFILE_NAMES: readonly CardProfileName[] = ['legacy-rsa2048', 'next-gen'];

export type SexPlacement = 'front' | 'back' | 'chip-only';
export const SEX_PLACEMENTS: readonly SexPlacement[] = ['front', 'back', 'chip-only'];

export type SexPlacementPolicy = Readonly<Record<CardProfileName, SexPlacement>>;

/**
 * The policy with the next-generation placement configured (CARD_FACE_SEX). The legacy profile is today's
 * card, which prints sex on the front.
 */
export function sexPlacementPolicy(nextGen: SexPlacement): SexPlacementPolicy {
  return { 'legacy-rsa2048': 'front', 'next-gen': nextGen };
}

export type CardFaceItem =
  | 'name'
  | 'alias'
  | 'formerSurname'
  | 'furigana'
  | 'romaji'
  | 'address'
  | 'birthDate'
  | 'birthDateWestern'
  | 'sex'
  | 'photo'
  | 'myNumber';

export interface CardFaceLayout {
  readonly front: readonly CardFaceItem[];
  /** 追記欄 (additional-notes field): where today's card carries the romaji name and the Western birth year. */
  readonly notes: readonly CardFaceItem[];
  readonly back: readonly CardFaceItem[];
  readonly chipOnly: readonly CardFaceItem[];
}

/**
 * Which items a card of `profile` shows and where. The next-generation face prints furigana, romaji and the
 * Western birth date on the front (the paper's proposal); the legacy face keeps romaji and the Western year in
 * the notes field. An alias (通称) is printed beside the legal name when registered, a former surname (旧氏)
 * when the applicant asked for it.
 */
export function cardFaceLayout(
  profile: CardProfileName,
  has: { readonly alias: boolean; readonly formerSurname: boolean },
  policy: SexPlacementPolicy,
): CardFaceLayout {
  const front: CardFaceItem[] = ['name'];
  if (has.alias) front.push('alias');
  if (has.formerSurname) front.push('formerSurname');
  const notes: CardFaceItem[] = [];
  if (profile === 'next-gen') front.push('furigana', 'romaji', 'birthDate', 'birthDateWestern');
  else {
    front.push('birthDate');
    notes.push('romaji', 'birthDateWestern');
  }
  front.push('address', 'photo');
  const back: CardFaceItem[] = ['myNumber', 'name', 'birthDate'];
  const chipOnly: CardFaceItem[] = [];
  const placement = policy[profile];
  (placement === 'front' ? front : placement === 'back' ? back : chipOnly).push('sex');
  return { front, notes, back, chipOnly };
}
