/**
 * Why a card's certificates are revoked, in RFC 5280's terms. RFC 5280's reason list is fixed, so the death of
 * the holder is a sub-reason of affiliationChanged carried beside the reason (the CA records it in its own
 * register and a CRL entry extension), never a new reason code.
 */
export type Rfc5280Reason =
  | 'unspecified'
  | 'keyCompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold';

export type RevocationSubReason = 'death';

export interface RevocationReason {
  readonly reason: Rfc5280Reason;
  readonly subReason?: RevocationSubReason;
}

export type RevocationCause = 'lost-card-replaced' | 'found-card-replaced' | 'holder-deceased';

/**
 * A lost card's keys are out of the holder's control: keyCompromise, as JPKI revokes lost cards today. A card
 * found again but replaced anyway is superseded. A death is affiliationChanged with the death sub-reason the
 * task force's paper asks for.
 */
export function revocationReasonFor(cause: RevocationCause): RevocationReason {
  switch (cause) {
    case 'lost-card-replaced':
      return { reason: 'keyCompromise' };
    case 'found-card-replaced':
      return { reason: 'superseded' };
    case 'holder-deceased':
      return { reason: 'affiliationChanged', subReason: 'death' };
  }
}
