import { Column, Entity, PrimaryColumn } from 'typeorm';

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
  status!: 'dispatched' | 'delivered';

  @Column('timestamptz', { name: 'dispatched_at' })
  dispatchedAt!: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  /** The application's trace at dispatch, so the carrier's later delivery report continues it. */
  @Column('text', { nullable: true })
  traceparent!: string | null;
}

/** The simulated carrier's own books: in production this state lives at the carrier. */
@Entity({ schema: 'delivery', name: 'simulated_carrier_parcels' })
export class SimulatedParcelEntity {
  @PrimaryColumn('text', { name: 'tracking_number' })
  trackingNumber!: string;

  @Column('text', { name: 'idempotency_key', unique: true })
  idempotencyKey!: string;

  @Column('text')
  status!: 'accepted' | 'delivered';

  @Column('timestamptz', { name: 'deliver_after' })
  deliverAfter!: Date;

  @Column('boolean', { name: 'update_sent', default: false })
  updateSent!: boolean;
}
