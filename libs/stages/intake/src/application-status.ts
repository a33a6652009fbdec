import type { EventType } from '@mnc/contracts';

/** Where an application stands, as the counter and the resident see it, in the order it moves. */
export const APPLICATION_STATUSES = [
  'in-review',
  'submitted',
  'photo-review',
  'photo-rejected',
  'photo-accepted',
  'issuance-data-generated',
  'encoded',
  'ready-for-dispatch',
  'dispatched',
  'delivered',
  'handed-over',
  'card-reported-lost',
  'holder-deceased',
  'cancelled',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses after which a person may apply again (the open-application rule no longer holds them). */
export const CLOSED_STATUSES: readonly ApplicationStatus[] = [
  'photo-rejected',
  'delivered',
  'handed-over',
  'card-reported-lost',
  'holder-deceased',
  'cancelled',
];

/** Statuses no pipeline event moves an application out of: a person or the counter decided them. */
const FINAL_STATUSES: readonly ApplicationStatus[] = [
  'handed-over',
  'card-reported-lost',
  'holder-deceased',
  'cancelled',
];

/** Statuses in which the application can still be withdrawn: no card record exists yet. */
export const CANCELLABLE_STATUSES: readonly ApplicationStatus[] = [
  'in-review',
  'submitted',
  'photo-review',
  'photo-accepted',
];

const STATUS_AFTER: Partial<Record<EventType, ApplicationStatus>> = {
  // Waiting for a person to look at the photo; their decision moves it on like an automatic one.
  'photo.review-requested': 'photo-review',
  'photo.rejected': 'photo-rejected',
  'photo.accepted': 'photo-accepted',
  'issuance-data.generated': 'issuance-data-generated',
  'card.encoded': 'encoded',
  'card.ready-for-dispatch': 'ready-for-dispatch',
  'card.dispatched': 'dispatched',
  'card.delivered': 'delivered',
};

/** Events that go on the application's timeline without moving its status: every card state change. */
const TIMELINE_ONLY: readonly EventType[] = ['card.lifecycle-changed', 'shipment.tracking-updated'];

export const TRACKED_EVENT_TYPES = [...(Object.keys(STATUS_AFTER) as EventType[]), ...TIMELINE_ONLY];

const rank = (status: ApplicationStatus) => APPLICATION_STATUSES.indexOf(status);

/**
 * The status after an event. Events of different topics may arrive in any order, so the status only moves
 * forward: a late `card.dispatched` after `card.delivered` leaves it delivered, and nothing moves an
 * application that was handed over, reported lost or cancelled.
 */
export function statusAfter(current: ApplicationStatus, eventType: EventType): ApplicationStatus {
  const next = STATUS_AFTER[eventType];
  if (!next || FINAL_STATUSES.includes(current)) return current;
  return rank(next) > rank(current) ? next : current;
}
