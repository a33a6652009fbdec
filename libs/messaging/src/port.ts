/**
 * The project's own messaging port. Stages depend on this, never on a Kafka client, so the client can change
 * (kafkajs today) and the embedded mode can run the same semantics in memory.
 */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface InboundRecord extends OutgoingRecord {
  readonly partition: number;
  readonly offset: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included, before a transient failure is parked in the dead-letter topic. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * About 45-85 s of retries in all (jittered backoff, 200 ms doubling to 15 s): long enough to ride out a
 * restart of the broker, the database or a service the stage calls (the chaos suite restarts each; with a
 * 5 s budget an application whose CA call met a CA restart was parked), short enough that a real outage
 * soon shows as a dead letter an operator can replay.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 12,
  initialBackoffMs: 200,
  maxBackoffMs: 15_000,
};

export interface DeliveryContext {
  readonly groupId: string;
  /** 1 for the first delivery of this record in this process; grows with each retry. */
  readonly attempt: number;
}

/** Resolves 'duplicate' when the record had already taken effect (an idempotent consumer saw it before). */
export type RecordHandler = (
  record: InboundRecord,
  context: DeliveryContext,
) => Promise<'processed' | 'duplicate' | void>;

export interface SubscriptionOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: RecordHandler;
  readonly deadLetterTopic: string;
  readonly retry?: RetryPolicy;
  /** Keys processed at once within a partition's batch; records of one key are always sequential. */
  readonly keyConcurrency?: number;
}

export interface Subscription {
  /** Finishes in-flight records, commits their offsets and leaves the group. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
}

export interface MessageBus {
  readonly kind: 'kafka' | 'memory';
  connect(): Promise<void>;
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Resolves once every record is durably accepted (Kafka: acks from all in-sync replicas). */
  publish(records: readonly OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  /** Stops every subscription gracefully, then closes the client. */
  disconnect(): Promise<void>;
  isHealthy(): Promise<{ ok: boolean; detail?: string }>;
}

/** Hooks for metrics and tracing; the messaging code stays free of a telemetry library. */
export interface MessagingInstrumentation {
  aroundHandle<T>(record: InboundRecord, groupId: string, fn: () => Promise<T>): Promise<T>;
  recordOutcome(record: InboundRecord, groupId: string, outcome: ConsumeOutcome, seconds: number): void;
  recordProduced(topic: string, count: number): void;
  recordLag(groupId: string, topic: string, partition: number, lag: number): void;
}

export type ConsumeOutcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered';

export const NO_INSTRUMENTATION: MessagingInstrumentation = {
  aroundHandle: (_r, _g, fn) => fn(),
  recordOutcome: () => undefined,
  recordProduced: () => undefined,
  recordLag: () => undefined,
};
