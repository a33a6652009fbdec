import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { percentile } from '@mnc/load-driver';
import { fixKafkajsIdleLoop } from '@mnc/messaging';

/**
 * The messaging ceiling on this machine: bare kafkajs, none of the project's code, relaying records through
 * six topics the way the six stages do (consume a batch, produce it on, commit), acks from all in-sync
 * replicas. Whatever the pipeline reaches, it cannot beat this on the same broker and cores. kafkajs runs
 * with the idle-loop fix the stages run with, so both pay the same client costs.
 */
export interface MessagingCeiling {
  readonly records: number;
  readonly hops: number;
  readonly recordsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
}

const HOPS = 6;
const PARTITIONS = 6;

export async function messagingCeiling(options: {
  readonly brokers: readonly string[];
  readonly records: number;
}): Promise<MessagingCeiling> {
  fixKafkajsIdleLoop();
  const kafka = new Kafka({
    clientId: 'bench-ceiling',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const run = `${Date.now()}`;
  const topic = (hop: number) => `bench.ceiling.${run}.${hop}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Array.from({ length: HOPS + 1 }, (_, hop) => ({ topic: topic(hop), numPartitions: PARTITIONS })),
  });

  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const latencies: number[] = [];
  let arrived = 0;
  let resolveAll: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => (resolveAll = resolve));
  try {
    for (let hop = 0; hop <= HOPS; hop++) {
      const consumer = kafka.consumer({ groupId: `bench-ceiling-${run}-${hop}`, maxWaitTimeInMs: 20 });
      await consumer.connect();
      await consumer.subscribe({ topic: topic(hop), fromBeginning: true });
      consumers.push(consumer);
      const last = hop === HOPS;
      const producer = last ? undefined : kafka.producer({ allowAutoTopicCreation: false });
      if (producer) {
        await producer.connect();
        producers.push(producer);
      }
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          if (batch.messages.length === 0) return;
          if (producer) {
            await producer.send({
              topic: topic(hop + 1),
              acks: -1,
              messages: batch.messages.map((m) => ({
                key: m.key,
                value: m.value,
                partition: batch.partition,
              })),
            });
          } else {
            const now = Date.now();
            for (const m of batch.messages) latencies.push(now - Number(m.value?.toString()));
            arrived += batch.messages.length;
            if (arrived >= options.records) resolveAll();
          }
          const lastOffset = batch.messages[batch.messages.length - 1].offset;
          resolveOffset(lastOffset);
          await commitOffsetsIfNecessary({
            topics: [
              {
                topic: batch.topic,
                partitions: [{ partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }],
              },
            ],
          });
        },
      });
    }

    const source = kafka.producer({ allowAutoTopicCreation: false });
    await source.connect();
    producers.push(source);
    const started = Date.now();
    // Eight batches in flight: the source must not be what limits the relay.
    const batches = Array.from({ length: Math.ceil(options.records / 100) }, (_, b) => b);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let b = batches.shift(); b !== undefined; b = batches.shift()) {
          const first = b * 100;
          const count = Math.min(100, options.records - first);
          await source.send({
            topic: topic(0),
            acks: -1,
            messages: Array.from({ length: count }, (_, i) => ({
              key: `application-${first + i}`,
              value: String(Date.now()),
            })),
          });
        }
      }),
    );
    await Promise.race([
      allArrived,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('relay did not finish in 10 min')), 600_000),
      ),
    ]);
    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      records: options.records,
      hops: HOPS,
      recordsPerSecond: Number((options.records / seconds).toFixed(1)),
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      },
    };
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all(producers.map((p) => p.disconnect()));
    await admin
      .deleteTopics({ topics: Array.from({ length: HOPS + 1 }, (_, hop) => topic(hop)) })
      .catch(() => undefined);
    await admin.disconnect();
  }
}
