import type { ApplicantRecord, BlobRef, PersonalisationBundle } from '@mnc/contracts';
import { type ApDataSigner, assembleBundle } from '@mnc/domain-issuance';
import type { CardDraft } from './card-drafts.service';
import { FACE_IMAGE, renderChipImages } from './chip-images';

/** Renders the card's images, then assembles and signs its bundle from the pinned draft. */
export async function generateBundle(
  input: {
    readonly applicant: ApplicantRecord;
    readonly photo: BlobRef;
    readonly photoBytes: Buffer;
    readonly draft: CardDraft;
  },
  signer: ApDataSigner,
): Promise<PersonalisationBundle> {
  const { applicant, draft } = input;
  const images = await renderChipImages(
    applicant,
    draft.secrets.securityCode,
    input.photoBytes,
    draft.cardProfile,
  );
  const { width, height, colour } = FACE_IMAGE[draft.cardProfile];
  return assembleBundle(
    {
      applicationId: draft.applicationId,
      applicant,
      photo: input.photo,
      cardId: draft.cardId,
      cardNumber: draft.cardNumber,
      cardProfile: draft.cardProfile,
      issuedOn: draft.issuedOn,
      secrets: draft.secrets,
      images,
      faceImage: { width, height, colour },
    },
    signer,
  );
}
