import type { PayloadOf } from '@mnc/contracts';

/**
 * Express cards go straight to the resident; normal cards go to the municipality for handover at the
 * counter. Certificates stay inactive until the card reaches its holder ("deliver before activate").
 */
export function planSetup(encoded: PayloadOf<'card.encoded'>): PayloadOf<'card.ready-for-dispatch'> {
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
