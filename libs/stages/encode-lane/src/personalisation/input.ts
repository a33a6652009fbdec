// What one personalisation needs, narrowed from the PersonalisationBundle: the text and visual AP files
// with their signature metadata, the PIN values set before CLOSE PERSONALISATION, the four facts for the
// signature certificate, and the card's expiry (no certificate outlives the card). Everything here is pure.
import type { PersonalisationBundle } from '@mnc/contracts';
import {
  type AccessCondition,
  type ApplicationName,
  cardProfile,
  type CardProfile,
  isWellFormedPin,
  JPKI_FID,
  type KeyAlgorithm,
  pinDefinition,
  TEXT_FID,
  VISUAL_FID,
  CERTIFICATE_PRESENCE,
  TOKEN_LABEL,
  tokenInfo,
  formatFid,
} from '@mnc/card-profiles';
import { addressLine, textName, type ApSignatureAlgorithm } from '@mnc/domain-issuance';
import type { CardKeyPurpose, SignatureAlgorithm, SignatureSubject } from '@mnc/pki-client';
import { PersonalisationInputError } from './errors';

export type SignedLocation = 'text-0003-DF33' | 'visual-0002-DF28' | 'visual-0005-DF43';

export interface ApSignatureReference {
  readonly location: SignedLocation;
  readonly algorithm: ApSignatureAlgorithm;
  /** DER of the AP data signer's certificate (the CA's published AP-signing certificate). */
  readonly signerCertificate: Uint8Array;
}

/**
 * PIN values the resident chose, set on the card at encoding (docs/lanes-encoding.md, "PIN decision").
 * Required for legacy-rsa2048 (today's card cannot set a PIN after CLOSE PERSONALISATION); optional for
 * next-gen, where the resident can set them at hand-over with the PUK (RESET RETRY COUNTER with a new value).
 */
export interface ChosenPins {
  /** JPKI user-authentication PIN (next-gen: the 4-digit PIN), 4 digits. */
  readonly userAuthenticationPin: string;
  /** JPKI signature password, 6-16 of A-Z 0-9. */
  readonly signaturePassword: string;
  /** Entry-assist (text AP) PIN, 4 digits; default the user-authentication PIN. */
  readonly textPin?: string;
}

export interface PersonalisationInput {
  readonly profile: CardProfile;
  readonly applicationId: string;
  readonly cardNumber: string;
  /** Binary EF contents of the text and visual APs, by FID, exactly as they go on the card. */
  readonly files: {
    readonly text: ReadonlyMap<number, Uint8Array>;
    readonly visual: ReadonlyMap<number, Uint8Array>;
  };
  readonly apSignatures: readonly ApSignatureReference[];
  /** Initial values (ASCII) of PIN objects per AP and FID, set with CHANGE REFERENCE DATA before closing. */
  readonly pins: Partial<Record<ApplicationName, ReadonlyMap<number, string>>>;
  /** The four facts of the jpki-signature certificate's subject. Personal data: never logged. */
  readonly signatureSubject: SignatureSubject;
  /** ISO 8601: the CA caps every certificate at this instant. */
  readonly cardExpiresAt: string;
}

/** A key the card generates and the certificate the CA issues for it. */
export interface KeySpec {
  readonly keyFid: number;
  readonly purpose: CardKeyPurpose;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly algorithm: SignatureAlgorithm;
  readonly certificateFid: number;
  /** EF of the issuing CA's certificate on the card; the card-authentication CA is not on the card. */
  readonly caCertificateFid?: number;
  /** PIN object whose verification opens SIGN with this key once the card is operational. */
  readonly pinFid?: number;
}

/** A binary EF a personalisation creates, with the read access CREATE FILE gives it. */
export interface DataFile {
  readonly application: ApplicationName;
  readonly fid: number;
  readonly content: Uint8Array;
  readonly readAccess: AccessCondition;
}

const PURPOSE_OF_KEY: ReadonlyMap<number, Omit<KeySpec, 'keyAlgorithm' | 'algorithm'>> = new Map([
  [
    JPKI_FID.AUTHENTICATION_KEY,
    {
      keyFid: JPKI_FID.AUTHENTICATION_KEY,
      purpose: 'jpki-user-authentication' as const,
      certificateFid: JPKI_FID.AUTHENTICATION_CERTIFICATE,
      caCertificateFid: JPKI_FID.AUTHENTICATION_CA_CERTIFICATE,
      pinFid: JPKI_FID.AUTHENTICATION_PIN,
    },
  ],
  [
    JPKI_FID.SIGNATURE_KEY,
    {
      keyFid: JPKI_FID.SIGNATURE_KEY,
      purpose: 'jpki-signature' as const,
      certificateFid: JPKI_FID.SIGNATURE_CERTIFICATE,
      caCertificateFid: JPKI_FID.SIGNATURE_CA_CERTIFICATE,
      pinFid: JPKI_FID.SIGNATURE_PASSWORD,
    },
  ],
  [
    JPKI_FID.CARD_AUTHENTICATION_KEY,
    {
      keyFid: JPKI_FID.CARD_AUTHENTICATION_KEY,
      purpose: 'card-authentication' as const,
      certificateFid: JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE,
    },
  ],
]);

const SIGNATURE_ALGORITHM_OF: Readonly<Record<KeyAlgorithm, SignatureAlgorithm>> = {
  'rsa-2048': 'rsa2048-sha256',
  'ec-p256': 'ecdsa-p256-sha256',
  'ec-p384': 'ecdsa-p384-sha384',
};

/** The JPKI keys of a profile, in generation order, with their certificate purposes and EFs. */
export function keySpecs(profile: CardProfile): KeySpec[] {
  return cardProfile(profile).layout.jpki.keys.map((key) => {
    const spec = PURPOSE_OF_KEY.get(key.fid);
    if (spec === undefined)
      throw new PersonalisationInputError('profile', `no certificate purpose for key ${formatFid(key.fid)}`);
    return { ...spec, keyAlgorithm: key.algorithm, algorithm: SIGNATURE_ALGORITHM_OF[key.algorithm] };
  });
}

/** The AP files every card carries from issuance data, by AP. */
export const REQUIRED_AP_FILES: Readonly<Record<'text' | 'visual', readonly number[]>> = {
  text: [TEXT_FID.MY_NUMBER, TEXT_FID.FOUR_FACTS, TEXT_FID.SIGNATURE],
  visual: [VISUAL_FID.CARD_FACE, VISUAL_FID.MY_NUMBER_IMAGE],
};

function readAccessOf(profile: CardProfile, application: ApplicationName, fid: number): AccessCondition {
  const file = cardProfile(profile).layout[application].files.find((entry) => entry.fid === fid);
  if (file === undefined)
    throw new PersonalisationInputError(
      'files',
      `${application} EF ${formatFid(fid)} is not a file of ${profile}`,
    );
  return file.readAccess;
}

/**
 * The binary EFs written before key generation, in write order: JPKI token info and certificate presence
 * (what OpenSC's JPKI driver reads first), then the text and visual AP files.
 */
export function dataFiles(input: PersonalisationInput): DataFile[] {
  const file = (application: ApplicationName, fid: number, content: Uint8Array): DataFile => ({
    application,
    fid,
    content,
    readAccess: readAccessOf(input.profile, application, fid),
  });
  const files = [
    file('jpki', JPKI_FID.TOKEN_INFO, tokenInfo(TOKEN_LABEL[input.profile])),
    file('jpki', JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE),
  ];
  for (const application of ['text', 'visual'] as const) {
    for (const fid of REQUIRED_AP_FILES[application]) {
      const content = input.files[application].get(fid);
      if (content === undefined)
        throw new PersonalisationInputError('files', `${application} EF ${formatFid(fid)} is missing`);
      files.push(file(application, fid, content));
    }
  }
  return files;
}

/** The read access each certificate EF gets: the profile's table (EF 0001 behind the signature password). */
export function certificateReadAccess(profile: CardProfile, fid: number): AccessCondition {
  return readAccessOf(profile, 'jpki', fid);
}

function checkPin(
  profile: CardProfile,
  application: ApplicationName,
  fid: number,
  value: string,
  field: string,
): void {
  const definition = pinDefinition(profile, application, fid);
  if (definition === undefined)
    throw new PersonalisationInputError(
      field,
      `${application} has no PIN object ${formatFid(fid)} in ${profile}`,
    );
  if (!isWellFormedPin(definition, new TextEncoder().encode(value)))
    throw new PersonalisationInputError(field, `does not have the format of the ${definition.label}`);
}

/**
 * The PIN values to set: the check codes of the text and visual APs (issuer-set, from the bundle), the
 * next-gen PUK (bundle), and the JPKI PINs: the resident's chosen ones when given, else a legacy card's
 * initial PINs from the bundle (issued at issuance-data and sent in the PIN letter).
 */
export function initialPins(
  bundle: Pick<
    PersonalisationBundle,
    'cardProfile' | 'collationNumberA' | 'collationNumberB' | 'puk' | 'initialPins'
  >,
  chosenPins: ChosenPins | undefined,
): PersonalisationInput['pins'] {
  const profile = bundle.cardProfile;
  const chosen: ChosenPins | undefined = chosenPins ?? bundle.initialPins;
  if (profile === 'legacy-rsa2048' && chosen === undefined)
    throw new PersonalisationInputError(
      'chosenPins',
      'a legacy-rsa2048 card cannot set its PINs after CLOSE PERSONALISATION: the bundle carries no initial PINs and none were chosen',
    );
  const text = new Map<number, string>([
    [TEXT_FID.CHECK_CODE_A, bundle.collationNumberA],
    [TEXT_FID.CHECK_CODE_B, bundle.collationNumberB],
  ]);
  const visual = new Map<number, string>([
    [VISUAL_FID.CHECK_CODE_A, bundle.collationNumberA],
    [VISUAL_FID.CHECK_CODE_B, bundle.collationNumberB],
  ]);
  const jpki = new Map<number, string>();
  if (chosen !== undefined) {
    jpki.set(JPKI_FID.AUTHENTICATION_PIN, chosen.userAuthenticationPin);
    jpki.set(JPKI_FID.SIGNATURE_PASSWORD, chosen.signaturePassword);
    text.set(TEXT_FID.PIN, chosen.textPin ?? chosen.userAuthenticationPin);
  }
  if (profile === 'next-gen') {
    if (bundle.puk === undefined) throw new PersonalisationInputError('puk', 'a next-gen card needs its PUK');
    jpki.set(JPKI_FID.PUK, bundle.puk);
  }
  const pins = { jpki, text, visual };
  for (const [application, values] of Object.entries(pins) as [ApplicationName, Map<number, string>][])
    for (const [fid, value] of values)
      checkPin(profile, application, fid, value, `pins.${application}.${formatFid(fid)}`);
  return pins;
}

const b64 = (value: string) => new Uint8Array(Buffer.from(value, 'base64'));

/**
 * Maps the bundle (version 2) to the input of {@link personaliseAttempt}. The application id is the lane
 * job's (the bundle names the card, not the application); `chosenPins` see {@link ChosenPins}.
 */
export function personalisationInputFromBundle(
  bundle: PersonalisationBundle,
  options: { readonly applicationId: string; readonly chosenPins?: ChosenPins },
): PersonalisationInput {
  const files = { text: new Map<number, Uint8Array>(), visual: new Map<number, Uint8Array>() };
  for (const file of bundle.files) {
    if (files[file.application].has(file.fid))
      throw new PersonalisationInputError(
        'files',
        `${file.application} EF ${formatFid(file.fid)} appears twice`,
      );
    files[file.application].set(file.fid, b64(file.content));
  }
  const { applicant } = bundle;
  return {
    profile: bundle.cardProfile,
    applicationId: options.applicationId,
    cardNumber: bundle.cardNumber,
    files,
    apSignatures: bundle.apSignatures.map((signature) => ({
      location: signature.location,
      algorithm: signature.algorithm,
      signerCertificate: b64(signature.signerCertificate),
    })),
    pins: initialPins(bundle, options.chosenPins),
    signatureSubject: {
      name: textName(applicant.familyName, applicant.givenName),
      address: addressLine(applicant),
      birthDate: applicant.birthDate,
      sex: applicant.sex,
    },
    cardExpiresAt: bundle.certificates.notAfter,
  };
}
