import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'photo_screening', name: 'screenings' })
export class ScreeningEntity {
  @PrimaryColumn('uuid', { name: 'application_id' })
  applicationId!: string;

  @Column('text')
  outcome!: 'accepted' | 'rejected';

  @Column('int', { nullable: true })
  width!: number | null;

  @Column('int', { nullable: true })
  height!: number | null;

  @Column('jsonb', { default: () => `'[]'` })
  reasons!: { code: string; message: string }[];

  @Column('timestamptz', { name: 'decided_at', default: () => 'now()' })
  decidedAt!: Date;
}
