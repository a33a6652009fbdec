import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBus, type InboundRecord } from '@mnc/messaging';

/**
 * The pipeline's messaging on the three-broker configuration docs/operations.md recommends (replication 3,
 * min.insync.replicas 2), started by `infra/kafka-cluster start`: topics come out with three replicas, and
 * a broker SIGKILLed mid-stream loses no acknowledged record and stalls neither producer nor consumer for
 * good. Run by `npm run test:kafka-cluster`, not in CI (three more JVMs on two cores).
 */
jest.setTimeout(10 * 60_000);
const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const BROKERS = ['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094'];
const RECORDS = 3000;

async function cluster(...args: string[]): Promise<void> {
  await run('bash', [path.join(root, 'infra', 'kafka-cluster'), ...args], { timeout: 180_000 });
}

describe('messaging on a three-broker Kafka cluster', () => {
  const topic = `mnc.cluster-check.${Date.now()}.v1`;
  let bus: KafkaBus;

  beforeAll(async () => {
    await cluster('start');
    bus = new KafkaBus({ clientId: 'cluster-check', brokers: BROKERS });
    await bus.connect();
  });

  afterAll(async () => {
    await bus?.disconnect();
    await cluster('restart', '2').catch(() => undefined);
  });

  it('creates the topics with three replicas and two in sync required', async () => {
    await bus.ensureTopics([{ name: topic, partitions: 6 }]);
    const admin = new Kafka({
      clientId: 'cluster-check-admin',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const configs = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }],
      includeSynonyms: false,
    });
    await admin.disconnect();
    expect(metadata.topics[0].partitions).toHaveLength(6);
    for (const partition of metadata.topics[0].partitions) expect(partition.replicas).toHaveLength(3);
    expect(configs.resources[0].configEntries[0].configValue).toBe('2');
  });

  it('loses no acknowledged record when a broker is SIGKILLed mid-stream', async () => {
    const received = new Set<string>();
    const subscription = await bus.subscribe({
      groupId: `cluster-check-${Date.now()}`,
      topics: [topic],
      deadLetterTopic: `${topic}.dlt`,
      handler: async (record: InboundRecord) => void received.add(record.value.toString()),
    });
    await bus.ensureTopics([{ name: `${topic}.dlt`, partitions: 1 }]);

    const acknowledged: string[] = [];
    for (let i = 0; i < RECORDS; i += 50) {
      if (i === RECORDS / 2) await cluster('kill', '2');
      const batch = Array.from({ length: 50 }, (_, j) => `record-${i + j}`);
      await bus.publish(
        batch.map((value) => ({
          topic,
          key: `application-${value}`,
          value: Buffer.from(value),
          headers: {},
        })),
      );
      acknowledged.push(...batch);
    }

    const deadline = Date.now() + 180_000;
    while (received.size < acknowledged.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    await subscription.stop();

    expect(acknowledged).toHaveLength(RECORDS);
    expect(acknowledged.filter((value) => !received.has(value))).toEqual([]);
  });
});
