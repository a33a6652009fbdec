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

/** Tracking events, returns, consignments and the operator work queue. */
export class DeliveryTracking1764460800000 implements MigrationInterface {
  name = 'DeliveryTracking1764460800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery.shipments DROP CONSTRAINT shipments_status_check`);
    await q.query(`ALTER TABLE delivery.shipments ADD CONSTRAINT shipments_status_check
      CHECK (status IN ('dispatched', 'delivered', 'returned-to-sender'))`);
    await q.query(`ALTER TABLE delivery.shipments ADD COLUMN last_tracking_status text,
      ADD COLUMN consignment_id text`);
    await q.query(`CREATE TABLE delivery.tracking_events (
      carrier_event_id text PRIMARY KEY,
      tracking_number text NOT NULL,
      status text NOT NULL,
      at timestamptz NOT NULL,
      received_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX tracking_events_number ON delivery.tracking_events (tracking_number, at)`);
    await q.query(`CREATE TABLE delivery.consignments (
      id text PRIMARY KEY,
      municipality_code text NOT NULL,
      consigned_on date NOT NULL,
      cards integer NOT NULL)`);
    await q.query(`CREATE TABLE delivery.work_items (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('returned-to-sender', 'undeliverable-address')),
      application_id uuid NOT NULL,
      card_id uuid NOT NULL,
      tracking_number text,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      resolution text,
      resolved_by text,
      opened_at timestamptz NOT NULL,
      resolved_at timestamptz)`);
    await q.query(`CREATE UNIQUE INDEX work_items_one_open ON delivery.work_items (application_id, kind)
      WHERE status = 'open'`);
    await q.query(`ALTER TABLE delivery.simulated_carrier_parcels
      ADD COLUMN outcome text NOT NULL DEFAULT 'deliver'`);
    await q.query(
      `UPDATE delivery.simulated_carrier_parcels SET status = 'created' WHERE status = 'accepted'`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE delivery.simulated_carrier_parcels DROP COLUMN outcome');
    await q.query('DROP TABLE delivery.work_items, delivery.consignments, delivery.tracking_events');
    await q.query(
      'ALTER TABLE delivery.shipments DROP COLUMN last_tracking_status, DROP COLUMN consignment_id',
    );
  }
}
