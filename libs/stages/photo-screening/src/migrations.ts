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

/**
 * Face checks and human review: each screening keeps its measured checks and image references; photos that
 * need a person get a review case (the queue) and an append-only trail of everything done to it.
 */
export class PhotoScreeningReview1764460800000 implements MigrationInterface {
  name = 'PhotoScreeningReview1764460800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE photo_screening.screenings
      DROP CONSTRAINT IF EXISTS screenings_outcome_check,
      ADD CONSTRAINT screenings_outcome_check CHECK (outcome IN ('accepted', 'rejected', 'review')),
      ADD COLUMN checks jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN detector text,
      ADD COLUMN chip_image jsonb,
      ADD COLUMN print_image jsonb`);
    await q.query(`CREATE TABLE photo_screening.review_cases (
      application_id uuid PRIMARY KEY REFERENCES photo_screening.screenings (application_id),
      kind text NOT NULL CHECK (kind IN ('quality', 'audit')),
      state text NOT NULL CHECK (state IN ('waiting', 'claimed', 'approved', 'rejected')),
      reasons jsonb NOT NULL,
      routing jsonb NOT NULL,
      source_photo jsonb NOT NULL,
      chip_image jsonb,
      print_image jsonb,
      claimed_by text,
      claimed_at timestamptz,
      decided_by text,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX review_cases_open ON photo_screening.review_cases (created_at) WHERE state IN ('waiting', 'claimed')`,
    );
    await q.query(`CREATE TABLE photo_screening.review_actions (
      seq bigserial PRIMARY KEY,
      application_id uuid NOT NULL REFERENCES photo_screening.review_cases (application_id),
      action text NOT NULL CHECK (action IN ('queued', 'viewed', 'claimed', 'released', 'approved', 'rejected')),
      actor text NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}',
      at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX review_actions_case ON photo_screening.review_actions (application_id, seq)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE photo_screening.review_actions, photo_screening.review_cases');
    await q.query(`ALTER TABLE photo_screening.screenings
      DROP COLUMN checks, DROP COLUMN detector, DROP COLUMN chip_image, DROP COLUMN print_image`);
  }
}
