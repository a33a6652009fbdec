import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { cardNumberFor, type CardProfile, type CardSecrets, generateCardSecrets } from '@mnc/domain-issuance';
import type { EnvelopeCipher } from '@mnc/secure-store';
import { DATA_SOURCE, ENVELOPE_CIPHER, japanDate } from '@mnc/stage-runtime';
import { CardDraftEntity, cardSecretsContext } from './card-draft.entity';

export interface CardDraft {
  readonly applicationId: string;
  readonly cardId: string;
  readonly cardNumber: string;
  readonly cardProfile: CardProfile;
  readonly issuedOn: string;
  readonly secrets: CardSecrets;
}

@Injectable()
export class CardDrafts {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ENVELOPE_CIPHER) private readonly cipher: EnvelopeCipher,
  ) {}

  /**
   * The application's draft, created on first call. Concurrent or repeated calls all get the first one
   * written (INSERT … ON CONFLICT DO NOTHING, then read back), so its random values are drawn once per card.
   * A sequence number drawn by a losing call is skipped: gaps in card numbers are harmless.
   */
  async pin(
    applicationId: string,
    cardProfile: CardProfile,
    today: string = japanDate(),
  ): Promise<CardDraft> {
    const existing = await this.find(applicationId);
    if (existing) return existing;
    const [{ seq }] = (await this.dataSource.query(
      `SELECT nextval('issuance_data.card_number_seq')::text AS seq`,
    )) as { seq: string }[];
    const secrets = generateCardSecrets(cardProfile);
    await this.dataSource.query(
      `INSERT INTO issuance_data.card_drafts (application_id, card_id, card_number, card_profile, issued_on, secrets)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id) DO NOTHING`,
      [
        applicationId,
        randomUUID(),
        cardNumberFor(BigInt(seq)),
        cardProfile,
        today,
        this.cipher.encrypt(JSON.stringify(secrets), cardSecretsContext(applicationId)),
      ],
    );
    const pinned = await this.find(applicationId);
    if (!pinned) throw new Error(`card draft of ${applicationId} vanished after insert`);
    return pinned;
  }

  async find(applicationId: string): Promise<CardDraft | undefined> {
    const row = await this.dataSource.getRepository(CardDraftEntity).findOneBy({ applicationId });
    if (!row) return undefined;
    const secrets = JSON.parse(
      this.cipher.decrypt(row.secrets, cardSecretsContext(applicationId)).toString('utf8'),
    ) as CardSecrets;
    return {
      applicationId,
      cardId: row.cardId,
      cardNumber: row.cardNumber,
      cardProfile: row.cardProfile,
      issuedOn: row.issuedOn,
      secrets,
    };
  }
}
