import { partitionForKey } from './partitioner';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaConfig,
  type logCreator,
  type Producer,
} from 'kafkajs';
import { fixKafkajsIdleLoop } from './kafkajs-idle-fix';
import { processKeyedBatch } from './keyed-batch-processor';
import {
  NO_INSTRUMENTATION,
  type InboundRecord,
  type MessageBus,
  type MessagingInstrumentation,
  type OutgoingRecord,
  type Subscription,
  type SubscriptionOptions,
  type TopicSpec,
} from './port';

fixKafkajsIdleLoop();

export interface KafkaBusOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly instrumentation?: MessagingInstrumentation;
  readonly logCreator?: logCreator;
  /** Partitions of one topic processed at once by a member. */
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}

/**
 * kafkajs behind the messaging port. Producer: acks from all in-sync replicas, no automatic topic creation.
 * Consumers: offsets are committed by hand after a batch's records are finished (processed or parked), so a
 * crash redelivers; heartbeats continue while handlers run, so a slow batch does not trigger a rebalance.
 */
export class KafkaBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly instrumentation: MessagingInstrumentation;
  private producerConnected = false;
  private readonly partitionCounts = new Map<string, number>();

  constructor(private readonly options: KafkaBusOptions) {
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
      ...(options.logCreator ? { logCreator: options.logCreator } : {}),
    };
    this.kafka = new Kafka(config);
    // The Java client's partitioner (murmur2), which the in-memory bus reproduces.
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.instrumentation = options.instrumentation ?? NO_INSTRUMENTATION;
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    await this.producer.connect();
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    try {
      await this.admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: -1 })),
      });
    } catch (error) {
      // Another service may have created the same topic at the same moment.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    }
    await this.waitForLeaders(missing.map((t) => t.name));
  }

  /**
   * On a cluster, the broker that answers the next metadata request may not know a new topic yet
   * (UNKNOWN_TOPIC_OR_PARTITION), which kafkajs's own wait does not retry: poll until every partition has
   * a leader.
   */
  private async waitForLeaders(topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics: found } = await this.admin.fetchTopicMetadata({ topics: [...topics] });
        if (found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics without leaders after 30 s: ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * One produce request per partition, never one spanning several leaders: when a broker dies mid-request,
   * kafkajs retries only towards brokers that had not answered yet, so a partition whose leadership moved
   * to a broker that had already answered for other partitions was silently dropped (found by
   * e2e/kafka-cluster.cluster.spec.ts: 14 acknowledged records of 3,000 lost; kafkajs issue 1303). With one
   * partition per request, a retry always goes to that partition's new leader. The partition is chosen here
   * with Kafka's own murmur2 partitioner, as the producer would.
   */
  async publish(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byPartition = new Map<string, { topic: string; partition: number; list: OutgoingRecord[] }>();
    for (const record of records) {
      const partition = partitionForKey(record.key, await this.partitionCount(record.topic));
      const id = `${record.topic}\u0000${partition}`;
      const group = byPartition.get(id);
      if (group) group.list.push(record);
      else byPartition.set(id, { topic: record.topic, partition, list: [record] });
    }
    await Promise.all(
      [...byPartition.values()].map(({ topic, partition, list }) =>
        this.producer.send({
          topic,
          acks: -1,
          messages: list.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers }, partition })),
        }),
      ),
    );
    const perTopic = new Map<string, number>();
    for (const record of records) perTopic.set(record.topic, (perTopic.get(record.topic) ?? 0) + 1);
    for (const [topic, count] of perTopic) this.instrumentation.recordProduced(topic, count);
  }

  /** Partitions per topic, looked up once: topics are declared with a fixed count and never shrink. */
  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const count = topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new Error(`topic ${topic} has no partitions (not declared?)`);
    this.partitionCounts.set(topic, count);
    return count;
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      // A member that died without leaving holds its partitions until this runs out; 10 s (three missed
      // heartbeats) lets a restarted stage resume sooner than kafkajs' 30 s, and no handler blocks that long.
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 3000,
      // How long the broker holds an empty fetch; a record arriving ends the wait at once (minBytes 1), so
      // this costs no latency, and at 100 ms idle fetching took a few per cent of a core per process.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    const subscription = new KafkaSubscription(consumer, options, this, this.instrumentation);
    await subscription.start(this.options.partitionsConsumedConcurrently ?? 3);
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }

  async isHealthy(): Promise<{ ok: boolean; detail?: string }> {
    if (!this.producerConnected) return { ok: false, detail: 'producer disconnected' };
    const stale = [...this.subscriptions].filter((s) => s.crashed);
    if (stale.length > 0)
      return { ok: false, detail: `consumer crashed: ${stale.map((s) => s.groupId).join(', ')}` };
    return { ok: true };
  }
}

class KafkaSubscription {
  private running = false;
  crashed = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscriptionOptions,
    private readonly bus: KafkaBus,
    private readonly instrumentation: MessagingInstrumentation,
  ) {
    // kafkajs restarts a crashed consumer on retriable errors; a non-retriable crash must fail readiness.
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.crashed = true;
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  async start(partitionsConsumedConcurrently: number): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (batch.isEmpty()) return;
    const records: InboundRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key?.toString('utf8') ?? '',
      value: m.value ?? Buffer.alloc(0),
      headers: headerText(m.headers),
    }));
    this.instrumentation.recordLag(
      this.options.groupId,
      batch.topic,
      batch.partition,
      Number(batch.offsetLag()),
    );
    const stillOwned = () => this.running && isRunning() && !isStale();
    const finished = await processKeyedBatch(records, {
      ...this.options,
      publish: (out) => this.bus.publish(out),
      instrumentation: this.instrumentation,
      isRunning: stillOwned,
      heartbeat,
    });
    if (finished === 0) return;
    const last = records[finished - 1];
    resolveOffset(last.offset);
    // Commit even when the partition was just revoked or the subscription is stopping: the work is done, and a
    // stale commit is rejected harmlessly. Not consumer.commitOffsets(): kafkajs makes that a silent no-op once
    // the consumer is stopping, which would redeliver every batch finished during a graceful stop.
    const offset = (BigInt(last.offset) + 1n).toString();
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
    }).catch((error: unknown) => {
      if (stillOwned()) throw error;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    // kafkajs waits for the running batch to finish before leaving the group.
    await this.consumer.disconnect();
  }
}
