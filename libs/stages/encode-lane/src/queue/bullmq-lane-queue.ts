import { Queue, UnrecoverableError, Worker, type Job, type JobType } from 'bullmq';
import IORedis from 'ioredis';
import {
  isPermanentJobFailure,
  JOB_RETRIES,
  laneJobId,
  laneJobOf,
  RETRY_BASE_DELAY_MS,
  retryDelayMs,
  type LaneConsumer,
  type LaneJobHandler,
  type LaneJobRef,
  type LanePriority,
  type LaneQueue,
  type QueueCounts,
  type QueuedJob,
  type QueuedJobState,
} from './lane-queue';

/** BullMQ: a lower number is served first; 0 would mean "no priority" and go before both, so it is not used. */
const PRIORITY: Record<LanePriority, number> = { express: 1, normal: 2 };
const PRIORITY_NAME = new Map<number, LanePriority>([
  [1, 'express'],
  [2, 'normal'],
]);
const KEY_PREFIX = 'mnc-lanes';
const JOB_NAME = 'card-attempt';

export interface BullmqLaneQueueOptions {
  readonly redisUrl: string;
  readonly pool: string;
  /**
   * How long a lane holds a job without renewing its lock before another lane may take it over (a killed
   * lane process). The takeover finds the attempt cut off mid-encode and spoils it.
   */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

function redis(url: string): IORedis {
  // Workers block on Redis; BullMQ requires no per-request retry limit on their connections.
  return new IORedis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** The full stack's lane queue: `mnc-lanes:<pool>` in Redis, shared by every lane process of the pool. */
export class BullmqLaneQueue implements LaneQueue {
  readonly kind = 'bullmq' as const;
  readonly pool: string;
  private readonly connection: IORedis;
  private readonly queue: Queue;
  private readonly consumers = new Set<BullmqLaneConsumer>();

  constructor(private readonly options: BullmqLaneQueueOptions) {
    this.pool = options.pool;
    this.connection = redis(options.redisUrl);
    this.queue = new Queue(options.pool, {
      connection: this.connection,
      prefix: KEY_PREFIX,
      defaultJobOptions: {
        attempts: JOB_RETRIES,
        // Capped by the workers' backoffStrategy (retryDelayMs).
        backoff: { type: 'capped-exponential', delay: RETRY_BASE_DELAY_MS },
        // Kept a day so a late duplicate add (a re-run dispatch sweep) still finds the id and is a no-op.
        removeOnComplete: { age: 24 * 3600, count: 100_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
  }

  async add(job: LaneJobRef, priority: LanePriority): Promise<void> {
    await this.queue.add(
      JOB_NAME,
      { applicationId: job.applicationId, attempt: job.attempt },
      { jobId: laneJobId(job), priority: PRIORITY[priority] },
    );
  }

  consume(lane: string, handler: LaneJobHandler): LaneConsumer {
    const consumer = new BullmqLaneConsumer(
      new Worker<LaneJobRef>(this.pool, (job) => runJob(handler, job.data), {
        connection: redis(this.options.redisUrl),
        prefix: KEY_PREFIX,
        name: lane,
        // One card at a time per lane: a lane is one printer and one encoder.
        concurrency: 1,
        lockDuration: this.options.lockDurationMs ?? 15_000,
        stalledInterval: this.options.stalledIntervalMs ?? 5_000,
        // Re-running a stalled job is safe (it spoils the interrupted card), so let it happen rather than fail the job.
        maxStalledCount: 10,
        settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade) },
      }),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  async next(): Promise<LaneJobRef | undefined> {
    // Served in this order: jobs without a priority (none are added so), then by priority and arrival.
    const [id] = await this.queue.getRanges(['wait', 'prioritized'], 0, 0, true);
    return id === undefined ? undefined : laneJobOf(id);
  }

  async counts(): Promise<QueueCounts> {
    const [perPriority, counts] = await Promise.all([
      this.queue.getCountsPerPriority([PRIORITY.express, PRIORITY.normal]),
      this.queue.getJobCounts('active', 'delayed', 'completed', 'failed'),
    ]);
    return {
      waiting: { express: perPriority[PRIORITY.express] ?? 0, normal: perPriority[PRIORITY.normal] ?? 0 },
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async jobs(states: readonly QueuedJobState[], limit: number): Promise<QueuedJob[]> {
    const out: QueuedJob[] = [];
    for (const state of states) {
      const types: JobType[] = state === 'waiting' ? ['prioritized', 'waiting'] : [state];
      // Waiting jobs in the order they will be served; finished ones most recent first.
      const found = await this.queue.getJobs(types, 0, limit - 1, state === 'waiting');
      for (const job of found) if (job) out.push(view(job as Job<LaneJobRef>, state));
    }
    return out.slice(0, limit);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    await this.queue.close();
    this.connection.disconnect();
  }

  /** Removes the pool's keys from Redis: for tests and benchmarks that use a pool of their own. */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }
}

function view(job: Job<LaneJobRef>, state: QueuedJobState): QueuedJob {
  const failures = state === 'completed' ? Math.max(0, job.attemptsMade - 1) : job.attemptsMade;
  return {
    id: job.id ?? laneJobId(job.data),
    applicationId: job.data.applicationId,
    attempt: job.data.attempt,
    priority: PRIORITY_NAME.get(job.priority) ?? 'normal',
    state,
    addedAt: new Date(job.timestamp).toISOString(),
    failures,
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
  };
}

/** Runs a job; a failure retrying cannot mend fails the job now instead of after every try. */
async function runJob(handler: LaneJobHandler, job: LaneJobRef): Promise<void> {
  try {
    await handler(job);
  } catch (error) {
    if (!isPermanentJobFailure(error)) throw error;
    throw new UnrecoverableError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

class BullmqLaneConsumer implements LaneConsumer {
  private isPaused = false;
  constructor(private readonly worker: Worker<LaneJobRef>) {
    // A lost Redis connection is reported here and retried by ioredis; without a listener Node would throw.
    worker.on('error', () => undefined);
  }

  get paused(): boolean {
    return this.isPaused;
  }

  async pause(): Promise<void> {
    this.isPaused = true;
    await this.worker.pause();
  }

  resume(): void {
    this.isPaused = false;
    void this.worker.resume();
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.worker.disconnect();
  }
}
