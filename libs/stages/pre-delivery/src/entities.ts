import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';
import type { CardState } from '@mnc/domain-card-lifecycle';

/** What issuance-data told us about a card: the half of the setup join that carries the bundle. */
@Entity({ schema: 'pre_delivery', name: 'issued_cards' })
export class IssuedCardEntity {
  @PrimaryColumn('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('uuid', { name: 'application_id', unique: true })
  applicationId!: string;

  @Column('text', { name: 'card_number' })
  cardNumber!: string;

  @Column('date', { name: 'issued_on' })
  issuedOn!: string;

  @Column('date', { name: 'expires_on' })
  expiresOn!: string;

  @Column('jsonb')
  bundle!: BlobRef;
}

/** A card's place in its lifecycle. Pre-delivery is the one writer of this state. */
@Entity({ schema: 'pre_delivery', name: 'cards' })
export class CardEntity {
  @PrimaryColumn('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('uuid', { name: 'application_id', unique: true })
  applicationId!: string;

  @Column('text')
  state!: CardState;

  @Column('text')
  route!: 'normal' | 'express';

  @Column('text', { name: 'card_profile' })
  cardProfile!: 'legacy-rsa2048' | 'next-gen';

  @Column('text', { name: 'municipality_code' })
  municipalityCode!: string;

  @Column('jsonb', { name: 'applicant_record' })
  applicantRecord!: BlobRef;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

/** Every lifecycle change, in order: the card's audit trail. */
@Entity({ schema: 'pre_delivery', name: 'card_transitions' })
export class CardTransitionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('text', { name: 'from_state' })
  fromState!: CardState;

  @Column('text', { name: 'to_state' })
  toState!: CardState;

  @Column('text')
  command!: string;

  @Column('text', { name: 'certificate_action' })
  certificateAction!: string;

  @Column('text', { name: 'certificate_reason', nullable: true })
  certificateReason!: string | null;

  @Column('uuid', { name: 'event_id', nullable: true })
  eventId!: string | null;

  @Column('timestamptz', { name: 'changed_at' })
  changedAt!: Date;
}

/** A lost card and the express reissue application that will replace it. */
@Entity({ schema: 'pre_delivery', name: 'replacements' })
export class ReplacementEntity {
  @PrimaryColumn('uuid', { name: 'reissue_application_id' })
  reissueApplicationId!: string;

  @Column('uuid', { name: 'lost_card_id' })
  lostCardId!: string;

  @Column('timestamptz', { name: 'reported_at' })
  reportedAt!: Date;
}

/** The SLA clock of an application: started at submission, stopped at delivery. */
@Entity({ schema: 'pre_delivery', name: 'sla_clocks' })
export class SlaClockEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text')
  route!: 'normal' | 'express';

  @Column('date', { name: 'started_on' })
  startedOn!: string;

  @Column('date', { name: 'stopped_on', nullable: true })
  stoppedOn!: string | null;
}

/** The certificate status each card should have, and whether the CA has been told (an outbox for the CA). */
@Entity({ schema: 'pre_delivery', name: 'certificate_register' })
export class CertificateRegisterEntity {
  @PrimaryColumn('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('text')
  status!: 'held' | 'active' | 'revoked';

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { name: 'sub_reason', nullable: true })
  subReason!: string | null;

  /** Grows with every change; the CA has seen the change once `sentVersion` reaches it. */
  @Column('integer')
  version!: number;

  @Column('integer', { name: 'sent_version' })
  sentVersion!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
