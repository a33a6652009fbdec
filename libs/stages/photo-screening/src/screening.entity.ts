import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';
import type { CheckResult } from '@mnc/photo-quality';

export interface StoredReason {
  code: string;
  message: string;
  messageJa?: string;
}

/** One automatic screening per application: its outcome, every check with its value, the images made. */
@Entity({ schema: 'photo_screening', name: 'screenings' })
export class ScreeningEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text')
  outcome!: 'accepted' | 'rejected' | 'review';

  /** Size of the chip image when one was made. */
  @Column('int', { nullable: true })
  width!: number | null;

  @Column('int', { nullable: true })
  height!: number | null;

  /** Rejection reasons, or why it went to a person. */
  @Column('jsonb', { default: () => `'[]'` })
  reasons!: StoredReason[];

  @Column('jsonb', { default: () => `'[]'` })
  checks!: CheckResult[];

  @Column('text', { nullable: true })
  detector!: string | null;

  @Column('jsonb', { name: 'chip_image', nullable: true })
  chipImage!: BlobRef | null;

  @Column('jsonb', { name: 'print_image', nullable: true })
  printImage!: BlobRef | null;

  @Column('timestamptz', { name: 'decided_at', default: () => 'now()' })
  decidedAt!: Date;
}
