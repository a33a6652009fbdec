import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import type { CertificateAuthority } from '@mnc/pki-client';
import { openPersonalisationBundle, type BundleCipher } from '@mnc/contracts';
import { StationError } from '@mnc/pcsc';
import type { BlobStore } from '@mnc/secure-store';
import {
  BLOB_STORE,
  DATA_SOURCE,
  LOGGER,
  METRICS,
  PERSONALISATION_CIPHER,
  PIPELINE_CONFIG,
  StagePublishers,
  type StagePublisher,
  type StageWorker,
} from '@mnc/stage-runtime';
import { CardAttemptEntity } from './attempt.entity';
import type { CardPrinter } from './card-face/printer';
import type { EncoderDevice } from './encoder-device';
import { dispatchAfterCommit, LaneDispatcher } from './lane-dispatcher';
import { LaneJobEntity } from './lane-job.entity';
import { LaneMetrics, type LaneStep } from './lane-metrics';
import { LaneStats, type CardOutcome, type LaneFigures } from './lane-stats';
import {
  CardAttemptError,
  personalisationInputFromBundle,
  personaliseAttempt,
  qaTrustFromPublishedCas,
  spoilAttempt,
  spoilReasonOfAttemptError,
  verifyPersonalisedCard,
  type PersonalisationInput,
  type QaTrust,
} from './personalisation';
import type {
  LaneConsumer,
  LaneJobRef,
  LaneQueue,
  QueueCounts,
  QueuedJob,
  QueuedJobState,
} from './queue/lane-queue';
import { CARD_PRINTER, ENCODER_DEVICE, LANE_CERTIFICATE_AUTHORITY, LANE_QUEUE } from './tokens';

export type LaneState = 'running' | 'pausing' | 'paused' | 'draining' | 'faulted' | 'stopped';

/** Physical cards an application may use up before the lane stops trying and an operator looks at it. */
export const MAX_CARD_ATTEMPTS = 5;
const FIGURES_WINDOW_MS = 15 * 60_000;
const RECOVERY_PROBE_MS = 1000;

export class LaneStateError extends Error {
  override readonly name = 'LaneStateError';
  constructor(
    readonly lane: string,
    readonly state: LaneState,
    readonly wanted: string,
  ) {
    super(`lane ${lane} is ${state}: cannot ${wanted}`);
  }
}

/** A lane as operators (and the dashboard's lane client) see it. */
export interface LaneView {
  readonly id: string;
  readonly pool: string;
  readonly queue: 'bullmq' | 'memory';
  readonly state: LaneState;
  readonly currentCard?: {
    readonly applicationId: string;
    readonly cardId: string;
    readonly attempt: number;
    readonly startedAt: string;
  };
  readonly utilisation: number;
  readonly cardsPerHour: number;
  readonly spoilRate: number;
  readonly figures: LaneFigures;
  readonly reader: { readonly name: string; readonly present: boolean; readonly healthy: boolean };
}

/**
 * Why a card was spoiled, as recorded: the failed step or check with the station's error code underneath
 * (`personalisation:write-files:CARD_REMOVED`), a station error's code, or the error's class.
 */
function spoilReasonOf(error: unknown): string {
  if (error instanceof CardAttemptError)
    return [spoilReasonOfAttemptError(error), error.causeCode].filter(Boolean).join(':');
  if (error instanceof StationError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** The reader itself is gone (not just this card): the lane holds until it is back. */
function readerGone(error: unknown): boolean {
  const code =
    error instanceof CardAttemptError
      ? error.causeCode
      : error instanceof StationError
        ? error.code
        : undefined;
  return code === 'READER_UNAVAILABLE' || code === 'CHANNEL_CLOSED';
}

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown) =>
  (error as { driverError?: { code?: string }; code?: string })?.driverError?.code === UNIQUE_VIOLATION ||
  (error as { code?: string })?.code === UNIQUE_VIOLATION;

/**
 * One print-and-encode lane: takes one job (one physical card attempt) at a time from its pool's queue,
 * prints the faces, encodes the chip and records the outcome. A good card commits with its card.encoded
 * event (outbox); a spoiled card is recorded and its application gets a new attempt (a new job, a new
 * blank) in the same transaction. The unique index on encoded cards keeps one live card per application
 * whatever races happen between lanes.
 */
@Injectable()
export class LaneService implements StageWorker {
  readonly lane: string;
  private readonly publisher: StagePublisher;
  private readonly stats: LaneStats;
  private readonly metrics: LaneMetrics;
  private consumer: LaneConsumer | undefined;
  private laneState: LaneState = 'stopped';
  private current: { applicationId: string; cardId: string; attempt: number; since: Date } | undefined;
  private recovery: NodeJS.Timeout | undefined;
  private unregisterMetrics: (() => void) | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) config: PipelineConfig,
    @Inject(LANE_QUEUE) private readonly queue: LaneQueue,
    @Inject(ENCODER_DEVICE) private readonly encoder: EncoderDevice,
    @Inject(CARD_PRINTER) private readonly printer: CardPrinter,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    /** Opens personalisation bundles (sealed by issuance-data with the personalisation key). */
    @Inject(PERSONALISATION_CIPHER) private readonly personalisation: BundleCipher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LANE_CERTIFICATE_AUTHORITY) private readonly ca: CertificateAuthority,
    @Inject(METRICS) registry: Registry,
    private readonly dispatcher: LaneDispatcher,
    publishers: StagePublishers,
  ) {
    this.lane = config.lane;
    this.publisher = publishers.forStage('encode-lane');
    this.stats = new LaneStats(FIGURES_WINDOW_MS, Date.now());
    this.metrics = LaneMetrics.for(registry);
  }

  get pool(): string {
    return this.queue.pool;
  }

  get state(): LaneState {
    return this.laneState;
  }

  async start(): Promise<void> {
    this.unregisterMetrics = this.metrics.register({
      lane: this.lane,
      pool: this.pool,
      state: () => this.laneState,
      figures: () => this.stats.figures(Date.now()),
      queueCounts: () => this.queue.counts(),
    });
    this.consumer = this.queue.consume(this.lane, (job) => this.process(job));
    this.laneState = 'running';
  }

  /** Finishes the card in hand; queued jobs stay in the queue for other lanes or the next start. */
  async stop(): Promise<void> {
    clearInterval(this.recovery);
    this.laneState = 'stopped';
    await this.consumer?.close();
    this.unregisterMetrics?.();
  }

  view(): LaneView {
    const figures = this.stats.figures(Date.now());
    return {
      id: this.lane,
      pool: this.pool,
      queue: this.queue.kind,
      state: this.laneState,
      ...(this.current
        ? {
            currentCard: {
              applicationId: this.current.applicationId,
              cardId: this.current.cardId,
              attempt: this.current.attempt,
              startedAt: this.current.since.toISOString(),
            },
          }
        : {}),
      utilisation: figures.utilisation,
      cardsPerHour: figures.cardsPerHour,
      spoilRate: figures.spoilRate,
      figures,
      // Faulted means the reader vanished; otherwise the last card went through it.
      reader: {
        name: this.encoder.station.readerName,
        present: this.laneState !== 'faulted',
        healthy: this.laneState !== 'faulted',
      },
    };
  }

  queueCounts(): Promise<QueueCounts> {
    return this.queue.counts();
  }

  queueJobs(states: readonly QueuedJobState[], limit: number): Promise<QueuedJob[]> {
    return this.queue.jobs(states, limit);
  }

  /** No new card after the one in hand; resolves once that card is finished. */
  async pause(): Promise<LaneView> {
    this.assertStarted('pause');
    if (this.laneState === 'paused') return this.view();
    this.laneState = 'pausing';
    await this.consumer!.pause();
    if (this.laneState === 'pausing') this.enterPaused();
    return this.view();
  }

  /** Keeps taking cards until no job waits in the pool, then pauses (before maintenance, say). */
  async drain(): Promise<LaneView> {
    this.assertStarted('drain');
    if (this.laneState === 'paused' || this.laneState === 'faulted')
      throw new LaneStateError(this.lane, this.laneState, 'drain');
    this.laneState = 'draining';
    if (this.current === undefined) await this.pauseIfDrained();
    return this.view();
  }

  resume(): LaneView {
    this.assertStarted('resume');
    if (this.laneState === 'faulted') throw new LaneStateError(this.lane, this.laneState, 'resume');
    if (this.laneState !== 'running') this.stats.availableFrom(Date.now());
    this.laneState = 'running';
    this.consumer!.resume();
    return this.view();
  }

  private assertStarted(wanted: string): void {
    if (!this.consumer || this.laneState === 'stopped')
      throw new LaneStateError(this.lane, this.laneState, wanted);
  }

  private enterPaused(): void {
    this.laneState = 'paused';
    this.stats.unavailableFrom(Date.now());
  }

  private async pauseIfDrained(): Promise<void> {
    if (this.laneState !== 'draining') return;
    const counts = await this.queue.counts();
    if (counts.waiting.express + counts.waiting.normal > 0) return;
    this.laneState = 'pausing';
    await this.consumer!.pause();
    if (this.laneState === 'pausing') this.enterPaused();
  }

  /** The job handler. The lane counts as busy from taking the job to finishing it, guards included. */
  async process(job: LaneJobRef): Promise<void> {
    const taken = Date.now();
    this.stats.cardStarted(taken);
    let outcome: CardOutcome | undefined;
    try {
      outcome = await this.processJob(job);
    } finally {
      const finished = Date.now();
      this.stats.cardFinished(finished, outcome);
      if (outcome) {
        this.metrics.cards.inc({ lane: this.lane, outcome });
        this.metrics.cardSeconds.observe({ lane: this.lane, outcome }, (finished - taken) / 1000);
      }
      this.current = undefined;
      // Not awaited: pausing waits for this very job to finish.
      if (this.laneState === 'draining') void this.pauseIfDrained();
    }
  }

  /**
   * Guards on stored state first, so a re-run job (a lane killed mid-card) is harmless. Returns what became
   * of a physical card, if one was used.
   */
  private async processJob(job: LaneJobRef): Promise<CardOutcome | undefined> {
    const step = <T>(name: LaneStep, work: () => Promise<T>) => this.metrics.step(this.lane, name, work);
    const [row, existing] = await step('guard', () =>
      Promise.all([
        this.dataSource.manager.findOneBy(LaneJobEntity, {
          applicationId: job.applicationId,
          attempt: job.attempt,
        }),
        this.dataSource.manager.findOneBy(CardAttemptEntity, {
          applicationId: job.applicationId,
          attempt: job.attempt,
        }),
      ]),
    );
    if (!row || row.status === 'done' || row.status === 'gave-up') return undefined;
    if (existing?.status === 'encoding') {
      // This attempt's lane died mid-card: that card is spoiled, never finished later.
      await this.spoil(row, existing.id, 'interrupted');
      return 'spoiled';
    }
    const live =
      existing ??
      (await this.dataSource.manager.findOneBy(CardAttemptEntity, {
        applicationId: job.applicationId,
        status: 'encoded',
      }));
    if (live) {
      // This attempt already finished, or the application has its card: nothing left to do.
      await this.dataSource.manager.update(
        LaneJobEntity,
        { applicationId: row.applicationId, attempt: row.attempt },
        { status: 'done' },
      );
      return undefined;
    }

    // Software work before a blank is taken: if it fails, the job is retried and no card is used.
    const { bundle, photo } = await step('load', async () => {
      const opened = openPersonalisationBundle(
        await this.blobs.get(row.order.bundle),
        this.personalisation,
        row.order.cardId,
      );
      return { bundle: opened, photo: await this.blobs.get(opened.photo) };
    });
    const faces = await step('render', () => this.printer.render(bundle, photo));
    // A bundle the card cannot take (a missing file, a malformed PIN) fails here, before a blank is used.
    const input = personalisationInputFromBundle(bundle, { applicationId: row.applicationId });
    const trust = await step('load', () => this.qaTrust());

    const attemptId = randomUUID();
    const started = new Date();
    try {
      await this.dataSource.manager.insert(CardAttemptEntity, {
        id: attemptId,
        applicationId: row.applicationId,
        cardId: row.order.cardId,
        attempt: row.attempt,
        lane: this.lane,
        status: 'encoding',
        chipSerial: null,
        spoilReason: null,
        faces: null,
        startedAt: started,
        finishedAt: null,
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined; // another lane holds this attempt
      throw error;
    }

    this.current = {
      applicationId: row.applicationId,
      cardId: row.order.cardId,
      attempt: row.attempt,
      since: started,
    };
    await step('print', async () => {
      const printed = await this.printer.print(faces);
      await this.dataSource.manager.update(CardAttemptEntity, { id: attemptId }, { faces: printed });
    });
    let chipSerial: string;
    try {
      ({ chipSerial } = await step('encode', () => this.encodeAndCheck(input, attemptId, trust)));
    } catch (error) {
      await this.spoil(row, attemptId, spoilReasonOf(error));
      if (readerGone(error)) this.fault();
      return 'spoiled';
    }
    return step('record', () => this.recordEncoded(row, attemptId, chipSerial));
  }

  private async recordEncoded(
    row: LaneJobEntity,
    attemptId: string,
    chipSerial: string,
  ): Promise<CardOutcome> {
    const finishedAt = new Date();
    try {
      const announced = await this.dataSource.transaction(async (manager) => {
        const live = await manager.findOneBy(CardAttemptEntity, {
          applicationId: row.applicationId,
          status: 'encoded',
        });
        if (live) return false;
        await manager.update(
          CardAttemptEntity,
          { id: attemptId, status: 'encoding' },
          { status: 'encoded', chipSerial, finishedAt },
        );
        await manager.update(
          LaneJobEntity,
          { applicationId: row.applicationId, attempt: row.attempt },
          { status: 'done' },
        );
        await this.publisher.emit(
          manager,
          'card.encoded',
          {
            applicationId: row.applicationId,
            route: row.order.route,
            cardProfile: row.order.cardProfile,
            municipalityCode: row.order.municipalityCode,
            applicantRecord: row.order.applicantRecord,
            cardId: row.order.cardId,
            chipSerial,
            lane: this.lane,
            attempt: row.attempt,
            encodedAt: finishedAt.toISOString(),
          },
          row.traceparent ? { traceparent: row.traceparent } : undefined,
        );
        return true;
      });
      if (announced) {
        this.publisher.committed();
        return 'encoded';
      }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Another lane's card for this application went live first: this one must never be issued.
    await this.spoil(row, attemptId, 'duplicate-attempt');
    return 'spoiled';
  }

  /**
   * Feeds a blank, personalises it (keys generated on the card, certificates from the CA), reads it back
   * as an independent reader would (QA), and ejects it whatever happened.
   */
  private async encodeAndCheck(
    input: PersonalisationInput,
    attemptId: string,
    trust: QaTrust,
  ): Promise<{ chipSerial: string }> {
    const { station, feeder } = this.encoder;
    try {
      const expectedSerial = (await feeder.feedBlank(input.profile)).toUpperCase();
      const attempt = await personaliseAttempt({ station, input, attemptId, ca: this.ca, expectedSerial });
      await verifyPersonalisedCard({ station, input, attempt, trust });
      return { chipSerial: attempt.chipSerial };
    } finally {
      await feeder.eject();
    }
  }

  /** The CA's published certificates, fetched once: QA checks every card's chains and AP signatures with them. */
  private trust: Promise<QaTrust> | undefined;
  private qaTrust(): Promise<QaTrust> {
    this.trust ??= this.ca.publishedCas().then(
      (list) => qaTrustFromPublishedCas(list),
      (error: unknown) => {
        this.trust = undefined; // the CA was unreachable: ask again for the next card
        throw error;
      },
    );
    return this.trust;
  }

  /**
   * Records the card as spoiled and, unless the application has its card or has used up its attempts, the
   * next attempt. First the attempt's certificates are revoked, so a spoiled card never leaves a live
   * certificate behind (the CA refuses a new attempt's certificate while one is live); a crash after the
   * revocation repeats it harmlessly.
   */
  private async spoil(row: LaneJobEntity, attemptId: string, reason: string): Promise<void> {
    await spoilAttempt(this.ca, { cardNumber: row.order.cardNumber, attemptId });
    const gaveUp = await this.dataSource.transaction(async (manager) => {
      await manager.update(
        CardAttemptEntity,
        { id: attemptId, status: 'encoding' },
        { status: 'spoiled', spoilReason: reason, finishedAt: new Date() },
      );
      const key = { applicationId: row.applicationId, attempt: row.attempt };
      const live = await manager.findOneBy(CardAttemptEntity, {
        applicationId: row.applicationId,
        status: 'encoded',
      });
      if (live) {
        await manager.update(LaneJobEntity, key, { status: 'done' });
        return false;
      }
      if (row.attempt >= MAX_CARD_ATTEMPTS) {
        await manager.update(LaneJobEntity, key, { status: 'gave-up' });
        return true;
      }
      await manager.update(LaneJobEntity, key, { status: 'done' });
      await manager
        .createQueryBuilder()
        .insert()
        .into(LaneJobEntity)
        .values({
          applicationId: row.applicationId,
          attempt: row.attempt + 1,
          priority: row.priority,
          order: row.order,
          status: 'pending',
          traceparent: row.traceparent,
          createdAt: new Date(),
          dispatchedAt: null,
        })
        .orIgnore()
        .execute();
      dispatchAfterCommit(manager);
      return false;
    });
    this.logger.warn(
      { applicationId: row.applicationId, attempt: row.attempt, lane: this.lane, reason, gaveUp },
      gaveUp
        ? 'card spoiled; attempts used up, the application needs an operator'
        : 'card spoiled; a new attempt is queued',
    );
  }

  /** The reader vanished: take no job until it is back (other lanes of the pool carry on). */
  private fault(): void {
    if (this.laneState === 'faulted' || this.laneState === 'stopped') return;
    const before = this.laneState;
    this.laneState = 'faulted';
    this.stats.unavailableFrom(Date.now());
    this.logger.error({ lane: this.lane }, 'encoder reader unavailable; lane holds until it is back');
    void this.consumer!.pause();
    let probing = false;
    this.recovery = setInterval(() => {
      // An operator may have paused the lane meanwhile; stopping also ends the probing.
      if (this.laneState !== 'faulted') {
        clearInterval(this.recovery);
        return;
      }
      if (probing) return;
      probing = true;
      void this.encoder
        .recover()
        .then(
          (back) => {
            if (!back || this.laneState !== 'faulted') return;
            clearInterval(this.recovery);
            this.logger.info({ lane: this.lane }, 'encoder reader back; lane resumes');
            this.stats.availableFrom(Date.now());
            if (before === 'paused' || before === 'pausing') {
              this.enterPaused();
            } else {
              this.laneState = 'running';
              this.consumer!.resume();
            }
          },
          () => undefined,
        )
        .finally(() => (probing = false));
    }, RECOVERY_PROBE_MS);
  }
}
