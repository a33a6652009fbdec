import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class PhotoScreeningInit1764288000000 implements MigrationInterface {
  name = 'PhotoScreeningInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE photo_screening.screenings (
      application_id uuid PRIMARY KEY,
      outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
      width int,
      height int,
      reasons jsonb NOT NULL DEFAULT '[]',
      decided_at timestamptz NOT NULL DEFAULT now())`);
    for (const ddl of outboxAndInboxDdl('photo_screening')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE photo_screening.inbox, photo_screening.outbox, photo_screening.screenings');
  }
}
