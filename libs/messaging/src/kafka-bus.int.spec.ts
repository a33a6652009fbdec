import { Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import { createEvent, DEFAULT_PARTITIONS, encodeEvent, EventCatalogue } from '@mnc/contracts';
import {
  DLT_HEADERS,
  idempotentConsumer,
  KafkaBus,
  outboxAndInboxDdl,
  partitionForKey,
  type InboundRecord,
  type OutgoingRecord,
  type RecordHandler,
  type Subscription,
  type SubscriptionOptions,
} from './index';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  assertServiceReachable,
  createTestSchema,
  deferred,
  expectEventually,
  samplePayload,
  testKafkaBrokers,
  uniqueName,
  type TestSchema,
} from '@mnc/testing';

// Each test has its own topics and groups, so tests never see each other's records.
const brokers = testKafkaBrokers();
const FAST_RETRY = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 400 };
const DELIVERY = { timeoutMs: 20_000, intervalMs: 50 };

// kafkajs errors only (a broker restart mid-run shows up); its warnings are noise here.
const errorsOnly: logCreator =
  () =>
  ({ namespace, level, log }) => {
    if (level <= logLevel.ERROR) console.error(`[kafkajs ${namespace}] ${log.message}`);
  };
const label = (r: InboundRecord) => r.value.toString();
const record = (topic: string, key: string, text: string): OutgoingRecord => ({
  topic,
  key,
  value: Buffer.from(text),
  headers: { 'x-test': 'kafka-bus.int' },
});

jest.setTimeout(30_000);

describe('KafkaBus against the real broker', () => {
  let bus: KafkaBus;
  let admin: Admin;
  const subscriptions: Subscription[] = [];

  async function topic(prefix: string, partitions = 3): Promise<string> {
    const name = uniqueName(`mnc_it_${prefix}`);
    await bus.ensureTopics([{ name, partitions }]);
    return name;
  }

  async function subscribe(
    options: Omit<SubscriptionOptions, 'deadLetterTopic'> & { deadLetterTopic?: string },
  ) {
    const subscription = await bus.subscribe({
      deadLetterTopic: await topic('dlt', 1),
      retry: FAST_RETRY,
      ...options,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  /** Collects everything on a topic, through the bus itself, in a group of its own. */
  async function collect(topicName: string): Promise<InboundRecord[]> {
    const seen: InboundRecord[] = [];
    await subscribe({
      groupId: uniqueName('collector'),
      topics: [topicName],
      handler: async (r) => void seen.push(r),
    });
    return seen;
  }

  beforeAll(async () => {
    await assertServiceReachable('Kafka', brokers[0]);
    bus = new KafkaBus({
      clientId: uniqueName('kafka_bus_it'),
      brokers,
      sessionTimeoutMs: 10_000,
      logCreator: errorsOnly,
    });
    await bus.connect();
    admin = new Kafka({
      clientId: uniqueName('kafka_bus_it_admin'),
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await admin?.disconnect();
    await bus?.disconnect();
  });

  it('given a connected bus, then it reports healthy', async () => {
    await expect(bus.isHealthy()).resolves.toEqual({ ok: true });
  });

  it('given 200 records on several keys, when consumed, then each key arrives in order on the partition our partitioner picks', async () => {
    const name = await topic('order', 3);
    const keys = ['01936f2e-0000-7000-8000-00000000000a', 'b-app', 'c-app', 'd-app', 'e-app'];
    const sent = Array.from({ length: 200 }, (_, i) =>
      record(name, keys[i % keys.length], `${keys[i % keys.length]}#${Math.floor(i / keys.length)}`),
    );
    const seen: InboundRecord[] = [];
    await subscribe({
      groupId: uniqueName('order'),
      topics: [name],
      handler: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
        seen.push(r);
      },
    });

    for (let i = 0; i < sent.length; i += 50) await bus.publish(sent.slice(i, i + 50));

    await expectEventually(() => expect(seen).toHaveLength(200), DELIVERY);
    for (const key of keys) {
      expect(seen.filter((r) => r.key === key).map(label)).toEqual(
        sent.filter((r) => r.key === key).map((r) => r.value.toString()),
      );
    }
    for (const r of seen) expect(r.partition).toBe(partitionForKey(r.key, 3));
    expect(seen[0].headers).toEqual({ 'x-test': 'kafka-bus.int' });
  });

  it('given a handler that never completes, when its subscription stops, then a new member of the group gets the record again', async () => {
    const name = await topic('redeliver', 1);
    const groupId = uniqueName('redeliver');
    const started = deferred();
    const abandoned = deferred();
    abandoned.promise.catch(() => undefined);
    const first = await subscribe({
      groupId,
      topics: [name],
      handler: async () => {
        started.resolve();
        await abandoned.promise; // the work never finishes; it fails only because the process is going away
      },
    });
    await bus.publish([record(name, 'k', 'stuck')]);
    await started.promise;

    const stopping = first.stop();
    abandoned.reject(new Error('process shutting down'));
    await stopping;
    const again: string[] = [];
    await subscribe({ groupId, topics: [name], handler: async (r) => void again.push(label(r)) });

    await expectEventually(() => expect(again).toEqual(['stuck']), DELIVERY);
  });

  it('given one key failing transiently, then it retries with backoff without holding up other keys on its partition', async () => {
    const name = await topic('retry', 1);
    const completed: string[] = [];
    const attempts: number[] = [];
    await subscribe({
      groupId: uniqueName('retry'),
      topics: [name],
      handler: async (r, { attempt }) => {
        if (r.key === 'slow') {
          attempts.push(attempt);
          if (attempt < 3) throw new Error('downstream unavailable');
        }
        completed.push(label(r));
      },
    });

    await bus.publish([
      record(name, 'slow', 'slow#0'),
      ...['a', 'b', 'c', 'd'].map((k) => record(name, k, `${k}#0`)),
    ]);

    await expectEventually(() => expect(completed).toHaveLength(5), DELIVERY);
    expect(completed[completed.length - 1]).toBe('slow#0');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('given a handler in flight, when the subscription stops, then the handler finishes and its offset is committed', async () => {
    const name = await topic('graceful', 1);
    const groupId = uniqueName('graceful');
    const started = deferred();
    const release = deferred();
    let finished = false;
    const first = await subscribe({
      groupId,
      topics: [name],
      handler: async () => {
        started.resolve();
        await release.promise;
        finished = true;
      },
    });
    await bus.publish([record(name, 'k', 'in-flight')]);
    await started.promise;

    const stopping = first.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    release.resolve();
    await stopping;

    expect(finished).toBe(true);
    const offsets = await admin.fetchOffsets({ groupId, topics: [name] });
    expect(offsets[0].partitions[0].offset).toBe('1');
    const second: string[] = [];
    await subscribe({ groupId, topics: [name], handler: async (r) => void second.push(label(r)) });
    await bus.publish([record(name, 'k', 'next')]);
    await expectEventually(() => expect(second).toEqual(['next']), DELIVERY);
  });

  describe('with idempotentConsumer and Postgres', () => {
    let db: TestSchema;

    beforeAll(async () => {
      db = await createTestSchema('kafka_it', (schema) => [
        ...outboxAndInboxDdl(schema),
        `CREATE TABLE "${schema}".accepted (application_id uuid PRIMARY KEY)`,
      ]);
    });

    afterAll(async () => {
      await db?.drop();
    });

    it('given a poison record (raw bytes, no CloudEvents headers), then it is dead-lettered with its code and the next record is processed', async () => {
      // decodeEvent insists on the catalogue topic, so this test shares it with other runs; records of other
      // runs (other keys) are acknowledged untouched.
      const source = EventCatalogue['photo.accepted'].topic;
      await bus.ensureTopics([{ name: source, partitions: DEFAULT_PARTITIONS }]);
      const groupId = uniqueName('poison');
      const dlt = await topic('poison_dlt', 1);
      const consume: RecordHandler = idempotentConsumer({
        consumer: groupId,
        schema: db.schema,
        source: '/mnc/test',
        dataSource: db.dataSource,
        handlers: {
          'photo.accepted': async (event, { manager }) => {
            await manager.query(`INSERT INTO "${db.schema}".accepted (application_id) VALUES ($1)`, [
              event.subject,
            ]);
          },
        },
      });
      const applicationId = '01936f2e-aaaa-7bbb-8ccc-' + Date.now().toString(16).padStart(12, '0').slice(-12);
      const poisonKey = applicationId; // the same key: the poison must not block the application's next event
      const handler: RecordHandler = async (r, context) =>
        r.key === applicationId ? consume(r, context) : 'processed';
      const good = createEvent(
        'photo.accepted',
        '/mnc/photo-screening',
        samplePayload('photo.accepted', applicationId),
      );
      const parked = await collect(dlt);
      await subscribe({ groupId, topics: [source], deadLetterTopic: dlt, handler });

      await bus.publish([
        { topic: source, key: poisonKey, value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: {} },
      ]);
      await bus.publish([encodeEvent(good)]);

      await expectEventually(async () => {
        const rows: unknown[] = await db.dataSource.query(
          `SELECT 1 FROM "${db.schema}".accepted WHERE application_id = $1`,
          [applicationId],
        );
        expect(rows).toHaveLength(1);
      }, DELIVERY);
      await expectEventually(() => expect(parked).toHaveLength(1), DELIVERY);
      expect(parked[0].value).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      expect(parked[0].key).toBe(poisonKey);
      expect(parked[0].headers[DLT_HEADERS.errorCode]).toBe('MISSING_HEADER');
      expect(parked[0].headers[DLT_HEADERS.errorMessage]).toContain('ce_specversion');
      expect(parked[0].headers[DLT_HEADERS.sourceTopic]).toBe(source);
      expect(parked[0].headers[DLT_HEADERS.attempts]).toBe('1');
      const inbox: unknown[] = await db.dataSource.query(
        `SELECT 1 FROM "${db.schema}".inbox WHERE event_id = $1`,
        [good.id],
      );
      expect(inbox).toHaveLength(1);
    });
  });
});
