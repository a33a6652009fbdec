import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { BlobRef, PayloadOf } from '@mnc/contracts';
import type { StoredReason } from './screening.entity';

/** Reason codes, the note of a decision, the image viewed. */
export type ReviewActionDetail = Record<string, string | string[]>;
export type ReviewState = 'waiting' | 'claimed' | 'approved' | 'rejected';
export type ReviewAction = 'queued' | 'viewed' | 'claimed' | 'released' | 'approved' | 'rejected';
/** What photo.accepted carries forward besides the images. */
export type ReviewRouting = Pick<
  PayloadOf<'application.submitted'>,
  'route' | 'cardProfile' | 'municipalityCode' | 'applicantRecord'
>;

/** A photo waiting for (or decided by) a person. */
@Entity({ schema: 'photo_screening', name: 'review_cases' })
export class ReviewCaseEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text')
  kind!: 'quality' | 'audit';

  @Column('text')
  state!: ReviewState;

  @Column('jsonb')
  reasons!: StoredReason[];

  @Column('jsonb')
  routing!: ReviewRouting;

  @Column('jsonb', { name: 'source_photo' })
  sourcePhoto!: BlobRef;

  @Column('jsonb', { name: 'chip_image', nullable: true })
  chipImage!: BlobRef | null;

  @Column('jsonb', { name: 'print_image', nullable: true })
  printImage!: BlobRef | null;

  @Column('text', { name: 'claimed_by', nullable: true })
  claimedBy!: string | null;

  @Column('timestamptz', { name: 'claimed_at', nullable: true })
  claimedAt!: Date | null;

  @Column('text', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

/** The audit trail: append-only, one row per thing anyone did to a case. */
@Entity({ schema: 'photo_screening', name: 'review_actions' })
export class ReviewActionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text')
  action!: ReviewAction;

  @Column('text')
  actor!: string;

  @Column('jsonb', { default: () => `'{}'` })
  detail!: ReviewActionDetail;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}
