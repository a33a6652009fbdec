import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { BlobRefSchema, CardProfile } from './events';
import { ContractViolationError } from './errors';

/**
 * Formats of the encrypted blobs that pass between services by reference. They hold personal data, so they
 * are never on Kafka; the blob store keeps them encrypted at rest. Validated on read like events.
 */
const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

export const ApplicantRecordSchema = Type.Object({
  familyName: Type.String(),
  givenName: Type.String(),
  familyNameKana: Type.String(),
  givenNameKana: Type.String(),
  birthDate: IsoDate,
  sex: Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Literal('9')]),
  address: Type.Object({
    prefecture: Type.String(),
    municipality: Type.String(),
    line: Type.String(),
    postalCode: Type.String({ pattern: '^[0-9]{7}$' }),
  }),
  localGovernmentCode: Type.String({ pattern: '^[0-9]{6}$' }),
  myNumber: Type.String({ pattern: '^[0-9]{12}$' }),
  // Card-face items of the next-generation card; absent in records written before intake checked them.
  /** Printed romaji: the passport's spelling, or the passport Hepburn of the furigana (upper case). */
  romaji: Type.Optional(
    Type.Object({
      familyName: Type.String({ pattern: '^[A-Z]+(?:[ -][A-Z]+)*$' }),
      givenName: Type.String({ pattern: '^[A-Z]+(?:[ -][A-Z]+)*$' }),
    }),
  ),
  /** 通称 and its furigana, printed beside the legal name when registered. */
  alias: Type.Optional(Type.Object({ name: Type.String(), kana: Type.String() })),
  /** 旧氏 and its furigana, printed on request. */
  formerSurname: Type.Optional(Type.Object({ familyName: Type.String(), familyNameKana: Type.String() })),
});
export type ApplicantRecord = Static<typeof ApplicantRecordSchema>;

const Base64 = Type.String({ contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const Instant = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+09:00$' });
const Digits = (n: number) => Type.String({ pattern: `^[0-9]{${n}}$` });

const CardFileSchema = Type.Object(
  {
    application: Type.Union([Type.Literal('text'), Type.Literal('visual')]),
    fid: Type.Integer({ minimum: 0, maximum: 0xffff, description: 'Elementary file id within the AP.' }),
    content: Base64,
  },
  { additionalProperties: false },
);

const ApSignatureInfoSchema = Type.Object(
  {
    application: Type.Union([Type.Literal('text'), Type.Literal('visual')]),
    location: Type.Union([
      Type.Literal('text-0003-DF33'),
      Type.Literal('visual-0002-DF28'),
      Type.Literal('visual-0005-DF43'),
    ]),
    algorithm: Type.Union([
      Type.Literal('sha256WithRSAEncryption'),
      Type.Literal('ecdsa-with-SHA256'),
      Type.Literal('ecdsa-with-SHA384'),
    ]),
    signerCertificate: Base64,
  },
  { additionalProperties: false },
);

const PinSlotSchema = Type.Object(
  {
    id: Type.Union(
      ['signature-password', 'user-auth-pin', 'resident-register-pin', 'text-ap-pin', 'pin', 'puk'].map(
        (id) => Type.Literal(id),
      ),
    ),
    opens: Type.Array(
      Type.Union(
        ['jpki-signature', 'jpki-user-auth', 'resident-register', 'text'].map((ap) => Type.Literal(ap)),
      ),
    ),
    format: Type.Union([
      Type.Literal('digits-4'),
      Type.Literal('alphanumeric-6-16'),
      Type.Literal('digits-8'),
    ]),
    maxTries: Type.Integer({ minimum: 1, maximum: 15 }),
    initialState: Type.Union([Type.Literal('unset'), Type.Literal('set')]),
    unblockableByPuk: Type.Boolean(),
  },
  { additionalProperties: false },
);

/**
 * Everything a lane writes to one card (docs/issuance-data.md). Version 2: the chip's text and visual AP
 * files, their signature metadata, the secrets (security code, 照合番号B, PUK) and the certificate validity
 * the lane asks the CA for. Stored sealed with the personalisation key ({@link sealPersonalisationBundle}),
 * inside the blob store's own encryption.
 */
export const PersonalisationBundleSchema = Type.Object({
  version: Type.Literal(2),
  cardProfile: CardProfile,
  cardId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
  cardNumber: Type.String(),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
  applicant: ApplicantRecordSchema,
  /** The accepted photo as screened (for the printed face); the chip's face image is in visual EF 0002. */
  photo: BlobRefSchema,
  certificates: Type.Object({
    validFrom: IsoDate,
    lastValidDay: IsoDate,
    notBefore: Instant,
    notAfter: Instant,
  }),
  securityCode: Digits(4),
  collationNumberA: Digits(12),
  collationNumberB: Digits(14),
  /** Next-gen only: the PUK written to the card and printed in the PUK letter. */
  puk: Type.Optional(Digits(8)),
  /** Legacy only: the initial JPKI PINs written at encoding and printed in the PIN letter. */
  initialPins: Type.Optional(
    Type.Object({
      userAuthenticationPin: Digits(4),
      signaturePassword: Type.String({ pattern: '^[A-Z0-9]{6,16}$' }),
    }),
  ),
  pins: Type.Array(PinSlotSchema),
  files: Type.Array(CardFileSchema),
  apSignatures: Type.Array(ApSignatureInfoSchema),
  faceImage: Type.Object({
    mediaType: Type.Literal('image/jpeg'),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    colour: Type.Boolean(),
  }),
});
export type PersonalisationBundle = Static<typeof PersonalisationBundleSchema>;

export const BlobMediaTypes = {
  applicantRecord: 'application/vnd.mnc.applicant-record.v1+json',
  /** The sealed bundle (MNCE envelope around the v2 JSON). */
  personalisationBundle: 'application/vnd.mnc.personalisation-bundle.v2+sealed',
} as const;

const applicantCheck = TypeCompiler.Compile(ApplicantRecordSchema);
const bundleCheck = TypeCompiler.Compile(PersonalisationBundleSchema);

function parse<T>(
  bytes: Buffer,
  check: { Check(v: unknown): boolean; Errors(v: unknown): Iterable<{ path: string; message: string }> },
  what: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ContractViolationError('MALFORMED_JSON', `${what} is not JSON`);
  }
  if (!check.Check(value)) {
    const details = [...check.Errors(value)]
      .slice(0, 20)
      .map((e) => ({ path: e.path || '/', message: e.message }));
    throw new ContractViolationError('SCHEMA_VIOLATION', `${what} violates its schema`, details);
  }
  return value as T;
}

export const parseApplicantRecord = (bytes: Buffer) =>
  parse<ApplicantRecord>(bytes, applicantCheck, 'applicant record');
export const parsePersonalisationBundle = (bytes: Buffer) =>
  parse<PersonalisationBundle>(bytes, bundleCheck, 'personalisation bundle');

/** What seals and opens a bundle: an `EnvelopeCipher` of @mnc/secure-store holding the personalisation key. */
export interface BundleCipher {
  encrypt(plaintext: Uint8Array | string, context: string): Buffer;
  decrypt(sealed: Uint8Array, context: string): Buffer;
}

/** AAD of a sealed bundle: a bundle copied under another card's reference fails to open. */
export const personalisationBundleContext = (cardId: string): string => `personalisation-bundle:${cardId}`;

/**
 * Seals a bundle with the personalisation key, which only the stages that personalise the card hold
 * (issuance-data writes, the lanes and pre-delivery read). The blob store then encrypts it again with the
 * master key every service has: without the personalisation key that layer only yields ciphertext.
 */
export function sealPersonalisationBundle(bundle: PersonalisationBundle, cipher: BundleCipher): Buffer {
  return cipher.encrypt(JSON.stringify(bundle), personalisationBundleContext(bundle.cardId));
}

/** Opens and validates a sealed bundle; a wrong key or card id is a DecryptionError from the cipher. */
export function openPersonalisationBundle(
  sealed: Buffer,
  cipher: BundleCipher,
  cardId: string,
): PersonalisationBundle {
  const bundle = parsePersonalisationBundle(cipher.decrypt(sealed, personalisationBundleContext(cardId)));
  if (bundle.cardId !== cardId)
    throw new ContractViolationError('SCHEMA_VIOLATION', 'personalisation bundle belongs to another card');
  return bundle;
}

/** A file of the bundle as bytes. */
export function bundleFile(
  bundle: PersonalisationBundle,
  application: 'text' | 'visual',
  fid: number,
): Buffer {
  const file = bundle.files.find((f) => f.application === application && f.fid === fid);
  if (!file) throw new ContractViolationError('SCHEMA_VIOLATION', `bundle has no ${application} EF ${fid}`);
  return Buffer.from(file.content, 'base64');
}
