import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { DATA_SOURCE, LOGGER, type StageWorker } from '@mnc/stage-runtime';
import { LaneJobEntity } from './lane-job.entity';
import { LANE_QUEUE } from './tokens';
import type { LaneQueue } from './queue/lane-queue';

const DISPATCH_FLAG = 'encodeLaneDispatch';
const SWEEP_INTERVAL_MS = 2000;
const BATCH = 200;

/** Marks the transaction as having written lane jobs, so the dispatcher runs as soon as it commits. */
export function dispatchAfterCommit(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner) runner.data = { ...(runner.data as object), [DISPATCH_FLAG]: true };
}

/**
 * Moves lane jobs from the database to the pool's queue, like an outbox relay: woken right after a commit
 * that wrote one, and sweeping on a timer for those a crash left behind between commit and enqueue. On start
 * it also re-adds every job already marked queued, in case Redis lost it; the job id makes that harmless.
 */
@Injectable()
export class LaneDispatcher implements StageWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LANE_QUEUE) private readonly queue: LaneQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        const data = event.queryRunner.data as Record<string, unknown> | undefined;
        if (data?.[DISPATCH_FLAG]) {
          delete data[DISPATCH_FLAG];
          this.kick();
        }
      },
    };
    this.dataSource.subscribers.push(subscriber);
    await this.requeue(['pending', 'queued']);
    this.timer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.requeue(['pending'])
      .catch((error: unknown) => this.logger.warn({ err: error }, 'lane dispatch failed; retrying'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async requeue(statuses: LaneJobEntity['status'][]): Promise<void> {
    // Keyset pages: pending rows leave the set as they are queued, queued ones (start-up only) do not.
    let after: { createdAt: Date; applicationId: string; attempt: number } | undefined;
    for (;;) {
      const query = this.dataSource
        .getRepository(LaneJobEntity)
        .createQueryBuilder('j')
        .where('j.status IN (:...statuses)', { statuses });
      if (after) {
        query.andWhere(
          '(j.created_at, j.application_id, j.attempt) > (:createdAt, :applicationId, :attempt)',
          after,
        );
      }
      const rows = await query
        .orderBy('j.created_at')
        .addOrderBy('j.application_id')
        .addOrderBy('j.attempt')
        .limit(BATCH)
        .getMany();
      for (const row of rows) {
        await this.queue.add({ applicationId: row.applicationId, attempt: row.attempt }, row.priority);
      }
      const pending = rows.filter((r) => r.status === 'pending');
      if (pending.length > 0) {
        await this.dataSource.query(
          `UPDATE encode_lane.lane_jobs j SET status = 'queued', dispatched_at = now()
             FROM unnest($1::uuid[], $2::int[]) AS k(application_id, attempt)
            WHERE j.application_id = k.application_id AND j.attempt = k.attempt AND j.status = 'pending'`,
          [pending.map((r) => r.applicationId), pending.map((r) => r.attempt)],
        );
      }
      if (rows.length < BATCH) return;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, applicationId: last.applicationId, attempt: last.attempt };
    }
  }
}
