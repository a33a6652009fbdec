import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class IssuanceDataInit1764288000000 implements MigrationInterface {
  name = 'IssuanceDataInit1764288000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE issuance_data.card_number_seq START 1');
    await q.query(`CREATE TABLE issuance_data.cards (
      id uuid PRIMARY KEY,
      application_id uuid NOT NULL UNIQUE,
      card_number text NOT NULL UNIQUE,
      card_profile text NOT NULL,
      issued_on date NOT NULL,
      expires_on date NOT NULL,
      bundle jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    for (const ddl of outboxAndInboxDdl('issuance_data')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE issuance_data.inbox, issuance_data.outbox, issuance_data.cards');
    await q.query('DROP SEQUENCE issuance_data.card_number_seq');
  }
}

/** Card drafts: number, date and secrets pinned before the card record commits (see CardDraftEntity). */
export class IssuanceDataCardDrafts1764370000000 implements MigrationInterface {
  name = 'IssuanceDataCardDrafts1764370000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE issuance_data.card_drafts (
      application_id uuid PRIMARY KEY,
      card_id uuid NOT NULL UNIQUE,
      card_number text NOT NULL UNIQUE,
      card_profile text NOT NULL CHECK (card_profile IN ('legacy-rsa2048', 'next-gen')),
      issued_on date NOT NULL,
      secrets bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE issuance_data.card_drafts');
  }
}
