import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export const DASHBOARD_SCHEMA = 'operator_dashboard';

/**
 * The dashboard's own read model, folded from the events (never personal data: that stays with intake and
 * is fetched on demand), plus the dead letters it collected and the append-only audit log.
 */
export class DashboardInit1764300000000 implements MigrationInterface {
  name = 'DashboardInit1764300000000';
  async up(q: QueryRunner): Promise<void> {
    const s = DASHBOARD_SCHEMA;
    await q.query(`CREATE TABLE ${s}.applications (
      id uuid PRIMARY KEY,
      position text NOT NULL,
      route text,
      channel text,
      card_profile text,
      municipality_code text,
      card_id uuid,
      card_number text,
      lane text,
      lifecycle text,
      submitted_at timestamptz,
      position_since timestamptz NOT NULL,
      finished_at timestamptz,
      sla_due_at timestamptz,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX applications_open ON ${s}.applications (position, position_since)
      WHERE finished_at IS NULL`);
    await q.query(`CREATE INDEX applications_card_number ON ${s}.applications (card_number)`);
    await q.query(
      `CREATE INDEX applications_municipality ON ${s}.applications (municipality_code, submitted_at)`,
    );
    await q.query(`CREATE TABLE ${s}.timeline (
      seq bigserial PRIMARY KEY,
      application_id uuid NOT NULL,
      event_id uuid NOT NULL UNIQUE,
      event_type text NOT NULL,
      source text NOT NULL,
      occurred_at timestamptz NOT NULL,
      summary text NOT NULL)`);
    await q.query(`CREATE INDEX timeline_application ON ${s}.timeline (application_id, occurred_at)`);
    // Completions per stage (and good cards per lane) per minute: the throughput charts and the forecast.
    await q.query(`CREATE TABLE ${s}.throughput (
      series text NOT NULL,
      minute timestamptz NOT NULL,
      count integer NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (series, minute))`);
    await q.query(`CREATE TABLE ${s}.certificate_actions (
      event_id uuid PRIMARY KEY,
      application_id uuid NOT NULL,
      card_id uuid NOT NULL,
      action text NOT NULL,
      reason text,
      sub_reason text,
      occurred_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX certificate_actions_recent ON ${s}.certificate_actions (occurred_at DESC)`);
    await q.query(`CREATE TABLE ${s}.dead_letters (
      id bigserial PRIMARY KEY,
      dlt_topic text NOT NULL,
      dlt_partition integer NOT NULL,
      dlt_offset bigint NOT NULL,
      consumer_group text NOT NULL,
      source_topic text NOT NULL,
      event_id text,
      event_type text,
      application_key text NOT NULL,
      error_code text NOT NULL,
      error_message text NOT NULL,
      error_details text,
      attempts integer,
      failed_at timestamptz NOT NULL,
      headers jsonb NOT NULL,
      value bytea NOT NULL,
      status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'replayed', 'discarded')),
      resolved_by text,
      resolved_at timestamptz,
      UNIQUE (dlt_topic, dlt_partition, dlt_offset))`);
    await q.query(`CREATE INDEX dead_letters_open ON ${s}.dead_letters (status, dlt_topic, id)`);
    await q.query(`CREATE TABLE ${s}.audit_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      role text,
      action text NOT NULL,
      target text,
      application_id uuid,
      reason text,
      outcome text NOT NULL,
      detail jsonb)`);
    await q.query(`CREATE INDEX audit_application ON ${s}.audit_log (application_id, at)`);
    // Append-only: the database itself refuses to change or remove an audit entry.
    await q.query(`CREATE FUNCTION ${s}.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_log_is_append_only()`);
    for (const ddl of outboxAndInboxDdl(s)) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA ${DASHBOARD_SCHEMA} CASCADE`);
  }
}
