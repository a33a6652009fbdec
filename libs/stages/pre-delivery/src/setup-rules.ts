import type { PayloadOf } from '@mnc/contracts';

export type SetupInput = Pick<
  PayloadOf<'card.encoded'>,
  'applicationId' | 'route' | 'cardProfile' | 'municipalityCode' | 'applicantRecord' | 'cardId'
>;

/**
 * Express cards go straight to the resident; normal cards go to the municipality for handover at the
 * counter. Certificates stay inactive until the card reaches its holder ("deliver before activate").
 */
export function planSetup(encoded: SetupInput): PayloadOf<'card.ready-for-dispatch'> {
  return {
    applicationId: encoded.applicationId,
    route: encoded.route,
    cardProfile: encoded.cardProfile,
    municipalityCode: encoded.municipalityCode,
    applicantRecord: encoded.applicantRecord,
    cardId: encoded.cardId,
    deliverTo: encoded.route === 'express' ? 'resident' : 'municipality',
    activation: 'pending-delivery',
  };
}

/**
 * Which letters a card needs: the delivery notice on the normal route, the PUK letter for next-gen cards,
 * the PIN letter (its random initial PINs) for legacy cards.
 */
export function lettersFor(card: Pick<SetupInput, 'route' | 'cardProfile'>): {
  deliveryNotice: boolean;
  pukLetter: boolean;
  pinLetter: boolean;
} {
  return {
    deliveryNotice: card.route === 'normal',
    pukLetter: card.cardProfile === 'next-gen',
    pinLetter: card.cardProfile === 'legacy-rsa2048',
  };
}
