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
    decision: Type.Union([Type.Literal('automatic'), Type.Literal('reviewer')]),
  },
  { additionalProperties: false },
);

const PhotoRejected = Type.Object(
  {
    applicationId: ApplicationId,
    reasons: Type.Array(
      Type.Object({ code: Type.String({ pattern: '^[A-Z_]+$' }), message: Type.String({ maxLength: 500 }) }),
      { minItems: 1 },
    ),
    decision: Type.Union([Type.Literal('automatic'), Type.Literal('reviewer')]),
  },
  { additionalProperties: false },
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
  'issuance-data.generated': Static<typeof IssuanceDataGenerated>;
  'card.encoded': Static<typeof CardEncoded>;
  'card.ready-for-dispatch': Static<typeof CardReadyForDispatch>;
  'card.dispatched': Static<typeof CardDispatched>;
  'card.delivered': Static<typeof CardDelivered>;
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
};
export const EVENT_TYPES = Object.keys(EventCatalogue) as EventType[];

/** The CloudEvents `type` attribute: reverse-DNS, with the schema version. */
export function cloudEventType(type: EventType): string {
  return `jp.mynumbercard.${type}.v${EventCatalogue[type].version}`;
}
