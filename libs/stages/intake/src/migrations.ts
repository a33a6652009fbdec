import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class IntakeInit1764288000000 implements MigrationInterface {
  name = 'IntakeInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE intake.applications (
      id uuid PRIMARY KEY,
      status text NOT NULL,
      channel text NOT NULL,
      route text NOT NULL CHECK (route IN ('normal', 'express')),
      card_profile text NOT NULL,
      municipality_code text NOT NULL,
      person_key text NOT NULL,
      applicant_record jsonb NOT NULL,
      photo jsonb NOT NULL,
      submitted_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    // One open application per person; the key is a keyed hash, never the my number itself.
    await q.query(`CREATE UNIQUE INDEX applications_one_open_per_person ON intake.applications (person_key)
      WHERE status NOT IN ('photo-rejected', 'delivered')`);
    await q.query(
      'CREATE INDEX applications_municipality ON intake.applications (municipality_code, submitted_at)',
    );
    await q.query(`CREATE TABLE intake.timeline (
      seq bigserial PRIMARY KEY,
      application_id uuid NOT NULL REFERENCES intake.applications (id),
      event_id uuid NOT NULL UNIQUE,
      event_type text NOT NULL,
      source text NOT NULL,
      occurred_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX timeline_application ON intake.timeline (application_id, seq)');
    await q.query(`CREATE TABLE intake.idempotency_keys (
      key text PRIMARY KEY,
      request_hash text NOT NULL,
      application_id uuid NOT NULL REFERENCES intake.applications (id),
      created_at timestamptz NOT NULL DEFAULT now())`);
    for (const ddl of outboxAndInboxDdl('intake')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE intake.inbox, intake.outbox, intake.idempotency_keys, intake.timeline, intake.applications',
    );
  }
}

/**
 * The counter API: who submitted and who checked identity, review of names the print font cannot render,
 * the card behind an application (for loss reports and handover), the append-only audit log of personal-data
 * reads, and webhooks with their durable delivery log.
 */
export class IntakeCounterApi1764460800000 implements MigrationInterface {
  name = 'IntakeCounterApi1764460800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE intake.applications
      ADD COLUMN client_id text,
      ADD COLUMN identity_check jsonb,
      ADD COLUMN review jsonb,
      ADD COLUMN card_id uuid,
      ADD COLUMN replaces_application_id uuid REFERENCES intake.applications (id),
      ADD COLUMN closed_reason text`);
    // More statuses close an application now; the rule stays "one open application per person".
    await q.query('DROP INDEX intake.applications_one_open_per_person');
    await q.query(`CREATE UNIQUE INDEX applications_one_open_per_person ON intake.applications (person_key)
      WHERE status NOT IN ('photo-rejected', 'delivered', 'handed-over', 'card-reported-lost', 'holder-deceased', 'cancelled')`);
    await q.query(
      'CREATE UNIQUE INDEX applications_card ON intake.applications (card_id) WHERE card_id IS NOT NULL',
    );
    // A card is reported lost once: the second report finds the reissue already created.
    await q.query(`CREATE UNIQUE INDEX applications_one_reissue_per_card ON intake.applications (replaces_application_id)
      WHERE replaces_application_id IS NOT NULL`);

    await q.query(`CREATE TABLE intake.audit_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      client_id text NOT NULL,
      action text NOT NULL,
      application_id uuid,
      purpose text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')))`);
    await q.query('CREATE INDEX audit_log_application ON intake.audit_log (application_id, seq)');
    // Append-only: rows can be added and read, never changed or removed, whoever the database user is.
    await q.query(`CREATE FUNCTION intake.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'intake.audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON intake.audit_log
      FOR EACH ROW EXECUTE FUNCTION intake.audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON intake.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION intake.audit_log_append_only()`);

    await q.query(`CREATE TABLE intake.webhooks (
      id uuid PRIMARY KEY,
      client_id text NOT NULL,
      municipality_code text NOT NULL,
      url text NOT NULL,
      secret bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz)`);
    await q.query(
      'CREATE INDEX webhooks_municipality ON intake.webhooks (municipality_code) WHERE disabled_at IS NULL',
    );
    await q.query(`CREATE TABLE intake.webhook_deliveries (
      id uuid PRIMARY KEY,
      webhook_id uuid NOT NULL REFERENCES intake.webhooks (id),
      application_id uuid NOT NULL REFERENCES intake.applications (id),
      event_id uuid NOT NULL,
      payload jsonb NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      UNIQUE (webhook_id, event_id))`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON intake.webhook_deliveries (next_attempt_at)
      WHERE state = 'pending'`);
    await q.query(
      'CREATE INDEX webhook_deliveries_webhook ON intake.webhook_deliveries (webhook_id, created_at)',
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE intake.webhook_deliveries, intake.webhooks, intake.audit_log');
    await q.query('DROP FUNCTION intake.audit_log_append_only()');
    await q.query('DROP INDEX intake.applications_one_reissue_per_card, intake.applications_card');
    await q.query('DROP INDEX intake.applications_one_open_per_person');
    await q.query(`CREATE UNIQUE INDEX applications_one_open_per_person ON intake.applications (person_key)
      WHERE status NOT IN ('photo-rejected', 'delivered')`);
    await q.query(`ALTER TABLE intake.applications DROP COLUMN client_id, DROP COLUMN identity_check,
      DROP COLUMN review, DROP COLUMN card_id, DROP COLUMN replaces_application_id, DROP COLUMN closed_reason`);
  }
}
