import { decodeEvent, type EventEnvelope } from '@mnc/contracts';
import { Outbox, OutboxRelay, outboxAndInboxDdl, type MessageBus, type OutgoingRecord } from './index';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createTestSchema, expectEventually, sampleEvent, type TestSchema } from '@mnc/testing';

/** A bus that records what it is asked to publish, and can be told to fail or to be slow. */
class RecordingBus implements MessageBus {
  readonly kind = 'memory' as const;
  readonly published: OutgoingRecord[] = [];
  failuresLeft = 0;
  publishCalls = 0;
  delayMs = 0;
  async connect(): Promise<void> {
    // nothing to connect
  }
  async ensureTopics(): Promise<void> {
    // topics are not modelled
  }
  async subscribe(): Promise<never> {
    throw new Error('not used');
  }
  async disconnect(): Promise<void> {
    // nothing to close
  }
  async isHealthy() {
    return { ok: true };
  }
  async publish(records: readonly OutgoingRecord[]): Promise<void> {
    this.publishCalls++;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw Object.assign(new Error('broker not available'), { code: 'LEADER_NOT_AVAILABLE' });
    }
    this.published.push(...records);
  }
  ids(): string[] {
    return this.published.map((r) => r.headers['ce_id']);
  }
}

jest.setTimeout(30_000);

describe('Outbox and OutboxRelay on Postgres', () => {
  let db: TestSchema;
  let outbox: Outbox;
  let bus: RecordingBus;
  const relays: OutboxRelay[] = [];

  function relay(options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
    const r = new OutboxRelay({
      dataSource: db.dataSource,
      schema: db.schema,
      bus,
      pollIntervalMs: 20,
      ...options,
    });
    relays.push(r);
    return r;
  }

  async function commit(events: readonly EventEnvelope[]): Promise<void> {
    await db.dataSource.transaction((manager) => outbox.add(manager, events));
  }

  async function rows(): Promise<number> {
    const [row] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox`)) as {
      n: number;
    }[];
    return row.n;
  }

  beforeAll(async () => {
    db = await createTestSchema('outbox_it', outboxAndInboxDdl);
    outbox = new Outbox(db.schema);
  });

  beforeEach(async () => {
    bus = new RecordingBus();
    await db.dataSource.query(`TRUNCATE "${db.schema}".outbox`);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('given events written in a transaction that rolls back, then they are never published', async () => {
    const event = sampleEvent('application.submitted');

    await expect(
      db.dataSource.transaction(async (manager) => {
        await outbox.add(manager, [event]);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const published = await relay().relayOnce();

    expect(published).toBe(0);
    expect(bus.published).toEqual([]);
    expect(await rows()).toBe(0);
  });

  it('given committed events, when the relay runs, then they are published in commit order and their rows deleted', async () => {
    const app = '01936f2e-1111-7000-8000-000000000001';
    const events = [
      sampleEvent('application.submitted', app),
      sampleEvent('photo.accepted', app),
      sampleEvent('application.submitted'),
      sampleEvent('issuance-data.generated', app),
      sampleEvent('card.encoded', app),
    ];
    await commit(events.slice(0, 2));
    await commit(events.slice(2, 3));
    await commit(events.slice(3));

    relay().start();

    await expectEventually(() => expect(bus.ids()).toEqual(events.map((e) => e.id)));
    expect(await rows()).toBe(0);
    const decoded = bus.published.map((r) => decodeEvent(r));
    expect(decoded).toEqual(events);
  });

  it('given a running relay, when kicked after a commit, then it publishes without waiting for its poll interval', async () => {
    const r = relay({ pollIntervalMs: 60_000 });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let it go idle
    const event = sampleEvent('card.delivered');

    await commit([event]);
    r.kick();

    await expectEventually(() => expect(bus.ids()).toEqual([event.id]), { timeoutMs: 1000 });
  });

  it('given a relay whose publish fails, then the rows stay and are published once the bus recovers', async () => {
    const events = [sampleEvent('card.encoded'), sampleEvent('card.encoded')];
    await commit(events);
    bus.failuresLeft = 2;
    const errors: unknown[] = [];
    const r = relay({ onError: (error) => errors.push(error) });

    await expect(r.relayOnce()).rejects.toThrow('broker not available');
    expect(await rows()).toBe(2);
    r.start();

    await expectEventually(() => expect(bus.ids()).toEqual(events.map((e) => e.id)), { timeoutMs: 10_000 });
    expect(errors).toHaveLength(1);
    expect(bus.publishCalls).toBe(3);
    expect(await rows()).toBe(0);
  });

  it('given two relays on one table, then every row is published exactly once (SKIP LOCKED)', async () => {
    const events = Array.from({ length: 120 }, () => sampleEvent('photo.accepted'));
    for (let i = 0; i < events.length; i += 10) await commit(events.slice(i, i + 10));
    bus.delayMs = 10;
    const counts = [0, 0];
    const a = relay({ batchSize: 10, onPublished: (n) => (counts[0] += n) });
    const b = relay({ batchSize: 10, onPublished: (n) => (counts[1] += n) });

    a.start();
    b.start();

    await expectEventually(() => expect(bus.published).toHaveLength(120), { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.published).toHaveLength(120);
    expect(new Set(bus.ids()).size).toBe(120);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[0] + counts[1]).toBe(120);
    expect(await rows()).toBe(0);
  });

  it('given rows committed while the relay idles, when it stops, then it drains them first', async () => {
    const r = relay({ pollIntervalMs: 60_000 });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = [sampleEvent('card.dispatched'), sampleEvent('card.dispatched')];
    await commit(events);

    await r.stop();

    expect(bus.ids()).toEqual(events.map((e) => e.id));
  });

  it('given the same event id written twice, then the second transaction fails and nothing duplicates', async () => {
    const event = sampleEvent('card.delivered');
    await commit([event]);

    await expect(commit([event])).rejects.toThrow();

    expect(await rows()).toBe(1);
  });
});
