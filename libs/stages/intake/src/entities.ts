import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';
import type { ApplicationStatus } from './application-status';

@Entity({ schema: 'intake', name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  status!: ApplicationStatus;

  @Column('text')
  channel!: 'counter' | 'online' | 'paper' | 'lost-card-reissue';

  @Column('text')
  route!: 'normal' | 'express';

  @Column('text', { name: 'card_profile' })
  cardProfile!: 'legacy-rsa2048' | 'next-gen';

  @Column('text', { name: 'municipality_code' })
  municipalityCode!: string;

  /** Keyed hash of the my number: finds a person's open application without storing the number. */
  @Column('text', { name: 'person_key' })
  personKey!: string;

  @Column('jsonb', { name: 'applicant_record' })
  applicantRecord!: BlobRef;

  @Column('jsonb')
  photo!: BlobRef;

  @Column('timestamptz', { name: 'submitted_at' })
  submittedAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  /** The API client that created the application (its id in the audit log). */
  @Column('text', { name: 'client_id', nullable: true })
  clientId!: string | null;

  /** Counter channel: the official who checked the applicant's identity; paper: the operator who keyed it. */
  @Column('jsonb', { name: 'identity_check', nullable: true })
  identityCheck!: IdentityCheck | null;

  /** Why a person must look at the application before it goes on (characters the print font lacks). */
  @Column('jsonb', { nullable: true })
  review!: ReviewNote | null;

  /** The card issued for the application, once issuance-data made it. */
  @Column('uuid', { name: 'card_id', nullable: true })
  cardId!: string | null;

  /** Express reissue: the application of the card reported lost. */
  @Column('uuid', { name: 'replaces_application_id', nullable: true })
  replacesApplicationId!: string | null;

  @Column('text', { name: 'closed_reason', nullable: true })
  closedReason!: string | null;
}

export interface IdentityCheck {
  readonly officialId: string;
  readonly officialName?: string;
  readonly document?: string;
  readonly checkedAt: string;
  /** What was checked: the application at the counter, or the card's handover. */
  readonly purpose?: 'application' | 'handover' | 'loss-report' | 'death-notice';
}

export interface ReviewNote {
  readonly reasons: readonly { field: string; code: string; codePoints?: readonly string[] }[];
  readonly decision?: 'approve' | 'cancel';
  readonly decidedBy?: string;
  readonly decidedAt?: string;
}

@Entity({ schema: 'intake', name: 'timeline' })
export class TimelineEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('uuid', { name: 'event_id', unique: true })
  eventId!: string;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  @Column('text')
  source!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;
}

@Entity({ schema: 'intake', name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn('text')
  key!: string;

  @Column('text', { name: 'request_hash' })
  requestHash!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

@Entity({ schema: 'intake', name: 'audit_log' })
export class AuditLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at!: Date;

  @Column('text', { name: 'client_id' })
  clientId!: string;

  @Column('text')
  action!: string;

  @Column('uuid', { name: 'application_id', nullable: true })
  applicationId!: string | null;

  @Column('text')
  purpose!: string;

  @Column('text')
  outcome!: 'allowed' | 'denied';
}

@Entity({ schema: 'intake', name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'client_id' })
  clientId!: string;

  @Column('text', { name: 'municipality_code' })
  municipalityCode!: string;

  @Column('text')
  url!: string;

  /** The signing secret, sealed with the master key. */
  @Column('bytea')
  secret!: Buffer;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;
}

@Entity({ schema: 'intake', name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('text')
  state!: 'pending' | 'delivered' | 'failed';

  @Column('integer')
  attempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column('integer', { name: 'last_status', nullable: true })
  lastStatus!: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;
}
