import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@mnc/config';
import {
  BlobMediaTypes,
  createEvent,
  decodeEvent,
  deadLetterTopic,
  encodeEvent,
  EventCatalogue,
  type EventEnvelope,
} from '@mnc/contracts';
import { BLOB_STORE, startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import type { BlobStore } from '@mnc/secure-store';
import { syntheticApplicant } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { assertServiceReachable, expectEventually, testDatabaseUrl, uniqueName } from '@mnc/testing';
import { signWebhook } from './webhook-signature';
import { deliveryStage } from './index';

/**
 * The delivery stage on real Postgres (a database of its own) behind its real HTTP server: the signed tracking
 * webhook's refusals, the tracking path to card.delivered and returns into the operator work queue. The bus is
 * the in-memory one: the stage's consumer group is its fixed name, which a Kafka run here would share with
 * any other stack on the broker. The consumers' Kafka path is covered by pre-delivery's integration test.
 */
jest.setTimeout(60_000);

const SECRET = randomBytes(32).toString('base64');
const database = uniqueName('mnc_delivery_it');
let pipeline: RunningPipeline;
/** Every event the stage published, by application id (the Kafka key). */
const published = new Map<string, EventEnvelope[]>();
const publishedTypes = (applicationId: string) => (published.get(applicationId) ?? []).map((e) => e.type);

async function admin<T>(fn: (client: Client) => Promise<T>, url = testDatabaseUrl()): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
const databaseUrl = () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};
const query = <T>(sql: string, params: unknown[] = []) =>
  admin(async (c) => (await c.query(sql, params)).rows as T[], databaseUrl());

async function shipment(status = 'dispatched') {
  const row = {
    id: randomUUID(),
    applicationId: randomUUID(),
    cardId: randomUUID(),
    trackingNumber: `SP${randomBytes(6).toString('hex').toUpperCase()}JP`,
  };
  await query(
    `INSERT INTO delivery.shipments (id, application_id, card_id, carrier, tracking_number, status, dispatched_at)
     VALUES ($1, $2, $3, 'simulated-post', $4, $5, now())`,
    [row.id, row.applicationId, row.cardId, row.trackingNumber, status],
  );
  return row;
}

interface Sent {
  status: number;
  body: Record<string, unknown>;
}

async function post(
  body: object,
  options: { secret?: string; timestamp?: number; tamper?: boolean; omitSignature?: boolean } = {},
): Promise<Sent> {
  const raw = JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = signWebhook(options.secret ?? SECRET, timestamp, raw);
  const sent = options.tamper ? raw.replace('in-transit', 'delivered') : raw;
  const response = await fetch(`${pipeline.url}/v1/carrier/tracking-events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-carrier-timestamp': String(timestamp),
      ...(options.omitSignature ? {} : { 'x-carrier-signature': signature }),
    },
    body: sent,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const event = (trackingNumber: string, status: string, eventId = randomUUID()) => ({
  eventId,
  trackingNumber,
  status,
  at: new Date().toISOString(),
});

async function stateOf(trackingNumber: string) {
  const [shipmentRow] = await query<{ status: string; last_tracking_status: string | null }>(
    'SELECT status, last_tracking_status FROM delivery.shipments WHERE tracking_number = $1',
    [trackingNumber],
  );
  const [{ n: events }] = await query<{ n: number }>(
    'SELECT count(*)::int AS n FROM delivery.tracking_events WHERE tracking_number = $1',
    [trackingNumber],
  );
  return { ...shipmentRow, events };
}

beforeAll(async () => {
  await assertServiceReachable('Postgres', testDatabaseUrl());
  await admin((c) => c.query(`CREATE DATABASE "${database}"`));
  pipeline = await startPipeline({
    processName: 'delivery-it',
    stages: [deliveryStage],
    config: loadConfig({
      MNC_BUS: 'memory',
      DATABASE_URL: databaseUrl(),
      DATABASE_POOL_SIZE: '4',
      MNC_MASTER_KEY: randomBytes(32).toString('hex'),
      MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
      BLOB_DIR: mkdtempSync(join(tmpdir(), 'mnc-delivery-it-')),
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      CARRIER_WEBHOOK_SECRET: SECRET,
    }),
  });
  await pipeline.bus.subscribe({
    groupId: 'delivery-it-observer',
    topics: [EventCatalogue['card.delivered'].topic, EventCatalogue['shipment.tracking-updated'].topic],
    deadLetterTopic: deadLetterTopic('delivery-it-observer'),
    handler: async (record) => {
      const event = decodeEvent(record);
      published.set(event.subject, [...(published.get(event.subject) ?? []), event]);
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
});

describe('carrier tracking webhook', () => {
  it('given a correctly signed in-transit event, then it is recorded and announced', async () => {
    const s = await shipment();
    const sent = await post(event(s.trackingNumber, 'in-transit'));
    expect(sent).toMatchObject({ status: 200, body: { outcome: 'recorded' } });
    const state = await stateOf(s.trackingNumber);
    expect(state).toMatchObject({ status: 'dispatched', last_tracking_status: 'in-transit', events: 1 });
    await expectEventually(() =>
      expect(publishedTypes(s.applicationId)).toEqual(['shipment.tracking-updated']),
    );
  });

  it.each([
    [
      'a signature made with another secret',
      { secret: randomBytes(32).toString('base64') },
      'webhook-bad-signature',
    ],
    ['a body changed after signing', { tamper: true }, 'webhook-bad-signature'],
    ['no signature', { omitSignature: true }, 'webhook-missing-signature'],
    [
      'a replayed (stale) timestamp',
      { timestamp: Math.floor(Date.now() / 1000) - 3600 },
      'webhook-stale-timestamp',
    ],
  ])('given %s, then 401 and nothing changes', async (_what, options, type) => {
    const s = await shipment();
    const before = await stateOf(s.trackingNumber);
    const sent = await post(event(s.trackingNumber, 'in-transit'), options);
    expect(sent.status).toBe(401);
    expect(sent.body['type']).toBe(`https://mynumbercard-pipeline.example/problems/${type}`);
    expect(await stateOf(s.trackingNumber)).toEqual(before);
  });

  it('given an unknown tracking number, then 404 naming the field and nothing is kept', async () => {
    const unknown = `SP${randomBytes(6).toString('hex').toUpperCase()}JP`;
    const eventId = randomUUID();
    const sent = await post(event(unknown, 'delivered', eventId));
    expect(sent.status).toBe(404);
    expect(sent.body['errors']).toEqual([expect.objectContaining({ field: 'body.trackingNumber' })]);
    expect(
      await query('SELECT 1 FROM delivery.tracking_events WHERE carrier_event_id = $1', [eventId]),
    ).toHaveLength(0);
  });

  it('given the same carrier event twice, then the second is refused as a replay and changes nothing', async () => {
    const s = await shipment();
    const delivered = event(s.trackingNumber, 'delivered');
    expect((await post(delivered)).status).toBe(200);
    const after = await stateOf(s.trackingNumber);
    const again = await post(delivered);
    expect(again.status).toBe(409);
    expect(again.body['errors']).toEqual([expect.objectContaining({ field: 'body.eventId' })]);
    expect(await stateOf(s.trackingNumber)).toEqual(after);
  });

  it('given a malformed body, then 422 naming each field', async () => {
    const sent = await post({ eventId: 'x', trackingNumber: 'bad number', status: 'lost', at: 'yesterday' });
    expect(sent.status).toBe(422);
    expect((sent.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.at',
      'body.status',
      'body.trackingNumber',
    ]);
  });

  it('given delivered, then the shipment is delivered and card.delivered is announced once', async () => {
    const s = await shipment();
    expect((await post(event(s.trackingNumber, 'delivered'))).status).toBe(200);
    expect((await post(event(s.trackingNumber, 'delivered'))).body).toEqual({
      outcome: 'after-final-status',
    });
    const [row] = await query<{ status: string; delivered_at: Date | null }>(
      'SELECT status, delivered_at FROM delivery.shipments WHERE id = $1',
      [s.id],
    );
    expect(row.status).toBe('delivered');
    expect(row.delivered_at).not.toBeNull();
    await expectEventually(() =>
      expect(publishedTypes(s.applicationId).sort()).toEqual(['card.delivered', 'shipment.tracking-updated']),
    );
  });

  it('given a refused webhook, then nothing is published for the shipment', async () => {
    const s = await shipment();
    expect((await post(event(s.trackingNumber, 'in-transit'), { tamper: true })).status).toBe(401);
    const marker = await shipment();
    expect((await post(event(marker.trackingNumber, 'in-transit'))).status).toBe(200);
    // Published in order by one relay: once the later shipment's event is out, the refused one would be too.
    await expectEventually(() => expect(publishedTypes(marker.applicationId)).toHaveLength(1));
    expect(publishedTypes(s.applicationId)).toEqual([]);
  });
});

describe('operator work queue', () => {
  it('given a return to sender, then an open work item appears, and an operator resolves it once', async () => {
    const s = await shipment();
    expect((await post(event(s.trackingNumber, 'delivery-attempted'))).status).toBe(200);
    expect((await post(event(s.trackingNumber, 'returned-to-sender'))).status).toBe(200);

    const list = (await (await fetch(`${pipeline.url}/v1/delivery/work-items`)).json()) as {
      items: { id: string; kind: string; applicationId: string; status: string }[];
    };
    const item = list.items.find((i) => i.applicationId === s.applicationId);
    expect(item).toMatchObject({ kind: 'returned-to-sender', status: 'open' });
    expect((await stateOf(s.trackingNumber)).status).toBe('returned-to-sender');

    const resolve = (body: object) =>
      fetch(`${pipeline.url}/v1/delivery/work-items/${item!.id}/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const invalid = await resolve({ resolution: 'ignore', operator: '' });
    expect(invalid.status).toBe(422);
    const resolved = await resolve({ resolution: 'held-at-municipality', operator: 'op-17' });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ status: 'resolved', resolvedBy: 'op-17' });
    expect((await resolve({ resolution: 'card-destroyed', operator: 'op-18' })).status).toBe(409);
  });
});

describe('dispatch', () => {
  async function readyForDispatch(postalCode: string, route: 'normal' | 'express') {
    const blobs = pipeline.app.get<BlobStore>(BLOB_STORE, { strict: false });
    const applicant = {
      ...syntheticApplicant(42),
      address: { ...syntheticApplicant(42).address, postalCode },
    };
    const applicantRecord = await blobs.put(Buffer.from(JSON.stringify(applicant)), {
      mediaType: BlobMediaTypes.applicantRecord,
    });
    const applicationId = randomUUID();
    await pipeline.bus.publish([
      encodeEvent(
        createEvent('card.ready-for-dispatch', '/mnc/pre-delivery', {
          applicationId,
          route,
          cardProfile: 'next-gen',
          municipalityCode: applicant.localGovernmentCode,
          applicantRecord,
          cardId: randomUUID(),
          deliverTo: route === 'express' ? 'resident' : 'municipality',
          activation: 'pending-delivery',
        }),
      ),
    ]);
    return { applicationId, municipalityCode: applicant.localGovernmentCode };
  }

  it('given an address the carrier refuses, then no shipment and an open work item for an operator', async () => {
    const { applicationId } = await readyForDispatch('0000000', 'express');
    await expectEventually(async () => {
      const items = await query<{ kind: string; status: string }>(
        'SELECT kind, status FROM delivery.work_items WHERE application_id = $1',
        [applicationId],
      );
      expect(items).toEqual([{ kind: 'undeliverable-address', status: 'open' }]);
    });
    expect(
      await query('SELECT 1 FROM delivery.shipments WHERE application_id = $1', [applicationId]),
    ).toHaveLength(0);
  });

  it('given normal-route cards, then they travel in the municipality consignment of the day, each tracked', async () => {
    const first = await readyForDispatch('1000001', 'normal');
    const second = await readyForDispatch('1000001', 'normal');
    await expectEventually(
      async () => {
        const rows = await query<{ consignment_id: string | null; status: string }>(
          'SELECT consignment_id, status FROM delivery.shipments WHERE application_id = ANY($1)',
          [[first.applicationId, second.applicationId]],
        );
        expect(rows).toHaveLength(2);
        expect(new Set(rows.map((r) => r.consignment_id)).size).toBe(1);
        expect(rows[0].consignment_id).toMatch(
          new RegExp(`^${first.municipalityCode}-\\d{4}-\\d{2}-\\d{2}$`),
        );
        expect(rows.every((r) => r.status === 'delivered')).toBe(true);
      },
      { timeoutMs: 15_000 },
    );
    await expectEventually(() => expect(publishedTypes(first.applicationId)).toContain('card.delivered'));
  });
});

describe('simulated carrier', () => {
  it('takes a parcel through its journey by signed webhooks, and returns one to an unknown address', async () => {
    const carrier = pipeline.app.get((await import('./simulated-carrier')).SimulatedCarrier, {
      strict: false,
    });
    const made = [] as { trackingNumber: string; applicationId: string }[];
    for (const line of ['1-2-3', '宛所不明']) {
      const key = randomUUID();
      const { trackingNumber } = await carrier.createShipment({
        idempotencyKey: key,
        service: 'restricted-delivery',
        recipient: { postalCode: '1000001', addressLines: ['東京都千代田区', line], name: '試験 太郎' },
      });
      await query(
        `INSERT INTO delivery.shipments (id, application_id, card_id, carrier, tracking_number, status, dispatched_at)
         VALUES ($1, $2, $3, 'simulated-post', $4, 'dispatched', now())`,
        [randomUUID(), key, randomUUID(), trackingNumber],
      );
      made.push({ trackingNumber, applicationId: key });
    }
    await expectEventually(
      async () => {
        const [delivered, returned] = await Promise.all(made.map((m) => stateOf(m.trackingNumber)));
        expect(delivered).toMatchObject({ status: 'delivered', events: 3 });
        expect(returned).toMatchObject({ status: 'returned-to-sender', events: 4 });
      },
      { timeoutMs: 15_000 },
    );
    const [item] = await query<{ kind: string }>(
      `SELECT kind FROM delivery.work_items WHERE application_id = $1 AND status = 'open'`,
      [made[1].applicationId],
    );
    expect(item.kind).toBe('returned-to-sender');
  });
});
