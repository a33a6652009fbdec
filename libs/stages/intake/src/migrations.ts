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
