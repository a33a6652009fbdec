import type { ApplicantRecord, BlobRef, PersonalisationBundle } from '@mnc/contracts';
import type { ApDataSigner } from './ap-signing';
import type { CardProfile } from './card-profile';
import { buildChipData, type ChipFacts, type ChipImages } from './chip-data';
import { type CardSecrets, planIssuance } from './issuance-plan';

/** The registered address as one line, as the text AP and the address image hold it. */
export function addressLine(applicant: ApplicantRecord): string {
  return `${applicant.address.prefecture}${applicant.address.municipality}${applicant.address.line}`;
}

export interface BundleInput {
  readonly applicationId: string;
  readonly applicant: ApplicantRecord;
  /** The accepted photo as screened, for the printed face. */
  readonly photo: BlobRef;
  readonly cardId: string;
  readonly cardNumber: string;
  readonly cardProfile: CardProfile;
  readonly issuedOn: string;
  readonly secrets: CardSecrets;
  /** Rendered by the issuance-data stage (sharp); opaque bytes here. */
  readonly images: ChipImages;
  readonly faceImage: { readonly width: number; readonly height: number; readonly colour: boolean };
}

/**
 * The personalisation bundle of one card: dates and secrets from the rules, the text and visual AP files
 * signed through `signer`, and what the lane needs beside them (applicant for the printed face, PIN state,
 * certificate validity for the CA request).
 */
export async function assembleBundle(
  input: BundleInput,
  signer: ApDataSigner,
): Promise<PersonalisationBundle> {
  const { applicant } = input;
  const plan = planIssuance({
    cardProfile: input.cardProfile,
    cardNumber: input.cardNumber,
    birthDate: applicant.birthDate,
    issuedOn: input.issuedOn,
    secrets: input.secrets,
  });
  const facts: ChipFacts = {
    myNumber: applicant.myNumber,
    familyName: applicant.familyName,
    givenName: applicant.givenName,
    address: addressLine(applicant),
    birthDate: applicant.birthDate,
    sex: applicant.sex,
    expiresOn: plan.expiresOn,
  };
  const chip = await buildChipData(input.cardProfile, facts, input.images, signer, {
    applicationId: input.applicationId,
    cardNumber: plan.cardNumber,
  });
  return {
    version: 2,
    cardProfile: input.cardProfile,
    cardId: input.cardId,
    cardNumber: plan.cardNumber,
    issuedOn: plan.issuedOn,
    expiresOn: plan.expiresOn,
    applicant,
    photo: input.photo,
    certificates: plan.certificates,
    securityCode: plan.securityCode,
    collationNumberA: applicant.myNumber,
    collationNumberB: plan.collationNumberB,
    ...(plan.puk !== undefined ? { puk: plan.puk } : {}),
    ...(plan.initialPins !== undefined ? { initialPins: { ...plan.initialPins } } : {}),
    pins: plan.pins.map((pin) => ({ ...pin, opens: [...pin.opens] })),
    files: chip.files.map((file) => ({
      application: file.application,
      fid: file.fid,
      content: file.content.toString('base64'),
    })),
    apSignatures: chip.signatures.map((signature) => ({
      application: signature.application,
      location: signature.location,
      algorithm: signature.algorithm,
      signerCertificate: signature.signerCertificate.toString('base64'),
    })),
    faceImage: { mediaType: 'image/jpeg', ...input.faceImage },
  };
}
