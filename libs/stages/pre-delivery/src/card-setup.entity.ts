import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A card's central pre-delivery setup: registered against its application, certificates held until delivery. */
@Entity({ schema: 'pre_delivery', name: 'card_setups' })
export class CardSetupEntity {
  @PrimaryColumn('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('uuid', { name: 'application_id', unique: true })
  applicationId!: string;

  @Column('text', { name: 'deliver_to' })
  deliverTo!: 'resident' | 'municipality';

  @Column('text')
  activation!: 'pending-delivery';

  @Column('timestamptz', { name: 'set_up_at', default: () => 'now()' })
  setUpAt!: Date;
}
