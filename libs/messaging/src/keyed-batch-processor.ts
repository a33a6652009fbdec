import { backoffMs, errorCode, errorMessage, isPermanent } from './failures';
import {
  DEFAULT_RETRY_POLICY,
  type InboundRecord,
  type MessagingInstrumentation,
  type OutgoingRecord,
  type RecordHandler,
  type RetryPolicy,
} from './port';

export interface KeyedBatchProcessorOptions {
  readonly groupId: string;
  readonly handler: RecordHandler;
  readonly deadLetterTopic: string;
  readonly retry?: RetryPolicy;
  readonly keyConcurrency?: number;
  readonly publish: (records: readonly OutgoingRecord[]) => Promise<void>;
  readonly instrumentation: MessagingInstrumentation;
  /** False once the subscription is stopping: pending retries are abandoned and left for redelivery. */
  readonly isRunning: () => boolean;
  readonly heartbeat?: () => Promise<void>;
  readonly sleep?: (ms: number, isRunning: () => boolean) => Promise<void>;
}

export const DLT_HEADERS = {
  errorCode: 'mnc_dlt_error_code',
  errorMessage: 'mnc_dlt_error_message',
  errorDetails: 'mnc_dlt_error_details',
  sourceTopic: 'mnc_dlt_source_topic',
  sourcePartition: 'mnc_dlt_source_partition',
  sourceOffset: 'mnc_dlt_source_offset',
  group: 'mnc_dlt_group',
  attempts: 'mnc_dlt_attempts',
  failedAt: 'mnc_dlt_failed_at',
} as const;

/** Sleeps in short slices so a stopping subscription is not held up by a long backoff. */
export async function interruptibleSleep(ms: number, isRunning: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (isRunning() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, until - Date.now())));
  }
}

export function deadLetterRecord(
  record: InboundRecord,
  deadLetterTopic: string,
  groupId: string,
  error: unknown,
  attempts: number,
): OutgoingRecord {
  const details = (error as { details?: unknown } | null | undefined)?.details;
  return {
    topic: deadLetterTopic,
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLT_HEADERS.errorCode]: errorCode(error),
      [DLT_HEADERS.errorMessage]: errorMessage(error).slice(0, 2000),
      ...(details ? { [DLT_HEADERS.errorDetails]: JSON.stringify(details).slice(0, 4000) } : {}),
      [DLT_HEADERS.sourceTopic]: record.topic,
      [DLT_HEADERS.sourcePartition]: String(record.partition),
      [DLT_HEADERS.sourceOffset]: record.offset,
      [DLT_HEADERS.group]: groupId,
      [DLT_HEADERS.attempts]: String(attempts),
      [DLT_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}

/**
 * Processes one partition's batch: records of one key strictly in order, different keys concurrently, so a
 * key that is retrying with backoff does not hold up the others. A record whose failure is permanent, or
 * transient past the retry policy, is parked in the dead-letter topic with its error and the processing
 * moves on. Returns how many records from the start of the batch are finished (processed or parked): the
 * caller commits the offset after them; anything later is redelivered and the idempotent consumer absorbs it.
 */
export async function processKeyedBatch(
  records: readonly InboundRecord[],
  options: KeyedBatchProcessorOptions,
): Promise<number> {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? interruptibleSleep;
  const done = new Array<boolean>(records.length).fill(false);
  const chains = new Map<string, number[]>();
  records.forEach((record, index) => {
    const chain = chains.get(record.key);
    if (chain) chain.push(index);
    else chains.set(record.key, [index]);
  });

  const heartbeat = options.heartbeat;
  const heartbeatTimer = heartbeat
    ? setInterval(() => void heartbeat().catch(() => undefined), 1000)
    : undefined;

  const handleOne = async (record: InboundRecord): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const outcome = await options.instrumentation.aroundHandle(record, options.groupId, () =>
          options.handler(record, { groupId: options.groupId, attempt }),
        );
        options.instrumentation.recordOutcome(
          record,
          options.groupId,
          outcome === 'duplicate' ? 'duplicate' : 'processed',
          seconds(),
        );
        return true;
      } catch (error) {
        if (isPermanent(error) || attempt >= retry.maxAttempts) {
          return parkInDeadLetters(record, error, attempt, seconds());
        }
        options.instrumentation.recordOutcome(record, options.groupId, 'retried', seconds());
        if (!options.isRunning()) return false;
        await sleep(backoffMs(attempt, retry.initialBackoffMs, retry.maxBackoffMs), options.isRunning);
        if (!options.isRunning()) return false;
      }
    }
  };

  const parkInDeadLetters = async (
    record: InboundRecord,
    error: unknown,
    attempts: number,
    seconds: number,
  ) => {
    const parked = deadLetterRecord(record, options.deadLetterTopic, options.groupId, error, attempts);
    for (let attempt = 1; options.isRunning() || attempt === 1; attempt++) {
      try {
        await options.publish([parked]);
        options.instrumentation.recordOutcome(record, options.groupId, 'dead_lettered', seconds);
        return true;
      } catch {
        await sleep(backoffMs(attempt, retry.initialBackoffMs, retry.maxBackoffMs), options.isRunning);
      }
    }
    return false;
  };

  const keys = [...chains.keys()];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const chain = chains.get(keys[next++])!;
      for (const index of chain) {
        // Once stopping (or the partition is revoked), start nothing new: in-flight records finish, the rest is redelivered.
        if (!options.isRunning()) return;
        if (!(await handleOne(records[index]))) break; // abandon the rest of this key to keep its order
        done[index] = true;
      }
    }
  };
  try {
    const workers = Math.max(1, Math.min(options.keyConcurrency ?? 16, keys.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
  }
  const firstUnfinished = done.indexOf(false);
  return firstUnfinished === -1 ? records.length : firstUnfinished;
}
