import {
  DLT_HEADERS,
  MemoryBus,
  partitionForKey,
  PermanentFailure,
  UnknownTopicError,
  type InboundRecord,
  type OutgoingRecord,
  type RecordHandler,
  type Subscription,
} from './index';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { deferred, expectEventually } from '@mnc/testing';

const TOPIC = 'mnc.test.events.v1';
const DLT = 'mnc.dlt.test.v1';
const FAST_RETRY = { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 10 };

function out(key: string, n: number, topic = TOPIC): OutgoingRecord {
  return { topic, key, value: Buffer.from(`${key}#${n}`), headers: { ce_id: `${key}-${n}` } };
}
const label = (r: InboundRecord) => r.value.toString();

describe('MemoryBus', () => {
  let bus: MemoryBus;
  const subscriptions: Subscription[] = [];

  async function subscribe(groupId: string, handler: RecordHandler, retry = FAST_RETRY) {
    const subscription = await bus.subscribe({
      groupId,
      topics: [TOPIC],
      handler,
      deadLetterTopic: DLT,
      retry,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  beforeEach(async () => {
    bus = new MemoryBus();
    await bus.ensureTopics([
      { name: TOPIC, partitions: 6 },
      { name: DLT, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await bus.disconnect();
  });

  it('given records with keys, when published, then each lands on murmur2(key) mod partitions with per-partition offsets', async () => {
    const keys = Array.from(
      { length: 30 },
      (_, i) => `01936f2e-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );

    await bus.publish(keys.flatMap((k) => [out(k, 0), out(k, 1)]));

    const records = bus.records(TOPIC);
    expect(records).toHaveLength(60);
    for (const r of records) expect(r.partition).toBe(partitionForKey(r.key, 6));
    for (let p = 0; p < 6; p++) {
      const offsets = records.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('given one key, when several records are published, then a consumer receives them in publish order', async () => {
    const seen: string[] = [];
    await subscribe('g', async (r) => void seen.push(label(r)));

    await bus.publish(Array.from({ length: 50 }, (_, n) => out('app-1', n)));

    await expectEventually(() => expect(seen).toEqual(Array.from({ length: 50 }, (_, n) => `app-1#${n}`)));
  });

  it('given a subscription stopped during a retry backoff, when the group resubscribes, then it resumes after the last commit', async () => {
    const first: string[] = [];
    const failing = deferred();
    await bus.publish([out('k', 0), out('k', 1), out('k', 2)]);
    const subscription = await subscribe(
      'resume',
      async (r) => {
        first.push(label(r));
        if (label(r) === 'k#1') {
          failing.resolve();
          throw new Error('transient');
        }
      },
      { maxAttempts: 10, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    );
    await failing.promise;

    await subscription.stop();
    const second: string[] = [];
    await subscribe('resume', async (r) => void second.push(label(r)));

    await expectEventually(() => expect(second).toEqual(['k#1', 'k#2']));
    expect(first).toEqual(['k#0', 'k#1']);
  });

  it('given a handler in flight, when the subscription stops, then the handler finishes and its offset is committed', async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    await bus.publish([out('k', 0)]);
    const subscription = await subscribe('graceful', async () => {
      started.resolve();
      await release.promise;
      finished = true;
    });
    await started.promise;

    const stopping = subscription.stop();
    release.resolve();
    await stopping;

    expect(finished).toBe(true);
    const again: string[] = [];
    await bus.publish([out('k', 1)]);
    await subscribe('graceful', async (r) => void again.push(label(r)));
    await expectEventually(() => expect(again).toEqual(['k#1']));
  });

  it('given two members of one group, then they split the partitions and each record is handled once', async () => {
    const byMember: InboundRecord[][] = [[], []];
    await subscribe('shared', async (r) => void byMember[0].push(r));
    await subscribe('shared', async (r) => void byMember[1].push(r));

    await bus.publish(Array.from({ length: 120 }, (_, i) => out(`key-${i}`, 0)));

    await expectEventually(() => expect(byMember[0].length + byMember[1].length).toBe(120));
    const partitions = byMember.map((records) => new Set(records.map((r) => r.partition)));
    expect(partitions[0].size).toBeGreaterThan(0);
    expect(partitions[1].size).toBeGreaterThan(0);
    expect([...partitions[0]].filter((p) => partitions[1].has(p))).toEqual([]);
    expect(new Set(byMember.flat().map(label)).size).toBe(120);
  });

  it('given two groups, then each group receives every record', async () => {
    const a: string[] = [];
    const b: string[] = [];
    await subscribe('group-a', async (r) => void a.push(label(r)));
    await subscribe('group-b', async (r) => void b.push(label(r)));

    await bus.publish(Array.from({ length: 40 }, (_, i) => out(`key-${i}`, 0)));

    await expectEventually(() => {
      expect(a).toHaveLength(40);
      expect(b).toHaveLength(40);
    });
    expect([...a].sort()).toEqual([...b].sort());
  });

  it('given a permanently failing record, then it lands on the dead-letter topic with its error and the next record is processed', async () => {
    const processed: string[] = [];
    await subscribe('dlt', async (r) => {
      if (label(r) === 'k#0') throw new PermanentFailure('NO_SUCH_APPLICATION', 'unknown application');
      processed.push(label(r));
    });

    await bus.publish([out('k', 0), out('k', 1)]);

    await expectEventually(() => expect(processed).toEqual(['k#1']));
    const [parked] = bus.records(DLT);
    expect(parked.value.toString()).toBe('k#0');
    expect(parked.key).toBe('k');
    expect(parked.headers).toMatchObject({
      ce_id: 'k-0',
      [DLT_HEADERS.errorCode]: 'NO_SUCH_APPLICATION',
      [DLT_HEADERS.sourceTopic]: TOPIC,
      [DLT_HEADERS.group]: 'dlt',
    });
  });

  it('given a topic that was never created, when published to, then UnknownTopicError and nothing is stored', async () => {
    await expect(bus.publish([out('k', 0, 'mnc.nope.v1')])).rejects.toBeInstanceOf(UnknownTopicError);
    expect(bus.records('mnc.nope.v1')).toEqual([]);
  });

  it('given a topic that was never created, when subscribed to, then UnknownTopicError', async () => {
    await expect(
      bus.subscribe({
        groupId: 'g',
        topics: ['mnc.nope.v1'],
        handler: async () => undefined,
        deadLetterTopic: DLT,
      }),
    ).rejects.toThrow(UnknownTopicError);
  });

  it('given autoCreatePartitions, when publishing to a new topic, then it is created with that many partitions', async () => {
    const auto = new MemoryBus(undefined, 4);

    await auto.publish([out('k', 0, 'mnc.auto.v1')]);

    expect(auto.partitionsOf('mnc.auto.v1')).toHaveLength(4);
    expect(auto.records('mnc.auto.v1')).toHaveLength(1);
  });

  it('given ensureTopics on an existing topic, then its records are kept', async () => {
    await bus.publish([out('k', 0)]);

    await bus.ensureTopics([{ name: TOPIC, partitions: 12 }]);

    expect(bus.records(TOPIC)).toHaveLength(1);
    expect(bus.partitionsOf(TOPIC)).toHaveLength(6);
  });
});
