import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TrackingStatus } from './carrier';

export type ShipmentStatus = 'dispatched' | 'delivered' | 'returned-to-sender';

@Entity({ schema: 'delivery', name: 'shipments' })
export class ShipmentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'application_id', unique: true })
  applicationId!: string;

  @Column('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('text')
  carrier!: string;

  @Column('text', { name: 'tracking_number', unique: true })
  trackingNumber!: string;

  @Column('text')
  status!: ShipmentStatus;

  @Column('text', { name: 'last_tracking_status', nullable: true })
  lastTrackingStatus!: TrackingStatus | null;

  /** Normal-route cards travel to their municipality in the day's consignment. */
  @Column('text', { name: 'consignment_id', nullable: true })
  consignmentId!: string | null;

  @Column('timestamptz', { name: 'dispatched_at' })
  dispatchedAt!: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  /** The application's trace at dispatch, so the carrier's later delivery report continues it. */
  @Column('text', { nullable: true })
  traceparent!: string | null;
}

/** Every tracking event the carrier reported, as received through the signed webhook. */
@Entity({ schema: 'delivery', name: 'tracking_events' })
export class TrackingEventEntity {
  @PrimaryColumn('text', { name: 'carrier_event_id' })
  carrierEventId!: string;

  @Column('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text')
  status!: TrackingStatus;

  @Column('timestamptz')
  at!: Date;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;
}

/** A normal-route consignment: the cards for one municipality, handed to the carrier on one day. */
@Entity({ schema: 'delivery', name: 'consignments' })
export class ConsignmentEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'municipality_code' })
  municipalityCode!: string;

  @Column('date', { name: 'consigned_on' })
  consignedOn!: string;

  @Column('integer')
  cards!: number;
}

export type WorkItemKind = 'returned-to-sender' | 'undeliverable-address';
export type WorkItemResolution = 'redispatch-requested' | 'held-at-municipality' | 'card-destroyed';

/** Mail that did not reach its recipient waits here for an operator; nothing is dropped in silence. */
@Entity({ schema: 'delivery', name: 'work_items' })
export class WorkItemEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  kind!: WorkItemKind;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('text', { name: 'tracking_number', nullable: true })
  trackingNumber!: string | null;

  @Column('text')
  status!: 'open' | 'resolved';

  @Column('text', { nullable: true })
  resolution!: WorkItemResolution | null;

  @Column('text', { name: 'resolved_by', nullable: true })
  resolvedBy!: string | null;

  @Column('timestamptz', { name: 'opened_at' })
  openedAt!: Date;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;
}

/** The simulated carrier's own books: in production this state lives at the carrier. */
@Entity({ schema: 'delivery', name: 'simulated_carrier_parcels' })
export class SimulatedParcelEntity {
  @PrimaryColumn('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text', { name: 'idempotency_key', unique: true })
  idempotencyKey!: string;

  /** The last status reported (the webhook accepted it), or 'created' before the first. */
  @Column('text')
  status!: 'created' | TrackingStatus;

  /** deliver: accepted, in transit, delivered. return: accepted, in transit, attempted, returned. */
  @Column('text')
  outcome!: 'deliver' | 'return';

  @Column('timestamptz', { name: 'deliver_after' })
  deliverAfter!: Date;

  @Column('boolean', { name: 'update_sent', default: false })
  updateSent!: boolean;
}
