import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class DeliveryInit1764288000000 implements MigrationInterface {
  name = 'DeliveryInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE delivery.shipments (
      id uuid PRIMARY KEY,
      application_id uuid NOT NULL UNIQUE,
      card_id uuid NOT NULL,
      carrier text NOT NULL,
      tracking_number text NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('dispatched', 'delivered')),
      dispatched_at timestamptz NOT NULL,
      delivered_at timestamptz,
      traceparent text)`);
    await q.query(`CREATE TABLE delivery.simulated_carrier_parcels (
      tracking_number text PRIMARY KEY,
      idempotency_key text NOT NULL UNIQUE,
      status text NOT NULL,
      deliver_after timestamptz NOT NULL,
      update_sent boolean NOT NULL DEFAULT false)`);
    await q.query(`CREATE INDEX simulated_parcels_due ON delivery.simulated_carrier_parcels (deliver_after)
      WHERE NOT update_sent`);
    for (const ddl of outboxAndInboxDdl('delivery')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE delivery.inbox, delivery.outbox, delivery.simulated_carrier_parcels, delivery.shipments',
    );
  }
}
