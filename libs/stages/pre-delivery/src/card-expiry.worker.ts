import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import {
  DATA_SOURCE,
  japanDate,
  LOGGER,
  StagePublishers,
  type StagePublisher,
  type StageWorker,
} from '@mnc/stage-runtime';
import { CardLifecycleService } from './card-lifecycle.service';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Expires cards past their expiry date (a card is valid through its expiry date, Japan time). Cards in use
 * or suspended expire; other states have their own ends. Runs a minute after start and then every minute.
 */
@Injectable()
export class CardExpiryWorker implements StageWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private readonly publisher: StagePublisher;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly lifecycle: CardLifecycleService,
    publishers: StagePublishers,
  ) {
    this.publisher = publishers.forStage('pre-delivery');
  }

  async start(): Promise<void> {
    const tick = async () => {
      try {
        while ((await this.expireDue(japanDate())) > 0);
      } catch (error) {
        this.logger.warn({ err: error }, 'card expiry sweep failed; retrying');
      } finally {
        if (this.timer) this.timer = setTimeout(() => (this.running = tick()), SWEEP_INTERVAL_MS);
      }
    };
    this.timer = setTimeout(() => (this.running = tick()), SWEEP_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Expires up to 100 cards whose expiry date is before `today`; returns how many. */
  async expireDue(today: string): Promise<number> {
    const due = (await this.dataSource.query(
      `SELECT c.card_id FROM pre_delivery.cards c JOIN pre_delivery.issued_cards i USING (card_id)
        WHERE c.state IN ('in-use', 'suspended') AND i.expires_on < $1 LIMIT 100`,
      [today],
    )) as { card_id: string }[];
    let expired = 0;
    for (const { card_id: cardId } of due) {
      const done = await this.dataSource.transaction(async (manager) => {
        const card = await this.lifecycle.lock(manager, { cardId });
        if (!card || (card.state !== 'in-use' && card.state !== 'suspended')) return false;
        await this.lifecycle.apply(manager, (type, data) => this.publisher.emit(manager, type, data), card, [
          'expire',
        ]);
        return true;
      });
      if (done) expired++;
    }
    if (expired > 0) this.publisher.committed();
    return expired;
  }
}
