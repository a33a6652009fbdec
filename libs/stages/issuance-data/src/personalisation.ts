import { cardExpiryDate } from '@mnc/domain-issuance';
import type { ApplicantRecord, BlobRef, PersonalisationBundle } from '@mnc/contracts';

/**
 * What a lane writes to a card. It holds personal data, so it only ever exists encrypted in the blob store;
 * events carry its reference. Later issues add the chip's data objects, signatures and images.
 */
export function buildBundle(
  applicant: ApplicantRecord,
  photo: BlobRef,
  cardProfile: PersonalisationBundle['cardProfile'],
  cardNumber: string,
  issuedOn: string,
): PersonalisationBundle {
  return {
    version: 1,
    cardProfile,
    cardNumber,
    issuedOn,
    expiresOn: cardExpiryDate(applicant.birthDate, issuedOn),
    applicant,
    photo,
  };
}
