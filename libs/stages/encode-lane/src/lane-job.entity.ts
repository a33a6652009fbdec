import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';
import type { LanePriority } from './queue/lane-queue';

/** What a lane needs to make (and announce) an application's card: ids and references, no personal data. */
export interface LaneOrder {
  readonly route: 'normal' | 'express';
  readonly cardProfile: 'legacy-rsa2048' | 'next-gen';
  readonly municipalityCode: string;
  readonly applicantRecord: BlobRef;
  readonly cardId: string;
  /** The CA knows the card by its number: spoiling an attempt revokes its certificates by it. */
  readonly cardNumber: string;
  readonly bundle: BlobRef;
}

/**
 * One card attempt to dispatch to the lane pool's queue: written in the transaction that records its cause
 * (the inbox claim of issuance-data.generated, or the spoiling of the previous attempt), then enqueued after
 * the commit. Rows still `pending` after a crash are swept and enqueued on the next start; the job id is
 * derived from (application, attempt), so enqueueing twice has no effect.
 */
@Entity({ schema: 'encode_lane', name: 'lane_jobs' })
export class LaneJobEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @PrimaryColumn('int')
  attempt!: number;

  @Column('text')
  priority!: LanePriority;

  @Column('jsonb')
  order!: LaneOrder;

  /** pending: not yet in the queue; queued; done: the attempt finished (encoded or spoiled); gave-up. */
  @Column('text')
  status!: 'pending' | 'queued' | 'done' | 'gave-up';

  @Column('text', { nullable: true })
  traceparent!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'dispatched_at', nullable: true })
  dispatchedAt!: Date | null;
}
