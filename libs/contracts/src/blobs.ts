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
});
export type ApplicantRecord = Static<typeof ApplicantRecordSchema>;

export const PersonalisationBundleSchema = Type.Object({
  version: Type.Literal(1),
  cardProfile: CardProfile,
  cardNumber: Type.String(),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
  applicant: ApplicantRecordSchema,
  photo: BlobRefSchema,
});
export type PersonalisationBundle = Static<typeof PersonalisationBundleSchema>;

export const BlobMediaTypes = {
  applicantRecord: 'application/vnd.mnc.applicant-record.v1+json',
  personalisationBundle: 'application/vnd.mnc.personalisation-bundle.v1+json',
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
