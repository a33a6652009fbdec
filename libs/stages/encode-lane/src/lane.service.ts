import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import type { PersonalisationBundle } from '@mnc/contracts';
import type { EncoderStation } from '@mnc/pcsc';
import { DATA_SOURCE, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { CardAttemptEntity } from './attempt.entity';
import { encodeCard, type CardFeeder } from './card-encoder';
import { personalisationFiles } from './personalisation-script';

export const ENCODER_STATION = Symbol('ENCODER_STATION');
export const CARD_FEEDER = Symbol('CARD_FEEDER');

export interface EncodedCard {
  readonly attemptId: string;
  readonly attempt: number;
  readonly chipSerial: string;
}

/**
 * One lane: a station that takes one card at a time. Every attempt is recorded before the blank is fed, so
 * an attempt interrupted by a crash is found and spoiled by the next one; a card is never reused.
 */
@Injectable()
export class LaneService implements OnModuleDestroy {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(ENCODER_STATION) private readonly station: EncoderStation,
    @Inject(CARD_FEEDER) private readonly feeder: CardFeeder,
  ) {}

  /** Releases the reader (PC/SC handles keep a process alive) once consumers have stopped. */
  async onModuleDestroy(): Promise<void> {
    await this.queue;
    await this.station.close();
  }

  get lane(): string {
    return this.config.lane;
  }

  /** The encoded card of an application, if it has one (a redelivery must not encode a second). */
  async encodedCardOf(applicationId: string): Promise<EncodedCard | undefined> {
    const found = await this.dataSource.manager.findOneBy(CardAttemptEntity, {
      applicationId,
      status: 'encoded',
    });
    return found ? { attemptId: found.id, attempt: found.attempt, chipSerial: found.chipSerial! } : undefined;
  }

  async encode(applicationId: string, cardId: string, bundle: PersonalisationBundle): Promise<EncodedCard> {
    const run = this.queue.then(() => this.encodeNow(applicationId, cardId, bundle));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async encodeNow(
    applicationId: string,
    cardId: string,
    bundle: PersonalisationBundle,
  ): Promise<EncodedCard> {
    const attempt = await this.startAttempt(applicationId, cardId);
    try {
      const { chipSerial } = await encodeCard(
        this.station,
        this.feeder,
        bundle.cardProfile,
        personalisationFiles(bundle),
      );
      await this.dataSource.manager.update(CardAttemptEntity, { id: attempt.id }, { chipSerial });
      return { attemptId: attempt.id, attempt: attempt.attempt, chipSerial };
    } catch (error) {
      await this.dataSource.manager.update(
        CardAttemptEntity,
        { id: attempt.id },
        {
          status: 'spoiled',
          spoilReason: error instanceof Error ? error.name : 'unknown',
          finishedAt: new Date(),
        },
      );
      throw error;
    }
  }

  private async startAttempt(applicationId: string, cardId: string): Promise<CardAttemptEntity> {
    return this.dataSource.transaction(async (manager) => {
      // A card left 'encoding' was cut off mid-encode (a crash): it is spoiled, never finished later.
      await manager.update(
        CardAttemptEntity,
        { applicationId, status: 'encoding' },
        { status: 'spoiled', spoilReason: 'interrupted', finishedAt: new Date() },
      );
      const [{ next }] = (await manager.query(
        'SELECT coalesce(max(attempt), 0) + 1 AS next FROM encode_lane.card_attempts WHERE application_id = $1',
        [applicationId],
      )) as { next: number }[];
      const attempt = manager.create(CardAttemptEntity, {
        id: randomUUID(),
        applicationId,
        cardId,
        attempt: next,
        lane: this.config.lane,
        status: 'encoding',
        chipSerial: null,
        spoilReason: null,
        startedAt: new Date(),
        finishedAt: null,
      });
      await manager.insert(CardAttemptEntity, attempt);
      return attempt;
    });
  }
}
