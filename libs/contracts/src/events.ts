import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Topics, type TopicName } from './topics';

/**
 * Event payloads. They carry ids, states and non-sensitive attributes only: personal data (name, address,
 * birth date, sex, my number, photo) stays in the owning service's encrypted store and travels by
 * content-addressed reference (`BlobRef`) to an encrypted blob.
 */
const ApplicationId = Type.String({ format: 'uuid', description: 'Application id (UUIDv7); the Kafka key.' });
const CardId = Type.String({ format: 'uuid', description: 'Card record id issued by issuance-data.' });
const Sha256Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });

export const BlobRefSchema = Type.Object(
  {
    hash: Sha256Ref,
    size: Type.Integer({ minimum: 0 }),
    mediaType: Type.String({ minLength: 1, maxLength: 100 }),
  },
  {
    $id: 'BlobRef',
    description: 'An encrypted blob in the blob store, addressed by the SHA-256 of its plaintext.',
  },
);
export type BlobRef = Static<typeof BlobRefSchema>;

export const Route = Type.Union([Type.Literal('normal'), Type.Literal('express')], {
  description: 'normal: card to the municipality; express: card mailed straight to the resident.',
});
export const CardProfile = Type.Union([Type.Literal('legacy-rsa2048'), Type.Literal('next-gen')]);
export const Channel = Type.Union([
  Type.Literal('counter'),
  Type.Literal('online'),
  Type.Literal('paper'),
  Type.Literal('lost-card-reissue'),
]);
const MunicipalityCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: '6-digit local government code.',
});
const Timestamp = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

/** Fields every stage carries forward so no stage has to call back upstream. */
const Routing = {
  applicationId: ApplicationId,
  route: Route,
  cardProfile: CardProfile,
  municipalityCode: MunicipalityCode,
  applicantRecord: BlobRefSchema,
};

const ApplicationSubmitted = Type.Object(
  {
    ...Routing,
    channel: Channel,
    photo: BlobRefSchema,
    submittedAt: Timestamp,
  },
  { additionalProperties: false },
);

const ApplicationCancelled = Type.Object(
  { applicationId: ApplicationId, reason: Type.String({ maxLength: 200 }), cancelledAt: Timestamp },
  { additionalProperties: false },
);

const PhotoAccepted = Type.Object(
  {
    ...Routing,
    photo: BlobRefSchema,
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    printImage: Type.Optional(BlobRefSchema),
    decision: Type.Union([Type.Literal('automatic'), Type.Literal('reviewer')]),
  },
  {
    additionalProperties: false,
    description:
      'photo: the chip image (baseline JPEG 420×540, 24-bit colour, no metadata, at most 24,000 bytes), ' +
      'width × height its size; printImage: the card-face print image (JPEG, 35:45).',
  },
);

const PhotoReason = Type.Object({
  code: Type.String({ pattern: '^[A-Z_]+$' }),
  message: Type.String({ maxLength: 500, description: 'English, for the applicant.' }),
  messageJa: Type.Optional(Type.String({ maxLength: 500, description: 'Japanese, for the applicant.' })),
});

const PhotoRejected = Type.Object(
  {
    applicationId: ApplicationId,
    reasons: Type.Array(PhotoReason, { minItems: 1 }),
    decision: Type.Union([Type.Literal('automatic'), Type.Literal('reviewer')]),
  },
  { additionalProperties: false },
);

const PhotoReviewRequested = Type.Object(
  {
    applicationId: ApplicationId,
    reasons: Type.Array(PhotoReason, { minItems: 1 }),
    /** quality: a check was borderline or a model unsure; audit: a random sample of an accepted photo. */
    kind: Type.Union([Type.Literal('quality'), Type.Literal('audit')]),
  },
  {
    additionalProperties: false,
    description: 'The photo waits for a person; photo.accepted or photo.rejected follows the decision.',
  },
);

const IssuanceDataGenerated = Type.Object(
  {
    ...Routing,
    cardId: CardId,
    cardNumber: Type.String({ pattern: '^[0-9A-Z]{12}$' }),
    issuedOn: LocalDate,
    expiresOn: LocalDate,
    bundle: BlobRefSchema,
  },
  { additionalProperties: false, description: 'The personalisation bundle (encrypted) is ready for a lane.' },
);

const CardEncoded = Type.Object(
  {
    ...Routing,
    cardId: CardId,
    chipSerial: Type.String({ pattern: '^[0-9A-F]{2,32}$' }),
    lane: Type.String({ minLength: 1, maxLength: 64 }),
    attempt: Type.Integer({ minimum: 1 }),
    encodedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardReadyForDispatch = Type.Object(
  {
    ...Routing,
    cardId: CardId,
    deliverTo: Type.Union([Type.Literal('resident'), Type.Literal('municipality')]),
    activation: Type.Literal('pending-delivery'),
  },
  { additionalProperties: false },
);

const CardDispatched = Type.Object(
  {
    applicationId: ApplicationId,
    cardId: CardId,
    shipmentId: Type.String({ format: 'uuid' }),
    carrier: Type.String({ minLength: 1 }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 40 }),
    dispatchedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardDelivered = Type.Object(
  {
    applicationId: ApplicationId,
    cardId: CardId,
    shipmentId: Type.String({ format: 'uuid' }),
    deliveredAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardHandedOver = Type.Object(
  {
    applicationId: ApplicationId,
    municipalityCode: MunicipalityCode,
    identityCheckedBy: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Staff id of the official who checked the holder at the counter.',
    }),
    handedOverAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardLossReported = Type.Object(
  {
    applicationId: Type.String({ format: 'uuid', description: 'The application of the card reported lost.' }),
    reissueApplicationId: Type.String({
      format: 'uuid',
      description: 'The express reissue application intake created for the replacement card.',
    }),
    reportedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardFoundReported = Type.Object(
  {
    applicationId: Type.String({ format: 'uuid', description: 'The application of the card found again.' }),
    reportedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardHolderDeceased = Type.Object(
  {
    applicationId: Type.String({ format: 'uuid', description: 'The application of a card of the deceased.' }),
    notifiedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CardLifecycleState = Type.Union(
  [
    'encoded',
    'set-up',
    'dispatched',
    'delivered',
    'in-use',
    'returned-to-sender',
    'suspended',
    'permanently-lost',
    'revoked',
    'expired',
  ].map((s) => Type.Literal(s)),
);

const CardLifecycleChanged = Type.Object(
  {
    applicationId: ApplicationId,
    cardId: CardId,
    from: CardLifecycleState,
    to: CardLifecycleState,
    command: Type.String({ pattern: '^[a-z-]+$', maxLength: 40 }),
    certificates: Type.Object(
      {
        action: Type.Union([
          Type.Literal('none'),
          Type.Literal('hold'),
          Type.Literal('release'),
          Type.Literal('revoke'),
        ]),
        reason: Type.Optional(Type.String({ pattern: '^[a-zA-Z]+$', description: 'RFC 5280 reason name.' })),
        subReason: Type.Optional(Type.Literal('death')),
      },
      { additionalProperties: false },
    ),
    replacementCardId: Type.Optional(CardId),
    changedAt: Timestamp,
  },
  { additionalProperties: false },
);

const ShipmentTrackingUpdated = Type.Object(
  {
    applicationId: ApplicationId,
    cardId: CardId,
    shipmentId: Type.String({ format: 'uuid' }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 40 }),
    status: Type.Union([
      Type.Literal('accepted'),
      Type.Literal('in-transit'),
      Type.Literal('delivery-attempted'),
      Type.Literal('delivered'),
      Type.Literal('returned-to-sender'),
    ]),
    at: Timestamp,
  },
  { additionalProperties: false },
);

interface CatalogueEntry {
  readonly topic: TopicName;
  readonly version: number;
  readonly producer: string;
  readonly summary: string;
  readonly schema: TSchema;
}

function entry(topic: TopicName, producer: string, summary: string, schema: TSchema): CatalogueEntry {
  return { topic, version: 1, producer, summary, schema };
}

/** Payload type of every event; `PayloadOf<T>` keeps producers and consumers type-checked. */
export interface EventPayloads {
  'application.submitted': Static<typeof ApplicationSubmitted>;
  'application.cancelled': Static<typeof ApplicationCancelled>;
  'photo.accepted': Static<typeof PhotoAccepted>;
  'photo.rejected': Static<typeof PhotoRejected>;
  'photo.review-requested': Static<typeof PhotoReviewRequested>;
  'issuance-data.generated': Static<typeof IssuanceDataGenerated>;
  'card.encoded': Static<typeof CardEncoded>;
  'card.ready-for-dispatch': Static<typeof CardReadyForDispatch>;
  'card.dispatched': Static<typeof CardDispatched>;
  'card.delivered': Static<typeof CardDelivered>;
  'card.handed-over': Static<typeof CardHandedOver>;
  'card.loss-reported': Static<typeof CardLossReported>;
  'card.found-reported': Static<typeof CardFoundReported>;
  'card.holder-deceased': Static<typeof CardHolderDeceased>;
  'card.lifecycle-changed': Static<typeof CardLifecycleChanged>;
  'shipment.tracking-updated': Static<typeof ShipmentTrackingUpdated>;
}
export type EventType = keyof EventPayloads;
export type PayloadOf<T extends EventType> = EventPayloads[T];

/** Every event type, its topic, producer and payload schema. The AsyncAPI document is generated from this. */
export const EventCatalogue: { readonly [T in EventType]: CatalogueEntry } = {
  'application.submitted': entry(
    Topics.applicationSubmitted,
    'intake',
    'An application passed intake checks; its photo and encrypted applicant record are stored.',
    ApplicationSubmitted,
  ),
  'application.cancelled': entry(
    Topics.applicationCancelled,
    'intake',
    'An application was withdrawn before a card was issued.',
    ApplicationCancelled,
  ),
  'photo.accepted': entry(
    Topics.photoAccepted,
    'photo-screening',
    'The photo passed screening.',
    PhotoAccepted,
  ),
  'photo.rejected': entry(
    Topics.photoRejected,
    'photo-screening',
    'The photo failed screening; reasons the applicant can act on.',
    PhotoRejected,
  ),
  'photo.review-requested': entry(
    Topics.photoReviewRequested,
    'photo-screening',
    'The photo went to a person (borderline quality or an audit sample); the application waits for review.',
    PhotoReviewRequested,
  ),
  'issuance-data.generated': entry(
    Topics.issuanceDataGenerated,
    'issuance-data',
    'The card record and its personalisation bundle exist.',
    IssuanceDataGenerated,
  ),
  'card.encoded': entry(
    Topics.cardEncoded,
    'encode-lane',
    'A card was printed, encoded and passed read-back QA.',
    CardEncoded,
  ),
  'card.ready-for-dispatch': entry(
    Topics.cardReadyForDispatch,
    'pre-delivery',
    'Pre-delivery setup is done; the card can be shipped.',
    CardReadyForDispatch,
  ),
  'card.dispatched': entry(
    Topics.cardDispatched,
    'delivery',
    'The card was handed to the carrier.',
    CardDispatched,
  ),
  'card.delivered': entry(
    Topics.cardDelivered,
    'delivery',
    'The carrier confirmed delivery of the card.',
    CardDelivered,
  ),
  'card.handed-over': entry(
    Topics.cardHandedOver,
    'intake',
    'The municipal counter handed a card over to its holder after an identity check.',
    CardHandedOver,
  ),
  'card.loss-reported': entry(
    Topics.cardLossReported,
    'intake',
    'A card was reported lost; an express reissue application was created for its replacement.',
    CardLossReported,
  ),
  'card.found-reported': entry(
    Topics.cardFoundReported,
    'intake',
    'A card reported lost was found again by its holder.',
    CardFoundReported,
  ),
  'card.holder-deceased': entry(
    Topics.cardHolderDeceased,
    'intake',
    'The holder of a card died (death notification from the resident register).',
    CardHolderDeceased,
  ),
  'card.lifecycle-changed': entry(
    Topics.cardLifecycleChanged,
    'pre-delivery',
    'A card moved in its lifecycle, with what happens to its certificates; pre-delivery owns the lifecycle.',
    CardLifecycleChanged,
  ),
  'shipment.tracking-updated': entry(
    Topics.shipmentTrackingUpdated,
    'delivery',
    'The carrier reported a tracking status of a shipment (signed webhook).',
    ShipmentTrackingUpdated,
  ),
};
export const EVENT_TYPES = Object.keys(EventCatalogue) as EventType[];

/** The CloudEvents `type` attribute: reverse-DNS, with the schema version. */
export function cloudEventType(type: EventType): string {
  return `jp.mynumbercard.${type}.v${EventCatalogue[type].version}`;
}
