import {
  isPermanentJobFailure,
  JOB_RETRIES,
  LANE_PRIORITIES,
  laneJobId,
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

interface Entry {
  readonly ref: LaneJobRef;
  readonly id: string;
  readonly priority: LanePriority;
  readonly sequence: number;
  readonly addedAt: Date;
  state: QueuedJobState;
  failures: number;
  failedReason?: string;
  finishedAt?: number;
}

/** Finished jobs kept for the queue view and for de-duplication, like BullMQ's removeOnComplete. */
const KEEP_FINISHED = 10_000;

/**
 * The embedded mode's lane queue: the same semantics as the BullMQ one (priorities, FIFO within a priority,
 * idempotent add by job id, handler failures retried with backoff, pause and resume per lane) in this
 * process, with nothing to persist: in the embedded mode everything restarts together.
 */
export class MemoryLaneQueue implements LaneQueue {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Record<LanePriority, Entry[]> = { express: [], normal: [] };
  private readonly wakers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly consumers = new Set<MemoryLaneConsumer>();
  private sequence = 0;
  private closed = false;

  constructor(readonly pool: string) {}

  async add(ref: LaneJobRef, priority: LanePriority): Promise<void> {
    const id = laneJobId(ref);
    if (this.closed || this.entries.has(id)) return;
    const entry: Entry = {
      ref: { applicationId: ref.applicationId, attempt: ref.attempt },
      id,
      priority,
      sequence: ++this.sequence,
      addedAt: new Date(),
      state: 'waiting',
      failures: 0,
    };
    this.entries.set(id, entry);
    this.enqueue(entry);
  }

  consume(lane: string, handler: LaneJobHandler): LaneConsumer {
    const consumer = new MemoryLaneConsumer(this, handler);
    this.consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  async next(): Promise<LaneJobRef | undefined> {
    for (const priority of LANE_PRIORITIES) {
      const entry = this.waiting[priority][0];
      if (entry) return { ...entry.ref };
    }
    return undefined;
  }

  async counts(): Promise<QueueCounts> {
    const count = (state: QueuedJobState) =>
      [...this.entries.values()].filter((e) => e.state === state).length;
    return {
      waiting: { express: this.waiting.express.length, normal: this.waiting.normal.length },
      active: count('active'),
      delayed: count('delayed'),
      completed: count('completed'),
      failed: count('failed'),
    };
  }

  async jobs(states: readonly QueuedJobState[], limit: number): Promise<QueuedJob[]> {
    return [...this.entries.values()]
      .filter((e) => states.includes(e.state))
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, limit)
      .map((e) => ({
        id: e.id,
        applicationId: e.ref.applicationId,
        attempt: e.ref.attempt,
        priority: e.priority,
        state: e.state,
        addedAt: e.addedAt.toISOString(),
        failures: e.failures,
        ...(e.failedReason ? { failedReason: e.failedReason } : {}),
      }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.consumers].map((c) => c.close()));
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The next job by priority, then by arrival; undefined when none waits. */
  take(): Entry | undefined {
    for (const priority of LANE_PRIORITIES) {
      const entry = this.waiting[priority].shift();
      if (entry) {
        entry.state = 'active';
        return entry;
      }
    }
    return undefined;
  }

  waitForJob(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wakers.delete(wake);
        resolve();
      };
      this.wakers.add(wake);
    });
  }

  finished(entry: Entry, error?: unknown): void {
    if (error === undefined) {
      entry.state = 'completed';
    } else {
      entry.failures += 1;
      entry.failedReason = error instanceof Error ? error.name : 'unknown';
      if (entry.failures < JOB_RETRIES && !isPermanentJobFailure(error)) {
        entry.state = 'delayed';
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.closed) this.enqueue(entry);
        }, retryDelayMs(entry.failures));
        this.timers.add(timer);
        return;
      }
      entry.state = 'failed';
    }
    entry.finishedAt = Date.now();
    this.pruneFinished();
  }

  forget(consumer: MemoryLaneConsumer): void {
    this.consumers.delete(consumer);
  }

  private enqueue(entry: Entry): void {
    entry.state = 'waiting';
    const list = this.waiting[entry.priority];
    // Arrival order within a priority, a retried job keeping its original place.
    let index = list.length;
    while (index > 0 && list[index - 1].sequence > entry.sequence) index--;
    list.splice(index, 0, entry);
    this.wake();
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private pruneFinished(): void {
    const finished = [...this.entries.values()].filter((e) => e.finishedAt !== undefined);
    if (finished.length <= KEEP_FINISHED) return;
    finished.sort((a, b) => a.finishedAt! - b.finishedAt!);
    for (const entry of finished.slice(0, finished.length - KEEP_FINISHED)) this.entries.delete(entry.id);
  }
}

class MemoryLaneConsumer implements LaneConsumer {
  private isPaused = false;
  private closed = false;
  private current: Promise<void> | undefined;
  private resumed: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: MemoryLaneQueue,
    private readonly handler: LaneJobHandler,
  ) {}

  get paused(): boolean {
    return this.isPaused;
  }

  start(): void {
    this.loop = this.run();
  }

  async pause(): Promise<void> {
    this.isPaused = true;
    await this.current;
  }

  resume(): void {
    this.isPaused = false;
    this.resumed?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.resumed?.();
    await this.loop;
    this.queue.forget(this);
  }

  private async run(): Promise<void> {
    while (!this.closed && !this.queue.isClosed) {
      if (this.isPaused) {
        await new Promise<void>((resolve) => (this.resumed = resolve));
        this.resumed = undefined;
        continue;
      }
      const entry = this.queue.take();
      if (!entry) {
        await Promise.race([
          this.queue.waitForJob(),
          new Promise<void>((resolve) => (this.resumed = resolve)),
        ]);
        this.resumed = undefined;
        continue;
      }
      this.current = this.handler(entry.ref).then(
        () => this.queue.finished(entry),
        (error: unknown) => this.queue.finished(entry, error),
      );
      await this.current;
      this.current = undefined;
    }
  }
}
