import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class PreDeliveryInit1764288000000 implements MigrationInterface {
  name = 'PreDeliveryInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pre_delivery.card_setups (
      card_id uuid PRIMARY KEY,
      application_id uuid NOT NULL UNIQUE,
      deliver_to text NOT NULL CHECK (deliver_to IN ('resident', 'municipality')),
      activation text NOT NULL,
      set_up_at timestamptz NOT NULL DEFAULT now())`);
    for (const ddl of outboxAndInboxDdl('pre_delivery')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pre_delivery.inbox, pre_delivery.outbox, pre_delivery.card_setups');
  }
}
