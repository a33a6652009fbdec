import { randomUUID } from 'node:crypto';
import {
  sealPersonalisationBundle,
  type ApplicantRecord,
  type BlobRef,
  type BundleCipher,
  type PersonalisationBundle,
} from '@mnc/contracts';
import {
  assembleBundle,
  cardNumberFor,
  SoftwareApDataSigner,
  type ApDataSigner,
  type CardProfile,
} from '@mnc/domain-issuance';

// 1x1 white PNG and JPEG: fixture images where issuance-data would render the name, address and face.
const FIXTURE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWP4//8/AAX+Av5Y8msOAAAAAElFTkSuQmCC',
  'base64',
);
const FIXTURE_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AKpAB//Z',
  'base64',
);
let signer: Promise<SoftwareApDataSigner> | undefined;

/**
 * A schema-valid version-2 personalisation bundle with real AP files and signatures (software keys) and
 * 1x1 fixture images, for tests of the stages that read bundles. Seal it with {@link sealBundleFixture}.
 */
export async function personalisationBundleFixture(input: {
  readonly applicant: ApplicantRecord;
  readonly photo: BlobRef;
  readonly applicationId?: string;
  readonly cardProfile?: CardProfile;
  readonly cardId?: string;
  readonly cardNumber?: string;
  readonly issuedOn?: string;
  readonly securityCode?: string;
  readonly puk?: string;
  /** The AP data signer: the CA's (a lane's QA checks signatures against it); default a software one. */
  readonly signer?: ApDataSigner;
}): Promise<PersonalisationBundle> {
  const cardProfile = input.cardProfile ?? 'next-gen';
  signer ??= SoftwareApDataSigner.create('Test AP data signer');
  return assembleBundle(
    {
      applicationId: input.applicationId ?? randomUUID(),
      applicant: input.applicant,
      photo: input.photo,
      cardId: input.cardId ?? randomUUID(),
      cardNumber: input.cardNumber ?? cardNumberFor(424242n),
      cardProfile,
      issuedOn: input.issuedOn ?? '2026-04-03',
      secrets:
        cardProfile === 'next-gen'
          ? { securityCode: input.securityCode ?? '0421', puk: input.puk ?? '12345678' }
          : {
              securityCode: input.securityCode ?? '0421',
              initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
            },
      images: {
        name: FIXTURE_PNG,
        address: FIXTURE_PNG,
        myNumber: FIXTURE_PNG,
        securityCode: FIXTURE_PNG,
        photo: FIXTURE_JPEG,
      },
      faceImage: { width: 1, height: 1, colour: cardProfile === 'next-gen' },
    },
    input.signer ?? (await signer),
  );
}

/** The bytes to put in the blob store for a bundle, sealed as issuance-data seals it. */
export function sealBundleFixture(bundle: PersonalisationBundle, cipher: BundleCipher): Buffer {
  return sealPersonalisationBundle(bundle, cipher);
}
