import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';

/** The card record: exactly one per application (unique index), whatever redeliveries happen. */
@Entity({ schema: 'issuance_data', name: 'cards' })
export class CardEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'application_id', unique: true })
  applicationId!: string;

  @Column('text', { name: 'card_number', unique: true })
  cardNumber!: string;

  @Column('text', { name: 'card_profile' })
  cardProfile!: 'legacy-rsa2048' | 'next-gen';

  @Column('date', { name: 'issued_on' })
  issuedOn!: string;

  @Column('date', { name: 'expires_on' })
  expiresOn!: string;

  @Column('jsonb')
  bundle!: BlobRef;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
