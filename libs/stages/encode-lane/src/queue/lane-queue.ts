/**
 * The port between the encode-lane stage and its job queue: one queue per lane pool, one job per physical
 * card attempt, express before normal at the next card. BullMQ on Redis in the full stack, an in-memory
 * queue with the same semantics in the embedded mode.
 */
import { isPermanent } from '@mnc/messaging';
import { PkiError } from '@mnc/pki-client';

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
  /**
   * The job the pool would hand out next, without taking it: a hint for work made ahead, since another lane
   * (or a later express job) may still get there first.
   */
  next(): Promise<LaneJobRef | undefined>;
  counts(): Promise<QueueCounts>;
  /** Most recent first within each state; for the operators' queue view. */
  jobs(states: readonly QueuedJobState[], limit: number): Promise<QueuedJob[]>;
  close(): Promise<void>;
}

/** Deterministic, so a redelivered event or a re-run sweep collapses onto the job already queued. */
export function laneJobId(job: LaneJobRef): string {
  return `${job.applicationId}-a${job.attempt}`;
}

/** The job behind a {@link laneJobId}; undefined for an id the lanes did not make. */
export function laneJobOf(id: string): LaneJobRef | undefined {
  const [, applicationId, attempt] = /^(.+)-a(\d+)$/.exec(id) ?? [];
  return applicationId !== undefined && attempt !== undefined
    ? { applicationId, attempt: Number(attempt) }
    : undefined;
}

/**
 * Handler failures (not spoiled cards: those complete their job) are retried with backoff doubling from 1 s
 * to 30 s, for as long as the failure is transient: a CA, database or Redis outage can outlast any short
 * budget, and a job that ran out of tries would leave its application without a card and nothing to pick it
 * up again (the chaos run found four so, after a CA restart). The cap of tries is only a backstop (days);
 * a permanent failure fails the job at once, for an operator.
 */
export const JOB_RETRIES = 10_000;
export const RETRY_BASE_DELAY_MS = 1000;
export const RETRY_MAX_DELAY_MS = 30_000;

export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Retrying cannot help: a failure marked permanent (a broken contract, a domain rule) or a refusal by the CA
 * (as opposed to the CA being unreachable).
 */
export function isPermanentJobFailure(error: unknown): boolean {
  return isPermanent(error) || (error instanceof PkiError && !error.retryable);
}
