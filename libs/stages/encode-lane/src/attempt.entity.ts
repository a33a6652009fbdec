import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';

/**
 * One physical card attempt. A spoiled attempt (failed QA, interrupted encode) is never reused: the next
 * attempt takes a new blank. A partial unique index allows at most one encoded card per application.
 */
@Entity({ schema: 'encode_lane', name: 'card_attempts' })
export class CardAttemptEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('uuid', { name: 'card_id' })
  cardId!: string;

  @Column('int')
  attempt!: number;

  @Column('text')
  lane!: string;

  @Column('text')
  status!: 'encoding' | 'encoded' | 'spoiled';

  @Column('text', { name: 'chip_serial', nullable: true })
  chipSerial!: string | null;

  @Column('text', { name: 'spoil_reason', nullable: true })
  spoilReason!: string | null;

  /** The printed face images (PNG) in the blob store; absent until printed. */
  @Column('jsonb', { nullable: true })
  faces!: { front: BlobRef; back: BlobRef } | null;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
