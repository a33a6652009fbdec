import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';

export type LetterKind = 'delivery-notice' | 'puk-letter' | 'pin-letter';

export interface LetterRecord {
  readonly kind: LetterKind;
  /** The PDF, encrypted in the blob store. */
  readonly pdf: BlobRef;
  /** The PUK and PIN letters never share an envelope with the card. */
  readonly mailing: 'with-delivery-notice-post' | 'separate-from-card';
}

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

  @Column('jsonb', { default: () => `'[]'::jsonb` })
  letters!: LetterRecord[];

  @Column('timestamptz', { name: 'set_up_at', default: () => 'now()' })
  setUpAt!: Date;
}
