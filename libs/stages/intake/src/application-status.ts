import type { EventType } from '@mnc/contracts';

/** Where an application stands, as the counter and the resident see it. */
export const APPLICATION_STATUSES = [
  'submitted',
  'photo-rejected',
  'photo-accepted',
  'issuance-data-generated',
  'encoded',
  'ready-for-dispatch',
  'dispatched',
  'delivered',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses after which a person may apply again (the open-application rule no longer holds them). */
export const CLOSED_STATUSES: readonly ApplicationStatus[] = ['photo-rejected', 'delivered'];

const STATUS_AFTER: Partial<Record<EventType, ApplicationStatus>> = {
  'photo.rejected': 'photo-rejected',
  'photo.accepted': 'photo-accepted',
  'issuance-data.generated': 'issuance-data-generated',
  'card.encoded': 'encoded',
  'card.ready-for-dispatch': 'ready-for-dispatch',
  'card.dispatched': 'dispatched',
  'card.delivered': 'delivered',
};

export const TRACKED_EVENT_TYPES = Object.keys(STATUS_AFTER) as EventType[];

const rank = (status: ApplicationStatus) => APPLICATION_STATUSES.indexOf(status);

/**
 * The status after an event. Events of different topics may arrive in any order, so the status only moves
 * forward: a late `card.dispatched` after `card.delivered` leaves it delivered.
 */
export function statusAfter(current: ApplicationStatus, eventType: EventType): ApplicationStatus {
  const next = STATUS_AFTER[eventType];
  if (!next) return current;
  return rank(next) > rank(current) ? next : current;
}
