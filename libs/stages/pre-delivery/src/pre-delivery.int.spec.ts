import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import {
  BlobMediaTypes,
  createEvent,
  deadLetterTopic,
  DEFAULT_PARTITIONS,
  decodeEvent,
  encodeEvent,
  EventCatalogue,
  EVENT_TYPES,
  type EventEnvelope,
  type EventType,
  type PayloadOf,
} from '@mnc/contracts';
import { idempotentConsumer, KafkaBus, topicsFor, type OutboxRelay, type Subscription } from '@mnc/messaging';
import { addCalendarDays } from '@mnc/domain-card-lifecycle';
import { openDatabase } from '@mnc/persistence';
import { StagePublisher, StagePublishers } from '@mnc/stage-runtime';
import { EnvelopeCipher, FileBlobStore } from '@mnc/secure-store';
import { syntheticApplicant } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  assertServiceReachable,
  blobRef,
  expectEventually,
  personalisationBundleFixture,
  samplePayload,
  sealBundleFixture,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueName,
} from '@mnc/testing';
import { CardExpiryWorker } from './card-expiry.worker';
import { CardLifecycleService } from './card-lifecycle.service';
import { CertificateStatusRelay, type CertificateStatusChange } from './certificate-status.port';
import { PreDeliveryConsumer } from './pre-delivery.consumer';
import { SetupService } from './setup.service';
import { preDeliveryStage } from './index';

// Bundles are sealed with the personalisation key, as issuance-data seals them.
const personalisationKey = { id: 'pers-it', key: randomBytes(32), derived: false };
const personalisation = new EnvelopeCipher({ current: personalisationKey });

/**
 * Pre-delivery's consumers on real Kafka and Postgres: events go through the broker to the stage's handlers
 * (inbox, transactions, outbox) in a database of the test's own. The test's consumer group is unique; the
 * topics are the real ones, so it handles only the applications it created and passes over the rest.
 */
jest.setTimeout(90_000);

const database = uniqueName('mnc_pre_delivery_it');
const group = uniqueName('pre_delivery_it');
const mine = new Set<string>();
/** Ids of the events the stage parked in its dead-letter topic. */
const parked: string[] = [];
let dataSource: DataSource;
let bus: KafkaBus;
let blobs: FileBlobStore;
let blobDir: string;
const subscriptions: Subscription[] = [];

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

async function publish<T extends EventType>(type: T, data: PayloadOf<T>): Promise<EventEnvelope<T>> {
  const event = createEvent(type, `/mnc/${EventCatalogue[type].producer}`, data);
  await bus.publish([encodeEvent(event)]);
  return event;
}

interface TestCard {
  applicationId: string;
  cardId: string;
  route: 'normal' | 'express';
  myNumber: string;
  puk: string;
  initialPins: { userAuthenticationPin: string; signaturePassword: string };
  expiresOn: string;
}

/** Registers an application and its card with pre-delivery, the two setup events in the given order. */
async function issueCard(
  route: 'normal' | 'express',
  order: 'encoded-first' | 'issuance-first' = 'issuance-first',
  applicationId = randomUUID(),
  cardProfile: 'next-gen' | 'legacy-rsa2048' = 'next-gen',
): Promise<TestCard> {
  mine.add(applicationId);
  const cardId = randomUUID();
  const applicant = syntheticApplicant(mine.size + 100);
  const puk = String(10_000_000 + mine.size);
  const applicantRecord = await blobs.put(Buffer.from(JSON.stringify(applicant)), {
    mediaType: BlobMediaTypes.applicantRecord,
  });
  const fixture = await personalisationBundleFixture({
    applicant,
    photo: blobRef('photo'),
    cardId,
    issuedOn: '2026-04-03',
    cardProfile,
    ...(cardProfile === 'next-gen' ? { puk } : {}),
  });
  // Legacy cards: initial PINs of this card's own, so a letter printing another card's would be caught.
  const initialPins = {
    userAuthenticationPin: String(1000 + mine.size).slice(-4),
    signaturePassword: `PW${randomBytes(4).toString('hex').toUpperCase()}`,
  };
  const bundle = cardProfile === 'legacy-rsa2048' ? { ...fixture, initialPins } : fixture;
  const bundleRef = await blobs.put(sealBundleFixture(bundle, personalisation), {
    mediaType: BlobMediaTypes.personalisationBundle,
  });
  const routing = {
    applicationId,
    route,
    cardProfile,
    municipalityCode: applicant.localGovernmentCode,
    applicantRecord,
  };
  await publish('application.submitted', {
    ...samplePayload('application.submitted', applicationId),
    ...routing,
    submittedAt: new Date().toISOString(),
  });
  const issuance = () =>
    publish('issuance-data.generated', {
      ...routing,
      cardId,
      cardNumber: bundle.cardNumber,
      issuedOn: bundle.issuedOn,
      expiresOn: bundle.expiresOn,
      bundle: bundleRef,
    });
  const encoded = () =>
    publish('card.encoded', {
      ...samplePayload('card.encoded', applicationId),
      ...routing,
      cardId,
      encodedAt: new Date().toISOString(),
    });
  if (order === 'issuance-first') {
    await issuance();
    await encoded();
  } else {
    await encoded();
    await issuance();
  }
  return {
    applicationId,
    cardId,
    route,
    myNumber: applicant.myNumber,
    puk,
    initialPins,
    expiresOn: bundle.expiresOn,
  };
}

async function card(cardId: string) {
  const [row] = (await dataSource.query(
    `SELECT c.state, r.status AS certificates, r.reason, r.sub_reason
       FROM pre_delivery.cards c LEFT JOIN pre_delivery.certificate_register r USING (card_id)
      WHERE c.card_id = $1`,
    [cardId],
  )) as { state: string; certificates: string | null; reason: string | null; sub_reason: string | null }[];
  return row;
}

async function transitions(cardId: string): Promise<string[]> {
  const rows = (await dataSource.query(
    'SELECT command FROM pre_delivery.card_transitions WHERE card_id = $1 ORDER BY seq',
    [cardId],
  )) as { command: string }[];
  return rows.map((r) => r.command);
}

async function outbox(applicationId: string): Promise<EventEnvelope[]> {
  const rows = (await dataSource.query(
    'SELECT topic, key, headers, payload FROM pre_delivery.outbox WHERE key = $1 ORDER BY seq',
    [applicationId],
  )) as { topic: string; key: string; headers: Record<string, string>; payload: Buffer }[];
  return rows.map((r) => decodeEvent({ topic: r.topic, key: r.key, headers: r.headers, value: r.payload }));
}

async function setUp(c: TestCard): Promise<void> {
  await expectEventually(async () => expect((await card(c.cardId))?.state).toBe('set-up'), {
    timeoutMs: 30_000,
  });
}

/** Dispatch and delivery, as the delivery stage reports them. */
async function deliver(c: TestCard, order: 'dispatched-first' | 'delivered-first' = 'dispatched-first') {
  const shipmentId = randomUUID();
  const dispatched = () =>
    publish('card.dispatched', {
      applicationId: c.applicationId,
      cardId: c.cardId,
      shipmentId,
      carrier: 'simulated-post',
      trackingNumber: `SP${shipmentId.slice(0, 8).toUpperCase()}JP`,
      dispatchedAt: new Date().toISOString(),
    });
  const delivered = () =>
    publish('card.delivered', {
      applicationId: c.applicationId,
      cardId: c.cardId,
      shipmentId,
      deliveredAt: new Date().toISOString(),
    });
  if (order === 'dispatched-first') {
    await dispatched();
    await delivered();
  } else {
    await delivered();
    await dispatched();
  }
}

beforeAll(async () => {
  await assertServiceReachable('Postgres', testDatabaseUrl());
  await assertServiceReachable('Kafka', testKafkaBrokers()[0]);
  await admin(`CREATE DATABASE "${database}"`);
  dataSource = await openDatabase({
    url: databaseUrl(),
    poolSize: 6,
    stores: [preDeliveryStage.store],
    applicationName: 'pre-delivery-it',
  });
  blobDir = mkdtempSync(join(tmpdir(), 'mnc-pre-delivery-it-'));
  blobs = new FileBlobStore(blobDir, new EnvelopeCipher({ current: { id: 'k1', key: randomBytes(32) } }));
  const config = {
    letterFontPath: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    personalisationKey,
  } as PipelineConfig;
  const lifecycle = new CardLifecycleService();
  const consumer = new PreDeliveryConsumer(dataSource, new SetupService(blobs, config, lifecycle), lifecycle);
  const handlers = consumer.handlers();
  const handle = idempotentConsumer({
    consumer: 'pre-delivery',
    schema: 'pre_delivery',
    source: '/mnc/pre-delivery',
    dataSource,
    handlers,
  });
  bus = new KafkaBus({ clientId: group, brokers: testKafkaBrokers() });
  await bus.connect();
  await bus.ensureTopics([
    ...EVENT_TYPES.map((t) => ({ name: EventCatalogue[t].topic, partitions: DEFAULT_PARTITIONS })),
    { name: deadLetterTopic(group), partitions: 1 },
    { name: deadLetterTopic(`${group}_dlt`), partitions: 1 },
  ]);
  subscriptions.push(
    await bus.subscribe({
      groupId: group,
      topics: topicsFor(handlers),
      deadLetterTopic: deadLetterTopic(group),
      retry: { maxAttempts: 6, initialBackoffMs: 50, maxBackoffMs: 400 },
      handler: async (record, delivery) => (mine.has(record.key) ? handle(record, delivery) : 'processed'),
    }),
    await bus.subscribe({
      groupId: `${group}_dlt`,
      topics: [deadLetterTopic(group)],
      deadLetterTopic: deadLetterTopic(`${group}_dlt`),
      // A parked record keeps its original headers, on another topic: read its id, do not decode it.
      handler: async (record) => {
        if (mine.has(record.key)) parked.push(record.headers['ce_id']);
      },
    }),
  );
});

afterAll(async () => {
  for (const s of subscriptions) await s.stop();
  await bus?.disconnect();
  await dataSource?.destroy();
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

describe('pre-delivery setup', () => {
  it.each(['issuance-first', 'encoded-first'] as const)(
    'given the two setup events (%s), then the card is set up once, certificates held, letters stored encrypted',
    async (order) => {
      const c = await issueCard('normal', order);
      await setUp(c);
      expect(await card(c.cardId)).toMatchObject({ certificates: 'held', reason: 'certificateHold' });
      expect(await transitions(c.cardId)).toEqual(['set-up']);
      const types = (await outbox(c.applicationId)).map((e) => e.type);
      expect(types.filter((t) => t === 'card.ready-for-dispatch')).toHaveLength(1);
      expect(types).toContain('card.lifecycle-changed');

      const [setup] = (await dataSource.query(
        'SELECT letters, deliver_to FROM pre_delivery.card_setups WHERE card_id = $1',
        [c.cardId],
      )) as {
        letters: { kind: string; mailing: string; pdf: { hash: string; size: number; mediaType: string } }[];
        deliver_to: string;
      }[];
      expect(setup.deliver_to).toBe('municipality');
      expect(setup.letters.map((l) => [l.kind, l.mailing])).toEqual([
        ['delivery-notice', 'with-delivery-notice-post'],
        ['puk-letter', 'separate-from-card'],
      ]);
      for (const letter of setup.letters) {
        const pdf = await blobs.get(letter.pdf);
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      }
    },
  );

  it('stores no letter in plaintext: no file of the blob store is a readable PDF', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(blobDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes('%PDF-')).toBe(false);
  });

  it('given an express card, then it has the PUK letter only (no delivery notice)', async () => {
    const c = await issueCard('express');
    await setUp(c);
    const [setup] = (await dataSource.query(
      'SELECT letters, deliver_to FROM pre_delivery.card_setups WHERE card_id = $1',
      [c.cardId],
    )) as { letters: { kind: string }[]; deliver_to: string }[];
    expect(setup.deliver_to).toBe('resident');
    expect(setup.letters.map((l) => l.kind)).toEqual(['puk-letter']);
  });
});

describe('the legacy PIN letter', () => {
  // pdf.js (inside pdf-parse) loads its worker by dynamic import, which Jest's module sandbox refuses.
  const textOf = (pdf: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [
          '-e',
          `const { PDFParse } = require('pdf-parse'); const c = [];
           process.stdin.on('data', (d) => c.push(d)).on('end', async () => {
             const p = new PDFParse({ data: Buffer.concat(c) });
             process.stdout.write((await p.getText()).text); await p.destroy(); });`,
        ],
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
      child.stdin!.end(pdf);
    });

  it.each(['express', 'normal'] as const)(
    'given a legacy %s card, then a PIN letter with its initial PINs travels apart from the card, with no my number',
    async (route) => {
      const c = await issueCard(route, 'issuance-first', randomUUID(), 'legacy-rsa2048');
      await setUp(c);
      const [setup] = (await dataSource.query(
        'SELECT letters FROM pre_delivery.card_setups WHERE card_id = $1',
        [c.cardId],
      )) as {
        letters: { kind: string; mailing: string; pdf: { hash: string; size: number; mediaType: string } }[];
      }[];
      expect(setup.letters.map((l) => [l.kind, l.mailing])).toEqual([
        ...(route === 'normal' ? [['delivery-notice', 'with-delivery-notice-post']] : []),
        ['pin-letter', 'separate-from-card'],
      ]);
      const letter = setup.letters.find((l) => l.kind === 'pin-letter')!;
      const pdf = await blobs.get(letter.pdf);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = (await textOf(pdf)).replace(/\s+/g, '');
      expect(text).toContain(`(数字4桁):${c.initialPins.userAuthenticationPin}`);
      expect(text).toContain(`(英数字):${c.initialPins.signaturePassword}`);
      expect(text).not.toContain(c.myNumber);
      expect(text).not.toMatch(/[0-9]{12}/);
      // The PINs never reach Kafka.
      const rows = (await dataSource.query('SELECT payload FROM pre_delivery.outbox WHERE key = $1', [
        c.applicationId,
      ])) as { payload: Buffer }[];
      for (const row of rows) expect(row.payload.toString()).not.toContain(c.initialPins.signaturePassword);
    },
  );
});

describe('delivery and handover', () => {
  it('given an express card delivered before its dispatch event arrives, then it is in use and certificates active', async () => {
    const c = await issueCard('express');
    await setUp(c);
    await deliver(c, 'delivered-first');
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({ state: 'in-use', certificates: 'active' }),
    );
    // The late card.dispatched is stale: no second dispatch.
    const [{ n }] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM pre_delivery.inbox WHERE consumer = 'pre-delivery'`,
    )) as { n: number }[];
    expect(n).toBeGreaterThan(0);
    await expectEventually(async () =>
      expect(await transitions(c.cardId)).toEqual(['set-up', 'dispatch', 'deliver', 'hand-over']),
    );
  });

  it('given a normal card delivered to the municipality, then it waits there until the counter hands it over', async () => {
    const c = await issueCard('normal');
    await setUp(c);
    await deliver(c);
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({ state: 'delivered', certificates: 'held' }),
    );
    await publish('card.handed-over', {
      applicationId: c.applicationId,
      municipalityCode: '131016',
      identityCheckedBy: 'staff-0042',
      handedOverAt: new Date().toISOString(),
    });
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({ state: 'in-use', certificates: 'active' }),
    );
    const [clock] = (await dataSource.query(
      'SELECT stopped_on FROM pre_delivery.sla_clocks WHERE application_id = $1',
      [c.applicationId],
    )) as { stopped_on: string | null }[];
    expect(clock.stopped_on).not.toBeNull();
  });

  it('given a returned parcel, then the card is returned to sender', async () => {
    const c = await issueCard('express');
    await setUp(c);
    const shipmentId = randomUUID();
    await publish('card.dispatched', {
      applicationId: c.applicationId,
      cardId: c.cardId,
      shipmentId,
      carrier: 'simulated-post',
      trackingNumber: 'SP000000001JP',
      dispatchedAt: new Date().toISOString(),
    });
    await publish('shipment.tracking-updated', {
      applicationId: c.applicationId,
      cardId: c.cardId,
      shipmentId,
      trackingNumber: 'SP000000001JP',
      status: 'returned-to-sender',
      at: new Date().toISOString(),
    });
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({ state: 'returned-to-sender', certificates: 'held' }),
    );
  });
});

describe('lost card', () => {
  async function inUse(): Promise<TestCard> {
    const c = await issueCard('express');
    await setUp(c);
    await deliver(c);
    await expectEventually(async () => expect((await card(c.cardId)).state).toBe('in-use'));
    return c;
  }

  it('given a loss report and the replacement delivered, then the old card is permanently lost and revoked for key compromise', async () => {
    const old = await inUse();
    const reissueApplicationId = randomUUID();
    await publish('card.loss-reported', {
      applicationId: old.applicationId,
      reissueApplicationId,
      reportedAt: new Date().toISOString(),
    });
    await expectEventually(async () =>
      expect(await card(old.cardId)).toMatchObject({ state: 'suspended', certificates: 'held' }),
    );

    const replacement = await issueCard('express', 'issuance-first', reissueApplicationId);
    await setUp(replacement);
    await deliver(replacement);
    await expectEventually(async () => {
      expect(await card(replacement.cardId)).toMatchObject({ state: 'in-use', certificates: 'active' });
      expect(await card(old.cardId)).toMatchObject({
        state: 'permanently-lost',
        certificates: 'revoked',
        reason: 'keyCompromise',
      });
    });
    // The relay tells the CA, outside the transaction, the latest status of each changed card.
    const sent: CertificateStatusChange[] = [];
    const relay = new CertificateStatusRelay(dataSource, pino({ level: 'silent' }), {
      apply: async (change) => void sent.push(change),
    });
    while ((await relay.sendPending()) > 0);
    expect(sent).toContainEqual({ cardId: old.cardId, action: 'revoke', reason: 'keyCompromise' });
    expect(sent).toContainEqual({ cardId: replacement.cardId, action: 'release', reason: 'unspecified' });
    expect(await relay.sendPending()).toBe(0);
    const revoked = (await outbox(old.applicationId)).find(
      (e) => e.type === 'card.lifecycle-changed' && (e.data as { to: string }).to === 'permanently-lost',
    );
    expect(revoked?.data).toMatchObject({
      certificates: { action: 'revoke', reason: 'keyCompromise' },
      replacementCardId: replacement.cardId,
    });
  });

  it('given the CA cannot take one card, then the relay still sends every other card and retries that one later', async () => {
    const refused = await inUse();
    const other = await inUse();
    const sent: string[] = [];
    let refuse = true;
    const relay = new CertificateStatusRelay(dataSource, pino({ level: 'silent' }), {
      apply: async (change) => {
        if (refuse && change.cardId === refused.cardId) throw new Error('the CA is not ready for this card');
        sent.push(change.cardId);
      },
    });
    while ((await relay.sendPending()) > 0);
    expect(sent).toContain(other.cardId);
    expect(sent).not.toContain(refused.cardId);
    const pending = async () =>
      (
        (await dataSource.query(
          'SELECT sent_version < version AS pending FROM pre_delivery.certificate_register WHERE card_id = $1',
          [refused.cardId],
        )) as { pending: boolean }[]
      )[0].pending;
    expect(await pending()).toBe(true);
    refuse = false;
    await expectEventually(async () => {
      await relay.sendPending();
      expect(sent).toContain(refused.cardId);
    });
    expect(await pending()).toBe(false);
  });

  it('given a lost card found before the reissue, then it is restored and its hold lifted', async () => {
    const c = await inUse();
    await publish('card.loss-reported', {
      applicationId: c.applicationId,
      reissueApplicationId: randomUUID(),
      reportedAt: new Date().toISOString(),
    });
    await expectEventually(async () => expect((await card(c.cardId)).state).toBe('suspended'));
    await publish('card.found-reported', {
      applicationId: c.applicationId,
      reportedAt: new Date().toISOString(),
    });
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({ state: 'in-use', certificates: 'active' }),
    );
    expect(await transitions(c.cardId)).toEqual([
      'set-up',
      'dispatch',
      'deliver',
      'hand-over',
      'report-lost',
      'restore',
    ]);
  });

  it('given a found report that overtakes its loss report, then the card still ends restored in use', async () => {
    const c = await inUse();
    // Different topics: the found report reaches pre-delivery first and waits for the loss it follows.
    const lossReportedAt = new Date().toISOString();
    await publish('card.found-reported', {
      applicationId: c.applicationId,
      reportedAt: new Date(Date.parse(lossReportedAt) + 1_000).toISOString(),
    });
    await expectEventually(async () =>
      expect(
        await dataSource.query('SELECT 1 FROM pre_delivery.early_found_reports WHERE card_id = $1', [
          c.cardId,
        ]),
      ).toHaveLength(1),
    );
    expect((await card(c.cardId)).state).toBe('in-use');
    await publish('card.loss-reported', {
      applicationId: c.applicationId,
      reissueApplicationId: randomUUID(),
      reportedAt: lossReportedAt,
    });
    await expectEventually(
      async () => {
        expect(await transitions(c.cardId)).toEqual([
          'set-up',
          'dispatch',
          'deliver',
          'hand-over',
          'report-lost',
          'restore',
        ]);
        expect(await card(c.cardId)).toMatchObject({ state: 'in-use', certificates: 'active' });
      },
      { timeoutMs: 60_000 },
    );
    expect(
      await dataSource.query('SELECT 1 FROM pre_delivery.early_found_reports WHERE card_id = $1', [c.cardId]),
    ).toHaveLength(0);
  });

  it('given a death notification, then the card is revoked with affiliationChanged and the death sub-reason', async () => {
    const c = await inUse();
    await publish('card.holder-deceased', {
      applicationId: c.applicationId,
      notifiedAt: new Date().toISOString(),
    });
    await expectEventually(async () =>
      expect(await card(c.cardId)).toMatchObject({
        state: 'revoked',
        certificates: 'revoked',
        reason: 'affiliationChanged',
        sub_reason: 'death',
      }),
    );
  });

  it('given a loss report for a card not yet with its holder, then it is refused, parked, and leaves no trace', async () => {
    const c = await issueCard('normal');
    await setUp(c);
    const before = await transitions(c.cardId);
    const report = await publish('card.loss-reported', {
      applicationId: c.applicationId,
      reissueApplicationId: randomUUID(),
      reportedAt: new Date().toISOString(),
    });
    await expectEventually(() => expect(parked).toContain(report.id), { timeoutMs: 30_000 });
    expect(await card(c.cardId)).toMatchObject({ state: 'set-up', certificates: 'held' });
    expect(await transitions(c.cardId)).toEqual(before);
    const [{ n }] = (await dataSource.query(
      'SELECT count(*)::int AS n FROM pre_delivery.inbox WHERE event_id = $1',
      [report.id],
    )) as { n: number }[];
    expect(n).toBe(0);
    expect(
      await dataSource.query('SELECT 1 FROM pre_delivery.replacements WHERE lost_card_id = $1', [c.cardId]),
    ).toHaveLength(0);
  });
});

describe('personal data', () => {
  it('puts no my number and no PUK on Kafka: the outbox holds ids and states only', async () => {
    const c = await issueCard('normal');
    await setUp(c);
    const rows = (await dataSource.query('SELECT payload FROM pre_delivery.outbox WHERE key = $1', [
      c.applicationId,
    ])) as { payload: Buffer }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.payload.toString()).not.toContain(c.myNumber);
      expect(row.payload.toString()).not.toContain(c.puk);
    }
  });
});

describe('expiry', () => {
  it('expires a card in use once its expiry date has passed, and not before', async () => {
    const c = await issueCard('express');
    await setUp(c);
    await deliver(c);
    await expectEventually(async () => expect((await card(c.cardId)).state).toBe('in-use'));
    const publisher = new StagePublisher(
      'pre-delivery',
      'pre_delivery',
      // No relay runs here: the test reads what the worker wrote to the outbox.
      { kick: () => undefined } as unknown as OutboxRelay,
      () => ({}),
    );
    const worker = new CardExpiryWorker(
      dataSource,
      pino({ level: 'silent' }),
      new CardLifecycleService(),
      new StagePublishers(new Map([['pre-delivery', publisher]])),
    );
    // A card is valid through its expiry date.
    await worker.expireDue(c.expiresOn);
    expect((await card(c.cardId)).state).toBe('in-use');
    await worker.expireDue(addCalendarDays(c.expiresOn, 1));
    expect((await card(c.cardId)).state).toBe('expired');
    const last = (await outbox(c.applicationId)).filter((e) => e.type === 'card.lifecycle-changed').at(-1);
    expect(last?.data).toMatchObject({ from: 'in-use', to: 'expired', command: 'expire' });
  });
});
