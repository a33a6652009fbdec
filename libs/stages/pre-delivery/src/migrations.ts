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

/** The card lifecycle, the setup join, letters, replacements of lost cards, SLA clocks, certificate register. */
export class PreDeliveryLifecycle1764460800000 implements MigrationInterface {
  name = 'PreDeliveryLifecycle1764460800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE pre_delivery.card_setups ADD COLUMN letters jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await q.query(`CREATE TABLE pre_delivery.issued_cards (
      card_id uuid PRIMARY KEY,
      application_id uuid NOT NULL UNIQUE,
      card_number text NOT NULL,
      issued_on date NOT NULL,
      expires_on date NOT NULL,
      bundle jsonb NOT NULL)`);
    await q.query(`CREATE TABLE pre_delivery.cards (
      card_id uuid PRIMARY KEY,
      application_id uuid NOT NULL UNIQUE,
      state text NOT NULL,
      route text NOT NULL CHECK (route IN ('normal', 'express')),
      card_profile text NOT NULL,
      municipality_code text NOT NULL,
      applicant_record jsonb NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE pre_delivery.card_transitions (
      seq bigserial PRIMARY KEY,
      card_id uuid NOT NULL REFERENCES pre_delivery.cards (card_id),
      from_state text NOT NULL,
      to_state text NOT NULL,
      command text NOT NULL,
      certificate_action text NOT NULL,
      certificate_reason text,
      event_id uuid,
      changed_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX card_transitions_card ON pre_delivery.card_transitions (card_id, seq)`);
    await q.query(`CREATE TABLE pre_delivery.replacements (
      reissue_application_id uuid PRIMARY KEY,
      lost_card_id uuid NOT NULL REFERENCES pre_delivery.cards (card_id),
      reported_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE pre_delivery.sla_clocks (
      application_id uuid PRIMARY KEY,
      route text NOT NULL CHECK (route IN ('normal', 'express')),
      started_on date NOT NULL,
      stopped_on date)`);
    await q.query(`CREATE TABLE pre_delivery.certificate_register (
      card_id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('held', 'active', 'revoked')),
      reason text,
      sub_reason text,
      version integer NOT NULL,
      sent_version integer NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX certificate_register_unsent ON pre_delivery.certificate_register (updated_at)
      WHERE sent_version < version`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pre_delivery.certificate_register, pre_delivery.sla_clocks,
      pre_delivery.replacements, pre_delivery.card_transitions, pre_delivery.cards, pre_delivery.issued_cards`);
    await q.query('ALTER TABLE pre_delivery.card_setups DROP COLUMN letters');
  }
}

/** Found reports that reached pre-delivery before the loss report they follow (the two travel on different topics). */
export class PreDeliveryEarlyFound1764547200000 implements MigrationInterface {
  name = 'PreDeliveryEarlyFound1764547200000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pre_delivery.early_found_reports (
      card_id uuid PRIMARY KEY REFERENCES pre_delivery.cards (card_id),
      event_id uuid NOT NULL,
      reported_at timestamptz NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pre_delivery.early_found_reports');
  }
}
