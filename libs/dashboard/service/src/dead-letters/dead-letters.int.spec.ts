import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { encodeEvent } from '@mnc/contracts';
import { deadLetterRecord, KafkaBus, type InboundRecord, type Subscription } from '@mnc/messaging';
import { openDatabase } from '@mnc/persistence';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { expectEventually, sampleEvent, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@mnc/testing';
import { DashboardInit1764300000000, DASHBOARD_SCHEMA } from '../read-model/migrations';
import { collectDeadLetter, DeadLetterStateError, listDeadLetters, resolveDeadLetter } from './dead-letters';

jest.setTimeout(60_000);

/**
 * On the real broker, with topics of this run only: a record parked by a consumer group is collected from
 * its dead-letter topic, and a replay puts the original record back on its source topic with the same ce_id.
 */
describe('dead letters on Kafka', () => {
  const database = uniqueName('dash_dlt_it');
  const admin = testDatabaseUrl();
  const sourceTopic = uniqueName('mnc_it_dash_source');
  const dltTopic = `mnc.dlt.${uniqueName('dash_group')}.v1`;
  let bus: KafkaBus;
  let dataSource: DataSource;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE "${database}"`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${database}`;
    dataSource = await openDatabase({
      url: url.toString(),
      poolSize: 3,
      applicationName: 'dash-dlt-it',
      stores: [{ schema: DASHBOARD_SCHEMA, entities: [], migrations: [DashboardInit1764300000000] }],
    });
    bus = new KafkaBus({ clientId: 'dash-dlt-it', brokers: testKafkaBrokers() });
    await bus.connect();
    await bus.ensureTopics([
      { name: sourceTopic, partitions: 1 },
      { name: dltTopic, partitions: 1 },
      { name: `${dltTopic}.own`, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await bus?.disconnect();
    await dataSource?.destroy();
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('given a parked record, then it is collected once and a replay republishes it with the same ce_id', async () => {
    const event = sampleEvent('issuance-data.generated');
    const wire = encodeEvent(event);
    const inbound: InboundRecord = { ...wire, topic: sourceTopic, partition: 0, offset: '41' };
    const error = Object.assign(new Error('card profile next-gen has no lane'), {
      code: 'NO_LANE',
      permanent: true,
    });
    const parked = deadLetterRecord(inbound, dltTopic, 'encode-lane', error, 1);

    subscriptions.push(
      await bus.subscribe({
        groupId: uniqueName('dash_it_collector'),
        topics: [dltTopic],
        deadLetterTopic: `${dltTopic}.own`,
        handler: async (record) =>
          (await collectDeadLetter(dataSource.manager, record)) ? 'processed' : 'duplicate',
      }),
    );
    const seen: InboundRecord[] = [];
    subscriptions.push(
      await bus.subscribe({
        groupId: uniqueName('dash_it_source'),
        topics: [sourceTopic],
        deadLetterTopic: `${dltTopic}.own`,
        handler: async (record) => {
          seen.push(record);
        },
      }),
    );
    await bus.publish([parked, parked]); // the same record parked twice is two positions: both are kept

    const letters = await expectEventually(
      async () => {
        const list = await listDeadLetters(dataSource.manager, { topic: dltTopic });
        expect(list).toHaveLength(2);
        return list;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const letter = letters[letters.length - 1];
    expect(letter).toMatchObject({
      consumerGroup: 'encode-lane',
      sourceTopic,
      eventId: event.id,
      eventType: 'jp.mynumbercard.issuance-data.generated.v1',
      errorCode: 'NO_LANE',
      errorMessage: 'card profile next-gen has no lane',
      attempts: 1,
      status: 'parked',
    });

    const replayed = await dataSource.transaction((manager) =>
      resolveDeadLetter(manager, bus, letter.id, 'replayed', 'local:sato'),
    );
    expect(replayed.status).toBe('replayed');
    await expect(
      dataSource.transaction((manager) =>
        resolveDeadLetter(manager, bus, letter.id, 'replayed', 'local:sato'),
      ),
    ).rejects.toBeInstanceOf(DeadLetterStateError);

    await expectEventually(() => expect(seen).toHaveLength(1), { timeoutMs: 30_000, intervalMs: 200 });
    const [back] = seen;
    expect(back.headers['ce_id']).toBe(event.id);
    expect(back.key).toBe(event.subject);
    expect(back.value.equals(wire.value)).toBe(true);
    expect(Object.keys(back.headers).filter((h) => h.startsWith('mnc_dlt_'))).toEqual([]);

    const discarded = await dataSource.transaction((manager) =>
      resolveDeadLetter(manager, bus, letters[0].id, 'discarded', 'local:sato'),
    );
    expect(discarded.status).toBe('discarded');
    expect(await listDeadLetters(dataSource.manager, { topic: dltTopic })).toHaveLength(0);
  });
});
