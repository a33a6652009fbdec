/**
 * The one table of Kafka topic names.
 *
 * Never rename a topic in place: consumers, retention and offsets hang on the name. A breaking change to an
 * event's schema is a new event version on a new topic (`...v2`), produced side by side until consumers move.
 */
export const Topics = {
  applicationSubmitted: 'mnc.application.submitted.v1',
  applicationCancelled: 'mnc.application.cancelled.v1',
  photoAccepted: 'mnc.photo.accepted.v1',
  photoRejected: 'mnc.photo.rejected.v1',
  photoReviewRequested: 'mnc.photo.review-requested.v1',
  issuanceDataGenerated: 'mnc.issuance-data.generated.v1',
  cardEncoded: 'mnc.card.encoded.v1',
  cardReadyForDispatch: 'mnc.card.ready-for-dispatch.v1',
  cardDispatched: 'mnc.card.dispatched.v1',
  cardDelivered: 'mnc.card.delivered.v1',
  cardHandedOver: 'mnc.card.handed-over.v1',
  cardLossReported: 'mnc.card.loss-reported.v1',
  cardFoundReported: 'mnc.card.found-reported.v1',
  cardHolderDeceased: 'mnc.card.holder-deceased.v1',
  cardLifecycleChanged: 'mnc.card.lifecycle-changed.v1',
  shipmentTrackingUpdated: 'mnc.shipment.tracking-updated.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Each consumer group parks what it cannot process in its own dead-letter topic. */
export function deadLetterTopic(consumerGroup: string): string {
  return `mnc.dlt.${consumerGroup}.v1`;
}

/** Partitions per topic: the ceiling on consumer-group members per stage. */
export const DEFAULT_PARTITIONS = 6;
