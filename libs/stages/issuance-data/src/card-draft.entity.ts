import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What makes a card this card, fixed the first time an application's photo.accepted is handled and reused by
 * every later attempt: card id and number, profile, issue date and the random secrets (security code, PUK),
 * sealed with the master key. A crash between generation and commit therefore retries with the same values;
 * it can never yield a second card with another number or code.
 */
@Entity({ schema: 'issuance_data', name: 'card_drafts' })
export class CardDraftEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('uuid', { name: 'card_id', unique: true })
  cardId!: string;

  @Column('text', { name: 'card_number', unique: true })
  cardNumber!: string;

  @Column('text', { name: 'card_profile' })
  cardProfile!: 'legacy-rsa2048' | 'next-gen';

  @Column('date', { name: 'issued_on' })
  issuedOn!: string;

  /** EnvelopeCipher-sealed JSON of the card's secrets; context {@link cardSecretsContext}. */
  @Column('bytea')
  secrets!: Buffer;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

export const cardSecretsContext = (applicationId: string) => `issuance-data:card-secrets:${applicationId}`;
