/**
 * The port between the encode-lane stage and its job queue: one queue per lane pool, one job per physical
 * card attempt, express before normal at the next card. BullMQ on Redis in the full stack, an in-memory
 * queue with the same semantics in the embedded mode.
 */
export type LanePriority = 'express' | 'normal';
export const LANE_PRIORITIES: readonly LanePriority[] = ['express', 'normal'];

export interface LaneJobRef {
  readonly applicationId: string;
  readonly attempt: number;
}

export type QueuedJobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

export interface QueuedJob extends LaneJobRef {
  readonly id: string;
  readonly priority: LanePriority;
  readonly state: QueuedJobState;
  readonly addedAt: string;
  /** Times the handler threw for this job (infrastructure failures; a spoiled card is a new job instead). */
  readonly failures: number;
  readonly failedReason?: string;
}

export interface QueueCounts {
  readonly waiting: Readonly<Record<LanePriority, number>>;
  readonly active: number;
  readonly delayed: number;
  readonly completed: number;
  readonly failed: number;
}

export type LaneJobHandler = (job: LaneJobRef) => Promise<void>;

/** One lane taking jobs from its pool's queue, one at a time. */
export interface LaneConsumer {
  /** Takes no new job; resolves once the job in hand (if any) has finished. */
  pause(): Promise<void>;
  resume(): void;
  readonly paused: boolean;
  close(): Promise<void>;
}

export interface LaneQueue {
  readonly kind: 'bullmq' | 'memory';
  readonly pool: string;
  /** Idempotent: a job id already known to the queue (waiting, active or recently finished) is not added again. */
  add(job: LaneJobRef, priority: LanePriority): Promise<void>;
  consume(lane: string, handler: LaneJobHandler): LaneConsumer;
  counts(): Promise<QueueCounts>;
  /** Most recent first within each state; for the operators' queue view. */
  jobs(states: readonly QueuedJobState[], limit: number): Promise<QueuedJob[]>;
  close(): Promise<void>;
}

/** Deterministic, so a redelivered event or a re-run sweep collapses onto the job already queued. */
export function laneJobId(job: LaneJobRef): string {
  return `${job.applicationId}-a${job.attempt}`;
}

/** Handler failures (not spoiled cards: those complete their job) are retried this often, with backoff. */
export const JOB_RETRIES = 5;
export const RETRY_BASE_DELAY_MS = 1000;

export function retryDelayMs(failures: number): number {
  return RETRY_BASE_DELAY_MS * 2 ** Math.max(0, failures - 1);
}
