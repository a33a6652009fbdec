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
