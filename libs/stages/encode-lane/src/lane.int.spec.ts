// The lane on the real services: Postgres (a database of its own), Redis (a pool queue of its own), and
// pcscd's second vpcd reader ("Virtual PCD 00 01") fed with virtual cards by a small feeder in this test,
// which can take a card out mid-encode. Tests run serially: the reader is shared with the machine's stack.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { loadConfig, type PipelineConfig } from '@mnc/config';
import {
  BlobMediaTypes,
  createEvent,
  decodeEvent,
  encodeEvent,
  Topics,
  type EventEnvelope,
  type PayloadOf,
  type PersonalisationBundle,
} from '@mnc/contracts';
import { listPcscReaders, VpcdConnection } from '@mnc/pcsc';
import { EnvelopeCipher, FileBlobStore } from '@mnc/secure-store';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  assertServiceReachable,
  expectEventually,
  personalisationBundleFixture,
  sealBundleFixture,
  testDatabaseUrl,
  uniqueName,
} from '@mnc/testing';
import { VirtualCard } from '@mnc/virtual-card';
import { BuiltInPrinter } from './card-face/printer';
import type { EncoderDevice } from './encoder-device';
import { encodeLaneStage } from './index';
import {
  caApDataSigner,
  newCardNumber,
  startCaHarness,
  type CaHarness,
} from './personalisation/testing/issuance-harness';
import type { BullmqLaneQueue } from './queue/bullmq-lane-queue';
import { ENCODER_DEVICE, LANE_QUEUE } from './tokens';

jest.setTimeout(120_000);

const READER = 'Virtual PCD 00 01';
const VPCD_PORT = 35964;
const REDIS_URL = process.env['MNC_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const database = uniqueName('mnc_lane_it');
const masterKey = randomBytes(32);
const blobDir = mkdtempSync(join(tmpdir(), 'mnc-lane-it-'));
const blobs = new FileBlobStore(blobDir, new EnvelopeCipher({ current: { id: 'master-1', key: masterKey } }));

/** Called on every APDU the card in the reader receives, with its running count; for fault injection. */
let onApdu: ((count: number) => void) | undefined;

/** The virtual card process's control API in miniature: blanks into vpcd slot 1, and eject. */
class TestFeeder {
  readonly vpcd = new VpcdConnection({ port: VPCD_PORT });
  readonly fed: VirtualCard[] = [];
  private readonly server = http.createServer((request, response) => void this.handle(request, response));

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.vpcd.eject();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
    if (request.url === '/cards/blank') {
      const { profile } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { profile: 'next-gen' };
      const card = VirtualCard.blank(profile, randomBytes(8));
      let count = 0;
      const transmit = card.transmit.bind(card);
      card.transmit = (apdu: Uint8Array) => {
        const answer = transmit(apdu);
        onApdu?.(++count);
        return answer;
      };
      this.fed.push(card);
      await this.vpcd.insert(card, 5000);
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ serial: card.serial }));
    } else {
      await this.vpcd.eject();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
  }
}

function databaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let feeder: TestFeeder;
/** The CA in this process: it certifies the cards' keys and signs the bundles' AP data, as in production. */
let ca: CaHarness;
const cardNumbers = new Map<string, string>();
let pipeline: RunningPipeline;
let config: PipelineConfig;
let seed = 0;
const announced: EventEnvelope<'card.encoded'>[] = [];
/** What each submitted card's faces are made from. */
const faceSources = new Map<string, { bundle: PersonalisationBundle; photo: Buffer }>();

async function submitCard(route: 'normal' | 'express' = 'normal'): Promise<string> {
  const applicationId = randomUUID();
  const applicant = syntheticApplicant(++seed);
  const portrait = await syntheticPortrait(seed, { width: 300, height: 400 });
  const photo = await blobs.put(portrait.bytes, { mediaType: portrait.mediaType });
  const cardId = randomUUID();
  const cardNumber = newCardNumber();
  cardNumbers.set(applicationId, cardNumber);
  const bundle = await personalisationBundleFixture({
    applicant,
    photo,
    applicationId,
    cardId,
    cardNumber,
    signer: caApDataSigner(ca.ca, { applicationId, cardNumber }),
  });
  faceSources.set(applicationId, { bundle, photo: portrait.bytes });
  // Sealed with the personalisation key, as issuance-data seals it.
  const sealed = sealBundleFixture(bundle, new EnvelopeCipher({ current: config.personalisationKey }));
  const bundleRef = await blobs.put(sealed, {
    mediaType: BlobMediaTypes.personalisationBundle,
  });
  const applicantRecord = await blobs.put(Buffer.from(JSON.stringify(applicant)), {
    mediaType: BlobMediaTypes.applicantRecord,
  });
  const data: PayloadOf<'issuance-data.generated'> = {
    applicationId,
    route,
    cardProfile: 'next-gen',
    municipalityCode: applicant.localGovernmentCode,
    applicantRecord,
    cardId,
    cardNumber,
    issuedOn: '2026-04-03',
    expiresOn: '2036-04-02',
    bundle: bundleRef,
  };
  await pipeline.bus.publish([
    encodeEvent(createEvent('issuance-data.generated', '/mnc/issuance-data', data)),
  ]);
  return applicationId;
}

interface AttemptRow {
  application_id: string;
  attempt: number;
  status: string;
  spoil_reason: string | null;
}

/** At the CA: each card has one live (good) certificate per purpose, and a spoiled attempt none. */
async function expectOneLiveCertificateSetEach(ids: readonly string[], rows: readonly AttemptRow[]) {
  for (const id of ids) {
    const status = await ca.ca.cardStatus(cardNumbers.get(id)!);
    const live = status.certificates.filter((c) => c.state === 'good');
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(live.map((c) => c.purpose)).size).toBe(live.length);
    expect(new Set(live.map((c) => c.attemptId)).size).toBe(1);
    const spoiledAttempts = await pipeline.dataSource.query(
      `SELECT id FROM encode_lane.card_attempts WHERE application_id = $1 AND status = 'spoiled'`,
      [id],
    );
    const spoiledIds = new Set(spoiledAttempts.map((r: { id: string }) => r.id));
    expect(live.filter((c) => spoiledIds.has(c.attemptId))).toEqual([]);
  }
  return rows;
}

async function attemptsOf(ids: readonly string[]): Promise<AttemptRow[]> {
  return pipeline.dataSource.query(
    'SELECT application_id, attempt, status, spoil_reason FROM encode_lane.card_attempts WHERE application_id = ANY($1) ORDER BY application_id, attempt',
    [ids],
  );
}

async function expectOneGoodCardEach(ids: readonly string[]): Promise<AttemptRow[]> {
  return expectEventually(
    async () => {
      const rows = await attemptsOf(ids);
      for (const id of ids) {
        expect({
          id,
          encoded: rows.filter((r) => r.application_id === id && r.status === 'encoded').length,
        }).toEqual({
          id,
          encoded: 1,
        });
      }
      expect(rows.filter((r) => r.status === 'encoding')).toEqual([]);
      return rows;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

const api = (path: string, method = 'GET') => fetch(`${pipeline.url}/v1/lanes${path}`, { method });

beforeAll(async () => {
  await assertServiceReachable('Redis', REDIS_URL);
  const readers = await listPcscReaders({ expectPrefix: READER, timeoutMs: 3000 });
  if (!readers.some((r) => r.startsWith(READER)))
    throw new Error(
      `pcscd has no "${READER}" reader (found: ${readers.join(', ') || 'none'}); run bash infra/start`,
    );
  await admin(`CREATE DATABASE "${database}"`);
  feeder = new TestFeeder();
  ca = await startCaHarness();
  config = loadConfig({
    PKI_URL: ca.url,
    MNC_BUS: 'memory',
    DATABASE_URL: databaseUrl(),
    DATABASE_POOL_SIZE: '4',
    MNC_MASTER_KEY: masterKey.toString('hex'),
    MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
    BLOB_DIR: blobDir,
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL,
    LANE_QUEUE: 'bullmq',
    LANE_POOL: uniqueName('lane_it').replace(/_/g, '-'),
    LANE_ID: 'lane-it',
    ENCODER_STATION: 'pcsc',
    PCSC_READER: READER,
    VIRTUAL_CARD_CONTROL_URL: await feeder.listen(),
  });
  pipeline = await startPipeline({ processName: 'encode-lane', stages: [encodeLaneStage], config });
  await pipeline.bus.subscribe({
    groupId: 'lane-it-listener',
    topics: [Topics.cardEncoded],
    deadLetterTopic: 'lane-it-dlt',
    handler: async (record) => {
      announced.push(decodeEvent(record) as EventEnvelope<'card.encoded'>);
      return 'processed';
    },
  });
});

afterEach(() => {
  onApdu = undefined;
});

afterAll(async () => {
  const queue = pipeline?.app.get<BullmqLaneQueue>(LANE_QUEUE, { strict: false });
  await queue?.obliterate().catch(() => undefined);
  await pipeline?.stop();
  await feeder?.close();
  await ca?.stop();
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

describe('the lane on pcscd and Redis', () => {
  it('encodes one card per application through the pool queue and announces each once', async () => {
    const ids = [await submitCard(), await submitCard('express'), await submitCard()];
    const rows = await expectOneGoodCardEach(ids);
    expect(rows.every((r) => r.status === 'encoded' && r.attempt === 1)).toBe(true);
    await expectEventually(() =>
      expect(
        announced
          .filter((e) => ids.includes(e.subject))
          .map((e) => e.subject)
          .sort(),
      ).toEqual([...ids].sort()),
    );
    expect(announced.find((e) => e.subject === ids[0])?.data).toMatchObject({ attempt: 1, lane: 'lane-it' });
    // The chip holds what the bundle said: the card that came out is operational.
    expect(feeder.fed.slice(-3).every((card) => card.lifeCycle === 'operational')).toBe(true);
  });

  it('keeps the printed faces by content hash and serves them as PNG', async () => {
    const [id] = [await submitCard()];
    await expectOneGoodCardEach([id]);
    const { attempts } = (await (await api(`/applications/${id}/attempts`)).json()) as {
      attempts: { faces: { front: string; back: string } }[];
    };
    for (const path of [attempts[0].faces.front, attempts[0].faces.back]) {
      const response = await fetch(`${pipeline.url}${path}`);
      expect(response.headers.get('content-type')).toMatch(/^image\/png/);
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'png', width: 1011, height: 638 });
    }
  });

  it('given a card removed mid-encode, then only that attempt is spoiled and a new blank makes the card', async () => {
    let removed = false;
    // Late in personalisation (next-gen: about 59 APDUs), after the CA certified the card's keys: the
    // spoiled attempt's certificates must then be revoked.
    onApdu = (count) => {
      if (count === 50 && !removed) {
        removed = true;
        setImmediate(() => void feeder.vpcd.eject());
      }
    };
    const ids = [await submitCard(), await submitCard()];
    const rows = await expectOneGoodCardEach(ids);
    await expectOneLiveCertificateSetEach(ids, rows);
    const spoiled = rows.filter((r) => r.status === 'spoiled');
    expect(spoiled).toHaveLength(1);
    expect(spoiled[0]).toMatchObject({ attempt: 1, spoil_reason: expect.stringMatching(/:CARD_REMOVED$/) });
    const retried = rows.filter((r) => r.application_id === spoiled[0].application_id);
    expect(retried.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'spoiled'],
      [2, 'encoded'],
    ]);
  });

  it('given the reader vanishing mid-encode, then that attempt is spoiled, the lane holds, recovers and goes on', async () => {
    const encoder = pipeline.app.get<EncoderDevice>(ENCODER_DEVICE, { strict: false });
    let vanished = false;
    onApdu = (count) => {
      if (count === 6 && !vanished) {
        vanished = true;
        void encoder.station.close();
      }
    };
    const ids = [await submitCard(), await submitCard()];
    const rows = await expectOneGoodCardEach(ids);
    await expectOneLiveCertificateSetEach(ids, rows);
    const spoiled = rows.filter((r) => r.status === 'spoiled');
    expect(spoiled).toHaveLength(1);
    expect(spoiled[0].spoil_reason).toMatch(/:(CHANNEL_CLOSED|READER_UNAVAILABLE)$/);
    const lane = (await (await api('/lane-it')).json()) as { state: string };
    expect(lane.state).toBe('running');
  });

  it('given a paused lane, then jobs wait in the queue; resume takes them; drain pauses once the queue is empty', async () => {
    const paused = await api('/lane-it/pause', 'POST');
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ state: 'paused' });
    const ids = [await submitCard(), await submitCard()];
    await expectEventually(async () => {
      const { pool } = (await (await api('')).json()) as { pool: { queue: { waiting: { normal: number } } } };
      expect(pool.queue.waiting.normal).toBe(2);
    });
    expect(await attemptsOf(ids)).toEqual([]);

    const conflict = await api('/lane-it/drain', 'POST');
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await conflict.json()).toMatchObject({ status: 409, state: 'paused' });

    expect(await (await api('/lane-it/resume', 'POST')).json()).toMatchObject({ state: 'running' });
    await expectOneGoodCardEach(ids);

    expect((await api('/lane-it/drain', 'POST')).status).toBe(200);
    await expectEventually(async () =>
      expect(await (await api('/lane-it')).json()).toMatchObject({ state: 'paused' }),
    );
    expect(await (await api('/lane-it/resume', 'POST')).json()).toMatchObject({ state: 'running' });
  });

  it("given a backlog and an express card jumping it, then each card's printed faces are its own", async () => {
    // The lane makes the next card's faces while one is in the devices: they must never land on another card.
    await api('/lane-it/pause', 'POST');
    const ids = [await submitCard(), await submitCard(), await submitCard()];
    await expectEventually(async () => {
      const { pool } = (await (await api('')).json()) as { pool: { queue: { waiting: { normal: number } } } };
      expect(pool.queue.waiting.normal).toBe(3);
    });
    await api('/lane-it/resume', 'POST');
    await expectEventually(async () => expect((await attemptsOf(ids)).length).toBeGreaterThan(0));
    ids.push(await submitCard('express'));
    await expectOneGoodCardEach(ids);
    const printer = new BuiltInPrinter({
      blobs,
      placement: { sex: config.cardFaceSexPlacement, myNumber: config.cardFaceMyNumberPlacement },
      deviceDelay: async () => undefined,
      printSeconds: 0,
    });
    for (const id of ids) {
      const { bundle, photo } = faceSources.get(id)!;
      const expected = await printer.render(bundle, photo);
      const { attempts } = (await (await api(`/applications/${id}/attempts`)).json()) as {
        attempts: { status: string; faces: { front: string; back: string } }[];
      };
      const encoded = attempts.find((a) => a.status === 'encoded')!;
      const printed = async (path: string) =>
        Buffer.from(await (await fetch(`${pipeline.url}${path}`)).arrayBuffer());
      expect((await printed(encoded.faces.front)).equals(expected.front)).toBe(true);
      expect((await printed(encoded.faces.back)).equals(expected.back)).toBe(true);
    }
  });

  it('given a crash between the consumer commit and the enqueue, then the sweep queues the job', async () => {
    const id = await submitCard();
    await expectOneGoodCardEach([id]);
    // Stand-in for a row whose process died before enqueueing: a pending attempt nobody kicked.
    const [order] = (await pipeline.dataSource.query(
      `SELECT "order" FROM encode_lane.lane_jobs WHERE application_id = $1`,
      [id],
    )) as { order: unknown }[];
    const orphan = randomUUID();
    await pipeline.dataSource.query(
      `INSERT INTO encode_lane.lane_jobs (application_id, attempt, priority, "order", status, created_at)
       VALUES ($1, 1, 'normal', $2, 'pending', now())`,
      [orphan, JSON.stringify(order)],
    );
    await expectEventually(
      async () => {
        const [row] = (await pipeline.dataSource.query(
          'SELECT status FROM encode_lane.lane_jobs WHERE application_id = $1',
          [orphan],
        )) as { status: string }[];
        expect(row.status).not.toBe('pending');
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('given a job re-run after its lane died mid-card, then that card is spoiled as interrupted and a new attempt makes the card', async () => {
    const queue = pipeline.app.get<BullmqLaneQueue>(LANE_QUEUE, { strict: false });
    await api('/lane-it/pause', 'POST');
    const id = await submitCard();
    await expectEventually(async () => expect((await queue.counts()).waiting.normal).toBe(1));
    // What a lane killed mid-card leaves: its attempt still 'encoding', and its job handed to another lane.
    const [row] = (await pipeline.dataSource.query(
      `SELECT "order" FROM encode_lane.lane_jobs WHERE application_id = $1`,
      [id],
    )) as { order: { cardId: string } }[];
    await pipeline.dataSource.query(
      `INSERT INTO encode_lane.card_attempts (id, application_id, card_id, attempt, lane, status, started_at)
       VALUES ($1, $2, $3, 1, 'lane-dead', 'encoding', now())`,
      [randomUUID(), id, row.order.cardId],
    );
    await api('/lane-it/resume', 'POST');
    const rows = await expectOneGoodCardEach([id]);
    expect(rows.map((r) => [r.attempt, r.status, r.spoil_reason])).toEqual([
      [1, 'spoiled', 'interrupted'],
      [2, 'encoded', null],
    ]);
  });

  it('given another lane taking the job over mid-card, then the slow card is never announced and its certificates end revoked', async () => {
    let takenOver = false;
    let id = '';
    // What a lane that took the job over (this lane's lock expired) does first: spoils the attempt as
    // interrupted and queues the next one, while this lane still holds the card and goes on with it.
    onApdu = (count) => {
      if (count !== 50 || takenOver) return;
      takenOver = true;
      void pipeline.dataSource.query(
        `WITH spoiled AS (UPDATE encode_lane.card_attempts SET status = 'spoiled', spoil_reason = 'interrupted',
                                 finished_at = now()
                           WHERE application_id = $1 AND attempt = 1 AND status = 'encoding'),
              done AS (UPDATE encode_lane.lane_jobs SET status = 'done' WHERE application_id = $1 AND attempt = 1)
         INSERT INTO encode_lane.lane_jobs (application_id, attempt, priority, "order", status, traceparent, created_at)
         SELECT application_id, 2, priority, "order", 'pending', traceparent, now()
           FROM encode_lane.lane_jobs WHERE application_id = $1 AND attempt = 1`,
        [id],
      );
    };
    id = await submitCard();
    const rows = await expectOneGoodCardEach([id]);
    expect(takenOver).toBe(true);
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'spoiled'],
      [2, 'encoded'],
    ]);
    await expectOneLiveCertificateSetEach([id], rows);
    await expectEventually(() => expect(announced.filter((e) => e.subject === id)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(announced.filter((e) => e.subject === id).map((e) => e.data)).toEqual([
      expect.objectContaining({ attempt: 2 }),
    ]);
  });

  it('answers an unknown lane with a problem naming the lanes it runs', async () => {
    const response = await api('/lane-9/pause', 'POST');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, lanes: ['lane-it'] });
  });

  it('publishes lane figures and queue depth on the Prometheus endpoint', async () => {
    const text = await (await fetch(`${pipeline.url}/metrics`)).text();
    expect(text).toMatch(/mnc_lane_utilisation\{lane="lane-it"\} [0-9.e-]+/);
    expect(text).toMatch(/mnc_lane_cards_per_hour\{lane="lane-it"\} [1-9]/);
    expect(text).toMatch(/mnc_lane_spoil_rate\{lane="lane-it"\} 0\.[0-9]+/);
    expect(text).toMatch(/mnc_lane_queue_depth\{pool="[^"]+",priority="express"\} 0/);
    // The spoiled cards of the tests above: removed, reader gone, interrupted, taken over.
    expect(text).toMatch(/mnc_lane_cards_total\{lane="lane-it",outcome="spoiled"\} 4/);
  });
});
