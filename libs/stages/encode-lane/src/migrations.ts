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

/** Lane jobs to dispatch to the pool's queue, and the face images of each attempt. */
export class EncodeLaneQueues1764892800000 implements MigrationInterface {
  name = 'EncodeLaneQueues1764892800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE encode_lane.lane_jobs (
      application_id uuid NOT NULL,
      attempt int NOT NULL,
      priority text NOT NULL CHECK (priority IN ('express', 'normal')),
      "order" jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'queued', 'done', 'gave-up')),
      traceparent text,
      created_at timestamptz NOT NULL,
      dispatched_at timestamptz,
      PRIMARY KEY (application_id, attempt))`);
    await q.query(
      `CREATE INDEX lane_jobs_pending ON encode_lane.lane_jobs (created_at) WHERE status = 'pending'`,
    );
    await q.query('ALTER TABLE encode_lane.card_attempts ADD COLUMN faces jsonb');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE encode_lane.card_attempts DROP COLUMN faces');
    await q.query('DROP TABLE encode_lane.lane_jobs');
  }
}
