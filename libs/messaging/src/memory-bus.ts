import { EventEmitter } from 'node:events';
import { processKeyedBatch } from './keyed-batch-processor';
import { partitionForKey } from './partitioner';
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

interface GroupState {
  /** Next offset to deliver, per "topic/partition": the committed position. */
  readonly committed: Map<string, number>;
  readonly members: Set<MemoryConsumer>;
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist; create it with ensureTopics`);
  }
}

/**
 * An in-process bus with Kafka's semantics where the pipeline relies on them: partitions by key hash,
 * per-partition order, consumer groups with committed offsets (a restarted subscription resumes after the
 * last commit, so uncommitted records are redelivered), keyed retry with backoff and dead-letter topics
 * (the same processor as the Kafka adapter). Records live for the life of the process.
 */
export class MemoryBus implements MessageBus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, InboundRecord[][]>();
  private readonly groups = new Map<string, GroupState>();
  private readonly appended = new EventEmitter();
  private readonly consumers = new Set<MemoryConsumer>();

  constructor(
    private readonly instrumentation: MessagingInstrumentation = NO_INSTRUMENTATION,
    private readonly autoCreatePartitions = 0,
  ) {
    this.appended.setMaxListeners(0);
  }

  async connect(): Promise<void> {
    // nothing to connect: the bus lives in this process
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (!this.topics.has(spec.name)) {
        this.topics.set(
          spec.name,
          Array.from({ length: spec.partitions }, () => []),
        );
      }
    }
  }

  async publish(records: readonly OutgoingRecord[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const record of records) {
      let partitions = this.topics.get(record.topic);
      if (!partitions && this.autoCreatePartitions > 0) {
        await this.ensureTopics([{ name: record.topic, partitions: this.autoCreatePartitions }]);
        partitions = this.topics.get(record.topic);
      }
      if (!partitions) throw new UnknownTopicError(record.topic);
      const partition = partitionForKey(record.key, partitions.length);
      const log = partitions[partition];
      log.push({ ...record, headers: { ...record.headers }, partition, offset: String(log.length) });
      counts.set(record.topic, (counts.get(record.topic) ?? 0) + 1);
    }
    for (const [topic, count] of counts) this.instrumentation.recordProduced(topic, count);
    this.appended.emit('append');
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    for (const topic of options.topics) if (!this.topics.has(topic)) throw new UnknownTopicError(topic);
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = { committed: new Map(), members: new Set() };
      this.groups.set(options.groupId, group);
    }
    const consumer = new MemoryConsumer(this, group, options, this.instrumentation);
    group.members.add(consumer);
    this.consumers.add(consumer);
    consumer.start();
    return {
      stop: async () => {
        await consumer.stop();
        group!.members.delete(consumer);
        this.consumers.delete(consumer);
      },
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
  }

  async isHealthy(): Promise<{ ok: boolean; detail?: string }> {
    return { ok: true, detail: 'in-memory bus' };
  }

  /** Every record on a topic, in partition then offset order: for tests and the dashboard's dead letters. */
  records(topic: string): InboundRecord[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  /** @internal */
  partitionsOf(topic: string): InboundRecord[][] {
    return this.topics.get(topic) ?? [];
  }

  /** @internal */
  onAppend(listener: () => void): () => void {
    this.appended.on('append', listener);
    return () => this.appended.off('append', listener);
  }
}

class MemoryConsumer {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly bus: MemoryBus,
    private readonly group: GroupState,
    private readonly options: SubscriptionOptions,
    private readonly instrumentation: MessagingInstrumentation,
  ) {}

  start(): void {
    this.running = true;
    const unsubscribe = this.bus.onAppend(() => this.wake?.());
    this.loop = this.run().finally(unsubscribe);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Partitions are shared among a group's members by index, as a Kafka range assignor would. */
  private assigned(topic: string, partitions: number): number[] {
    const members = [...this.group.members];
    const me = members.indexOf(this);
    return Array.from({ length: partitions }, (_, p) => p).filter((p) => p % members.length === me);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      for (const topic of this.options.topics) {
        const partitions = this.bus.partitionsOf(topic);
        const batches = this.assigned(topic, partitions.length).map(async (partition) => {
          const position = `${topic}/${partition}`;
          const from = this.group.committed.get(position) ?? 0;
          const log = partitions[partition];
          if (from >= log.length) return;
          worked = true;
          const batch = log.slice(from, from + 200);
          this.instrumentation.recordLag(this.options.groupId, topic, partition, log.length - from);
          const finished = await processKeyedBatch(batch, {
            ...this.options,
            publish: (records) => this.bus.publish(records),
            instrumentation: this.instrumentation,
            isRunning: () => this.running,
          });
          this.group.committed.set(position, from + finished);
        });
        await Promise.all(batches);
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 250);
        });
        this.wake = undefined;
      }
    }
  }
}
