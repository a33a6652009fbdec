import { withLogContext } from './logging/log-context';
import type { ConsumeOutcome, PipelineMetrics } from './metrics/metrics';
import { withConsumerSpan } from './tracing/messaging';

/** The fields of a consumed record this module reads (structurally the messaging port's InboundRecord). */
export interface ConsumedRecord {
  readonly topic: string;
  readonly key: string;
  readonly partition: number;
  readonly offset: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Matches the messaging port's MessagingInstrumentation, without this library depending on it. */
export interface MessagingInstrumentation {
  aroundHandle<T>(record: ConsumedRecord, groupId: string, fn: () => Promise<T>): Promise<T>;
  recordOutcome(record: ConsumedRecord, groupId: string, outcome: ConsumeOutcome, seconds: number): void;
  recordProduced(topic: string, count: number): void;
  recordLag(groupId: string, topic: string, partition: number, lag: number): void;
}

// CloudEvents binary-mode headers set by every producer in the pipeline.
const EVENT_ID_HEADER = 'ce_id';
const EVENT_TIME_HEADER = 'ce_time';
const SUBJECT_HEADER = 'ce_subject'; // the application id

/**
 * Consumer-side tracing, log context and metrics for the message bus: each handled record runs in a CONSUMER
 * span continuing its producer's trace, with the application id in every log line it writes. The consumer
 * group names the stage in stage latency.
 */
export function messagingInstrumentation(metrics: PipelineMetrics): MessagingInstrumentation {
  return {
    aroundHandle: (record, groupId, fn) => {
      const handle = () =>
        withConsumerSpan(
          `process ${record.topic}`,
          record.headers,
          {
            topic: record.topic,
            key: record.key,
            messageId: record.headers[EVENT_ID_HEADER],
            partition: record.partition,
            offset: record.offset,
            group: groupId,
          },
          fn,
        );
      const applicationId = record.headers[SUBJECT_HEADER];
      return applicationId ? withLogContext({ applicationId }, handle) : handle();
    },
    recordOutcome: (record, groupId, outcome, seconds) => {
      metrics.eventsConsumed.inc({ topic: record.topic, group: groupId, outcome });
      metrics.eventProcessingSeconds.observe({ topic: record.topic, group: groupId }, seconds);
      const eventTime = record.headers[EVENT_TIME_HEADER];
      if (outcome === 'processed' && eventTime) metrics.stageLatencySeconds.observeSince(groupId, eventTime);
    },
    recordProduced: (topic, count) => metrics.eventsProduced.inc({ topic }, count),
    recordLag: (groupId, topic, partition, lag) =>
      metrics.consumerLag.set({ topic, partition, group: groupId }, lag),
  };
}
