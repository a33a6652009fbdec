import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@mnc/messaging';

export class PkiInit1764300000000 implements MigrationInterface {
  name = 'PkiInit1764300000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pki.ca_keys (
      id text PRIMARY KEY,
      algorithm text NOT NULL,
      role text NOT NULL,
      backend text NOT NULL CHECK (backend IN ('software', 'pkcs11')),
      sealed_private_key bytea,
      pkcs11_label text,
      certificate bytea NOT NULL,
      created_at timestamptz NOT NULL,
      CHECK ((backend = 'software') = (sealed_private_key IS NOT NULL)),
      CHECK ((backend = 'pkcs11') = (pkcs11_label IS NOT NULL)))`);
    await q.query(`CREATE TABLE pki.cards (
      card_number text PRIMARY KEY,
      application_id uuid NOT NULL,
      card_profile text NOT NULL,
      first_issued_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE pki.certificates (
      serial_number text PRIMARY KEY,
      ca_id text NOT NULL REFERENCES pki.ca_keys (id),
      card_number text NOT NULL REFERENCES pki.cards (card_number),
      application_id uuid NOT NULL,
      attempt_id text NOT NULL,
      purpose text NOT NULL,
      algorithm text NOT NULL,
      state text NOT NULL CHECK (state IN ('good', 'held', 'revoked')),
      not_before timestamptz NOT NULL,
      not_after timestamptz NOT NULL,
      public_key_sha256 text NOT NULL,
      sealed_certificate bytea NOT NULL,
      issued_at timestamptz NOT NULL,
      revoked_at timestamptz,
      reason text,
      sub_reason text,
      state_changed_at timestamptz NOT NULL,
      CHECK ((state = 'good') = (revoked_at IS NULL)))`);
    // At most one live (good or held) certificate per card and purpose: a spoiled attempt is revoked first.
    await q.query(`CREATE UNIQUE INDEX certificates_one_live_per_card_purpose
      ON pki.certificates (card_number, purpose) WHERE state <> 'revoked'`);
    await q.query(
      'CREATE UNIQUE INDEX certificates_attempt_purpose ON pki.certificates (attempt_id, purpose)',
    );
    await q.query(`CREATE INDEX certificates_on_crl ON pki.certificates (ca_id) WHERE state <> 'good'`);
    await q.query(`CREATE TABLE pki.crls (
      ca_id text NOT NULL REFERENCES pki.ca_keys (id),
      crl_number bigint NOT NULL,
      this_update timestamptz NOT NULL,
      next_update timestamptz NOT NULL,
      der bytea NOT NULL,
      PRIMARY KEY (ca_id, crl_number))`);
    await q.query(`CREATE TABLE pki.verifiers (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      token_sha256 text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL)`);
    // The runtime relays every stage's outbox; the CA publishes no events yet, but keeps the layout.
    for (const ddl of outboxAndInboxDdl('pki')) await q.query(ddl);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE pki.inbox, pki.outbox, pki.verifiers, pki.crls, pki.certificates, pki.cards, pki.ca_keys',
    );
  }
}
