import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import type { CertificateAuthority } from '@mnc/pki-client';
import { openPersonalisationBundle, type BundleCipher, type PersonalisationBundle } from '@mnc/contracts';
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
import type { CardPrinter, FaceImages } from './card-face/printer';
import type { EncoderDevice } from './encoder-device';
import { dispatchAfterCommit, LaneDispatcher } from './lane-dispatcher';
import { LaneJobEntity, type LaneOrder } from './lane-job.entity';
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

/** The guard's one query: the job, this attempt's card if any, and whether the application has its card. */
interface GuardRow {
  readonly application_id: string;
  readonly attempt: number;
  readonly priority: LaneJobEntity['priority'];
  readonly order: LaneOrder;
  readonly status: LaneJobEntity['status'];
  readonly traceparent: string | null;
  readonly created_at: Date;
  readonly dispatched_at: Date | null;
  readonly attempt_id: string | null;
  readonly attempt_status: CardAttemptEntity['status'] | null;
  readonly has_card: boolean;
}

/** What a card needs before a blank is taken, all software: made ahead for the next job when it can be. */
interface PreparedCard {
  readonly order: LaneOrder;
  readonly bundle: PersonalisationBundle;
  readonly faces: FaceImages;
}

type StepTimer = <T>(name: LaneStep, work: () => Promise<T>) => Promise<T>;

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
  /** The next job's card, being made while this one is in the devices (see prepareNext). */
  private ahead: { job?: LaneJobRef; made: Promise<PreparedCard | undefined> } | undefined;

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
    this.ahead = undefined;
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
    this.ahead = undefined; // no opened bundle kept while nobody knows when the lane goes on
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
    const step: StepTimer = (name, work) => this.metrics.step(this.lane, name, work);
    const guard = await step('guard', () => this.guard(job));
    if (!guard) return undefined;
    const { row, attempt: existing } = guard;
    if (existing?.status === 'encoding') {
      // This attempt's lane died mid-card: that card is spoiled, never finished later.
      await this.spoil(row, existing.id, 'interrupted');
      return 'spoiled';
    }
    if (existing || guard.applicationHasCard) {
      // This attempt already finished, or the application has its card: nothing left to do.
      await this.dataSource.manager.update(
        LaneJobEntity,
        { applicationId: row.applicationId, attempt: row.attempt },
        { status: 'done' },
      );
      return undefined;
    }

    // Software work before a blank is taken: if it fails, the job is retried and no card is used.
    const { bundle, faces } = (await this.preparedAhead(row, step)) ?? (await this.prepare(row, step));
    // A bundle the card cannot take (a missing file, a malformed PIN) fails here, before a blank is used.
    const input = personalisationInputFromBundle(bundle, { applicationId: row.applicationId });
    const trust = await step('load', () => this.qaTrust());

    const attemptId = randomUUID();
    const started = new Date();
    try {
      await this.dataSource.query(
        `INSERT INTO encode_lane.card_attempts (id, application_id, card_id, attempt, lane, status, started_at)
         VALUES ($1, $2, $3, $4, $5, 'encoding', $6)`,
        [attemptId, row.applicationId, row.order.cardId, row.attempt, this.lane, started],
      );
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
    // The devices keep the lane waiting from here on: the next job's faces are made meanwhile.
    this.prepareNext(row);
    await step('print', () =>
      this.printer.print(faces, async (printed) => {
        await this.dataSource.manager.update(CardAttemptEntity, { id: attemptId }, { faces: printed });
      }),
    );
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

  /**
   * The job's row, this attempt's card (if one was started) and whether the application already has an
   * encoded card, in one round trip. Undefined when the job has nothing left to do.
   */
  private async guard(job: LaneJobRef): Promise<
    | {
        readonly row: LaneJobEntity;
        readonly attempt?: { readonly id: string; readonly status: CardAttemptEntity['status'] };
        readonly applicationHasCard: boolean;
      }
    | undefined
  > {
    const rows = (await this.dataSource.query(
      `SELECT j.application_id, j.attempt, j.priority, j."order", j.status, j.traceparent, j.created_at,
              j.dispatched_at, a.id AS attempt_id, a.status AS attempt_status,
              EXISTS (SELECT 1 FROM encode_lane.card_attempts l
                       WHERE l.application_id = j.application_id AND l.status = 'encoded') AS has_card
         FROM encode_lane.lane_jobs j
         LEFT JOIN encode_lane.card_attempts a ON a.application_id = j.application_id AND a.attempt = j.attempt
        WHERE j.application_id = $1 AND j.attempt = $2`,
      [job.applicationId, job.attempt],
    )) as GuardRow[];
    const found = rows[0];
    if (!found || found.status === 'done' || found.status === 'gave-up') return undefined;
    const row: LaneJobEntity = {
      applicationId: found.application_id,
      attempt: found.attempt,
      priority: found.priority,
      order: found.order,
      status: found.status,
      traceparent: found.traceparent,
      createdAt: found.created_at,
      dispatchedAt: found.dispatched_at,
    };
    return {
      row,
      ...(found.attempt_id !== null && found.attempt_status !== null
        ? { attempt: { id: found.attempt_id, status: found.attempt_status } }
        : {}),
      applicationHasCard: found.has_card,
    };
  }

  /** The sealed bundle opened for this card, and the applicant's photo. */
  private async load(order: LaneOrder): Promise<{ bundle: PersonalisationBundle; photo: Buffer }> {
    const bundle = openPersonalisationBundle(
      await this.blobs.get(order.bundle),
      this.personalisation,
      order.cardId,
    );
    return { bundle, photo: await this.blobs.get(bundle.photo) };
  }

  /** Loads and renders this job's card now (nothing was made ahead for it). */
  private async prepare(row: LaneJobEntity, step: StepTimer): Promise<PreparedCard> {
    const { bundle, photo } = await step('load', () => this.load(row.order));
    const faces = await step('render', () => this.printer.render(bundle, photo));
    return { order: row.order, bundle, faces };
  }

  /**
   * Loads and renders the job the queue would hand this lane next, while the current card is in the
   * devices. Software only and nothing stored: if another job comes instead, or anything fails, the lane
   * does the work again when it takes the job.
   */
  private prepareNext(current: LaneJobEntity): void {
    if (this.laneState !== 'running' && this.laneState !== 'draining') return;
    const ahead: NonNullable<LaneService['ahead']> = {
      made: this.queue.next().then(async (job) => {
        if (
          job === undefined ||
          (job.applicationId === current.applicationId && job.attempt === current.attempt)
        )
          return undefined;
        ahead.job = job;
        const rows = (await this.dataSource.query(
          'SELECT "order" FROM encode_lane.lane_jobs WHERE application_id = $1 AND attempt = $2',
          [job.applicationId, job.attempt],
        )) as { order: LaneOrder }[];
        const order = rows[0]?.order;
        if (order === undefined) return undefined;
        const { bundle, photo } = await this.load(order);
        return { order, bundle, faces: await this.printer.render(bundle, photo) };
      }),
    };
    ahead.made.catch(() => undefined); // a failure is the lane's to meet again, not an unhandled rejection
    this.ahead = ahead;
  }

  /**
   * What {@link prepareNext} made for this job, if it was this job and it worked; waits for the rendering
   * if need be, never for the queue (a job it had not named by now is made again).
   */
  private async preparedAhead(row: LaneJobEntity, step: StepTimer): Promise<PreparedCard | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead?.job?.applicationId !== row.applicationId || ahead.job.attempt !== row.attempt)
      return undefined;
    const made = await step('render', () => ahead.made.catch(() => undefined));
    // The order is fixed when the job is written; compared anyway, as the lane's guard read it.
    if (made === undefined || JSON.stringify(made.order) !== JSON.stringify(row.order)) return undefined;
    return made;
  }

  private async recordEncoded(
    row: LaneJobEntity,
    attemptId: string,
    chipSerial: string,
  ): Promise<CardOutcome> {
    const finishedAt = new Date();
    try {
      const announced = await this.dataSource.transaction(async (manager) => {
        // One statement: is a card of this application live already, and if not, this one is, and its job
        // done. The attempt must still be `encoding`: a lane that took this job over (its lock expired while
        // this lane was slow) has spoiled it and queued the next attempt, so this card is never issued.
        const [{ live, encoded }] = (await manager.query(
          `WITH live AS (SELECT 1 FROM encode_lane.card_attempts WHERE application_id = $1 AND status = 'encoded'),
                encoded AS (UPDATE encode_lane.card_attempts SET status = 'encoded', chip_serial = $3, finished_at = $4
                             WHERE id = $2 AND status = 'encoding' AND NOT EXISTS (SELECT 1 FROM live)
                             RETURNING 1),
                done AS (UPDATE encode_lane.lane_jobs SET status = 'done'
                          WHERE application_id = $1 AND attempt = $5 AND EXISTS (SELECT 1 FROM encoded))
           SELECT EXISTS (SELECT 1 FROM live) AS live, EXISTS (SELECT 1 FROM encoded) AS encoded`,
          [row.applicationId, attemptId, chipSerial, finishedAt, row.attempt],
        )) as { live: boolean; encoded: boolean }[];
        if (live || !encoded) return false;
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
    // Another lane's card for this application went live first, or another lane spoiled this attempt: this
    // card must never be issued (spoiling again revokes any certificate it got after the first spoil).
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
