import { Type, type TSchema } from '@sinclair/typebox';
import { READ_PURPOSES } from './intake.service';
import { APPLICATION_STATUSES } from './application-status';
import { CARD_PROFILES, CHANNELS, IDENTITY_DOCUMENTS, ROUTES } from './submission';

/**
 * The request and response shapes of the /v1 API as JSON Schema (TypeBox), for the OpenAPI document.
 * The checks themselves are the domain library's (`validateApplicant`, `parseSubmission`), which report
 * every bad field at once; these schemas describe the same rules for clients.
 */
const literals = (values: readonly string[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );
const Katakana = Type.String({
  pattern: '^[ァ-ヺー-ヾ]+$',
  maxLength: 100,
  description: 'Full-width katakana.',
});
const PassportName = Type.String({ pattern: '^[A-Z]+(?:[ -][A-Z]+)*$', maxLength: 100 });
const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

export const RomajiNameSchema = Type.Object({ familyName: PassportName, givenName: PassportName });

export const ApplicantInputSchema = Type.Object(
  {
    familyName: Type.String({ minLength: 1, maxLength: 50, description: 'Legal family name (kanji).' }),
    givenName: Type.String({ minLength: 1, maxLength: 50 }),
    familyNameKana: Katakana,
    givenNameKana: Katakana,
    birthDate: Type.String({
      format: 'date',
      description: 'YYYY-MM-DD, from 1873-01-01; shown in era and Western form.',
    }),
    sex: literals(['1', '2', '9'], 'ISO/IEC 5218: 1 male, 2 female, 9 not applicable.'),
    address: Type.Object({
      prefecture: Type.String({ description: 'One of the 47 prefectures, e.g. 東京都.' }),
      municipality: Type.String({ minLength: 1, maxLength: 50 }),
      line: Type.String({ minLength: 1, maxLength: 200, description: 'Town, block and building.' }),
      postalCode: Type.String({ pattern: '^[0-9]{7}$' }),
    }),
    localGovernmentCode: Type.String({
      pattern: '^[0-9]{6}$',
      description: '6-digit local government code with check digit; its first two digits are the prefecture.',
    }),
    myNumber: Type.String({ pattern: '^[0-9]{12}$', description: '12 digits with check digit.' }),
    passportSpelling: Type.Optional(
      Type.Intersect([RomajiNameSchema], {
        description: "The name as in the applicant's passport; decides the printed romaji.",
      }),
    ),
    romaji: Type.Optional(
      Type.Intersect([RomajiNameSchema], {
        description:
          'Printed romaji. Must equal passportSpelling when given, else the passport Hepburn of the furigana; derived when omitted.',
      }),
    ),
    alias: Type.Optional(
      Type.Object(
        { name: Type.String({ maxLength: 50 }), kana: Katakana },
        { description: '通称, printed beside the legal name.' },
      ),
    ),
    formerSurname: Type.Optional(
      Type.Object(
        { familyName: Type.String({ maxLength: 50 }), familyNameKana: Katakana },
        { description: '旧氏, printed on request.' },
      ),
    ),
  },
  {
    description:
      'Strings are normalised (NFC; full-width ASCII folded, half-width katakana widened); control, format and private-use characters are refused.',
  },
);

export const OfficialCheckSchema = Type.Object({
  officialId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Staff id of the official.' }),
  officialName: Type.String({ minLength: 1, maxLength: 50 }),
  document: literals(IDENTITY_DOCUMENTS, 'The identity document checked.'),
});

export const SubmissionSchema = Type.Object({
  channel: literals(CHANNELS),
  route: literals(
    ROUTES,
    'normal: card to the municipality; express: mailed to the resident (required for lost-card-reissue).',
  ),
  cardProfile: Type.Optional(literals(CARD_PROFILES, 'Default next-gen.')),
  applicant: ApplicantInputSchema,
  identityCheck: Type.Optional(
    Type.Intersect([OfficialCheckSchema], {
      description: 'Required for channel counter (IAL3: a named official).',
    }),
  ),
  keyedBy: Type.Optional(
    Type.Object(
      { officialId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) },
      { description: 'Required for channel paper: the operator.' },
    ),
  ),
  photo: Type.Optional(
    Type.Object(
      {
        mediaType: Type.Optional(literals(['image/jpeg', 'image/png'])),
        data: Type.String({ contentEncoding: 'base64', description: 'At most 10 MiB, 25 megapixels.' }),
      },
      { description: 'JSON requests only; multipart requests send the file as the photo part.' },
    ),
  ),
});

export const MultipartSubmissionSchema = Type.Object({
  application: Type.String({ description: 'The submission as JSON (without photo).' }),
  photo: Type.String({ format: 'binary', description: 'JPEG or PNG, at most 10 MiB.' }),
});

const TimelineEntrySchema = Type.Object({
  eventId: Uuid,
  type: Type.String(),
  source: Type.String(),
  at: Timestamp,
});

export const ApplicationViewSchema = Type.Object({
  id: Uuid,
  status: literals(APPLICATION_STATUSES),
  channel: literals(CHANNELS),
  route: literals(ROUTES),
  cardProfile: literals(CARD_PROFILES),
  municipalityCode: Type.String(),
  submittedAt: Timestamp,
  updatedAt: Timestamp,
  cardId: Type.Optional(Uuid),
  replacesApplicationId: Type.Optional(Uuid),
  identityCheck: Type.Optional(Type.Object({}, { additionalProperties: true })),
  review: Type.Optional(
    Type.Object({
      reasons: Type.Array(
        Type.Object({
          field: Type.String(),
          code: Type.String(),
          codePoints: Type.Optional(Type.Array(Type.String())),
        }),
      ),
      decision: Type.Optional(literals(['approve', 'cancel'])),
    }),
  ),
  closedReason: Type.Optional(Type.String()),
  timeline: Type.Optional(
    Type.Array(TimelineEntrySchema, { description: 'Every event of the application, in order.' }),
  ),
  links: Type.Object({ self: Type.String() }),
});

export const ApplicationListSchema = Type.Object({
  items: Type.Array(ApplicationViewSchema),
  next: Type.Optional(Type.String()),
});

export const ApplicantRecordViewSchema = Type.Intersect([ApplicantInputSchema], {
  description: 'The stored applicant record; myNumber masked but for its last four digits.',
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({
            description: 'Dotted path, e.g. applicant.myNumber or header.Idempotency-Key.',
          }),
          code: Type.String(),
          message: Type.String(),
        }),
      ),
    ),
  },
  { description: 'RFC 9457 problem details (application/problem+json).' },
);

export const CancellationSchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200 }) });
export const ReviewDecisionSchema = Type.Object({
  decision: literals(['approve', 'cancel']),
  officialId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
});
export const HandoverSchema = Type.Object({ identityCheck: OfficialCheckSchema });
export const LossReportSchema = Type.Object({ reportedBy: OfficialCheckSchema });
export const LossReportResultSchema = Type.Object({ cardId: Uuid, reissue: ApplicationViewSchema });

export const WebhookRegistrationSchema = Type.Object({
  url: Type.String({ format: 'uri', description: 'https (http only to localhost).' }),
  municipalityCode: Type.String({ description: '6 digits, or * for a national client.' }),
});
const WebhookViewProperties = {
  id: Uuid,
  url: Type.String(),
  municipalityCode: Type.String(),
  createdAt: Timestamp,
  disabledAt: Type.Optional(Timestamp),
  links: Type.Object({ deliveries: Type.String() }),
};
export const WebhookViewSchema = Type.Object(WebhookViewProperties);
export const WebhookCreatedSchema = Type.Object({
  ...WebhookViewProperties,
  secret: Type.String({ description: 'Signing secret, shown only in this answer.' }),
});
export const WebhookListSchema = Type.Object({ items: Type.Array(WebhookViewSchema) });
export const StatusChangedSchema = Type.Object(
  {
    type: Type.Literal('application.status-changed'),
    deliveryId: Uuid,
    applicationId: Uuid,
    municipalityCode: Type.String(),
    previousStatus: literals(APPLICATION_STATUSES),
    status: literals(APPLICATION_STATUSES),
    eventId: Uuid,
    eventType: Type.String(),
    occurredAt: Timestamp,
  },
  { description: 'Body of a webhook delivery (signed: see Mnc-Webhook-Signature).' },
);
export const DeliveryListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      applicationId: Uuid,
      eventId: Uuid,
      state: literals(['pending', 'delivered', 'failed']),
      attempts: Type.Integer(),
      lastStatus: Type.Union([Type.Integer(), Type.Null()]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      createdAt: Timestamp,
      nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
      deliveredAt: Type.Union([Timestamp, Type.Null()]),
      payload: StatusChangedSchema,
    }),
  ),
});

export const PurposeHeader = {
  name: 'X-Purpose',
  in: 'header',
  required: true,
  description: 'Why personal data is read; recorded in the audit log.',
  schema: literals(READ_PURPOSES) as TSchema,
};
