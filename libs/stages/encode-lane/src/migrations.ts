import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class EncodeLaneInit1764288000000 implements MigrationInterface {
  name = 'EncodeLaneInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE encode_lane.card_attempts (
      id uuid PRIMARY KEY,
      application_id uuid NOT NULL,
      card_id uuid NOT NULL,
      attempt int NOT NULL,
      lane text NOT NULL,
      status text NOT NULL CHECK (status IN ('encoding', 'encoded', 'spoiled')),
      chip_serial text,
      spoil_reason text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      UNIQUE (application_id, attempt))`);
    // Never two live cards for one application.
    await q.query(`CREATE UNIQUE INDEX card_attempts_one_encoded ON encode_lane.card_attempts (application_id)
      WHERE status = 'encoded'`);
    for (const ddl of outboxAndInboxDdl('encode_lane')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE encode_lane.inbox, encode_lane.outbox, encode_lane.card_attempts');
  }
}
