import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import {
  BlobMediaTypes,
  createEvent,
  decodeEvent,
  deadLetterTopic,
  encodeEvent,
  EventCatalogue,
  type EventEnvelope,
  type EventType,
} from '@mnc/contracts';
import {
  idempotentConsumer,
  KafkaBus,
  OutboxRelay,
  topicsFor,
  type InboundRecord,
  type MessageBus,
  type OutgoingRecord,
  type Subscription,
  type SubscriptionOptions,
} from '@mnc/messaging';
import { openDatabase } from '@mnc/persistence';
import { chipImageProblems, stopFaceDetection } from '@mnc/photo-quality';
import { EnvelopeCipher, FileBlobStore, generateMasterKey } from '@mnc/secure-store';
import { StagePublisher, StagePublishers } from '@mnc/stage-runtime';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test helpers
import {
  assertServiceReachable,
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueName,
} from '@mnc/testing';
import { createPhotoScreener, PhotoScreeningConsumer, photoScreeningStage, ReviewService } from './index';

jest.setTimeout(180_000);

/** The real KafkaBus with every topic under a unique prefix, so no other run's consumers see these records. */
class PrefixedBus implements MessageBus {
  readonly kind = 'kafka' as const;
  constructor(
    private readonly bus: KafkaBus,
    private readonly prefix: string,
  ) {}
  private map = (topic: string) => `${this.prefix}.${topic}`;
  private unmap = (topic: string) => topic.slice(this.prefix.length + 1);
  connect = () => this.bus.connect();
  disconnect = () => this.bus.disconnect();
  isHealthy = () => this.bus.isHealthy();
  ensureTopics: MessageBus['ensureTopics'] = (topics) =>
    this.bus.ensureTopics(topics.map((t) => ({ ...t, name: this.map(t.name) })));
  publish = (records: readonly OutgoingRecord[]) =>
    this.bus.publish(records.map((r) => ({ ...r, topic: this.map(r.topic) })));
  subscribe = (options: SubscriptionOptions): Promise<Subscription> =>
    this.bus.subscribe({
      ...options,
      topics: options.topics.map(this.map),
      deadLetterTopic: this.map(options.deadLetterTopic),
      handler: (record: InboundRecord, context) =>
        options.handler({ ...record, topic: this.unmap(record.topic) }, context),
    });
}

const OUTPUTS = ['photo.accepted', 'photo.rejected', 'photo.review-requested'] as const satisfies EventType[];

describe('photo screening through Kafka: accepted, rejected, waiting for review, decided by a reviewer', () => {
  const databaseName = uniqueName('photo_it');
  const prefix = uniqueName('photo_it');
  let admin: DataSource;
  let dataSource: DataSource;
  let blobDir: string;
  let blobs: FileBlobStore;
  let bus: PrefixedBus;
  let relay: OutboxRelay;
  let reviews: ReviewService;
  const subscriptions: Subscription[] = [];
  const seen: EventEnvelope[] = [];

  beforeAll(async () => {
    const url = testDatabaseUrl();
    await assertServiceReachable('Postgres', url);
    await assertServiceReachable('Kafka', testKafkaBrokers()[0]!);
    admin = new DataSource({ type: 'postgres', url, extra: { max: 1 } });
    await admin.initialize();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const own = new URL(url);
    own.pathname = `/${databaseName}`;
    dataSource = await openDatabase({
      url: own.toString(),
      poolSize: 4,
      stores: [photoScreeningStage.store],
      applicationName: 'photo-screening-it',
    });
    blobDir = await mkdtemp(join(tmpdir(), 'photo-it-'));
    blobs = new FileBlobStore(blobDir, new EnvelopeCipher({ current: generateMasterKey('master-it') }));

    bus = new PrefixedBus(new KafkaBus({ clientId: prefix, brokers: testKafkaBrokers() }), prefix);
    await bus.connect();
    await bus.ensureTopics([
      { name: EventCatalogue['application.submitted'].topic, partitions: 2 },
      ...OUTPUTS.map((type) => ({ name: EventCatalogue[type].topic, partitions: 2 })),
      { name: deadLetterTopic('photo-screening'), partitions: 1 },
      { name: deadLetterTopic('probe'), partitions: 1 },
    ]);
    relay = new OutboxRelay({ dataSource, schema: 'photo_screening', bus, pollIntervalMs: 200 });
    relay.start();
    const consumer = new PhotoScreeningConsumer(blobs, createPhotoScreener(), { photoAuditShare: 0 });
    const handlers = consumer.handlers();
    subscriptions.push(
      await bus.subscribe({
        groupId: `${prefix}_screening`,
        topics: topicsFor(handlers),
        deadLetterTopic: deadLetterTopic('photo-screening'),
        handler: idempotentConsumer({
          consumer: 'photo-screening',
          schema: 'photo_screening',
          source: '/mnc/photo-screening',
          dataSource,
          handlers,
          afterCommit: () => relay.kick(),
        }),
      }),
      await bus.subscribe({
        groupId: `${prefix}_probe`,
        topics: OUTPUTS.map((type) => EventCatalogue[type].topic),
        deadLetterTopic: deadLetterTopic('probe'),
        handler: async (record) => {
          seen.push(decodeEvent(record));
        },
      }),
    );
    const publisher = new StagePublisher('photo-screening', 'photo_screening', relay, () => ({}));
    reviews = new ReviewService(
      dataSource,
      blobs,
      new StagePublishers(new Map([['photo-screening', publisher]])),
    );
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await relay?.stop();
    await bus?.disconnect();
    await dataSource?.destroy();
    await admin?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin?.destroy();
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
    await stopFaceDetection();
  });

  async function submit(seed: number, photo: Buffer): Promise<string> {
    const applicationId = randomUUID();
    const applicant = { ...syntheticApplicant(seed), birthDate: '1984-05-17' };
    const [photoRef, record] = await Promise.all([
      blobs.put(photo, { mediaType: 'image/jpeg' }),
      blobs.put(Buffer.from(JSON.stringify(applicant)), { mediaType: BlobMediaTypes.applicantRecord }),
    ]);
    const event = createEvent('application.submitted', '/mnc/intake', {
      applicationId,
      route: 'normal',
      cardProfile: 'next-gen',
      municipalityCode: applicant.localGovernmentCode,
      applicantRecord: record,
      channel: 'online',
      photo: photoRef,
      submittedAt: new Date().toISOString(),
    });
    await bus.publish([encodeEvent(event)]);
    return applicationId;
  }

  const eventsFor = (id: string) => seen.filter((e) => e.subject === id);
  const only = async (id: string, type: EventType) => {
    await expectEventually(() => expect(eventsFor(id).map((e) => e.type)).toContain(type));
    return eventsFor(id).find((e) => e.type === type)!;
  };

  it('ends a good photo accepted, a bad one rejected with its reason, a borderline one waiting; a reviewer moves it on', async () => {
    const good = (await syntheticPortrait(21)).bytes;
    const bad = await sharp(good).greyscale().jpeg({ quality: 90 }).toBuffer();
    // Tilted 9°: the chip image can correct it, but it is past the ICAO ±8°, so a person decides.
    const borderline = await sharp(good)
      .rotate(9, { background: '#f4f4f2' })
      .jpeg({ quality: 90 })
      .toBuffer();
    const [goodId, badId, borderlineId] = await Promise.all([
      submit(1, good),
      submit(2, bad),
      submit(3, borderline),
    ]);

    const accepted = (await only(goodId, 'photo.accepted')) as EventEnvelope<'photo.accepted'>;
    expect(accepted.data).toMatchObject({ decision: 'automatic', width: 420, height: 540 });
    expect(chipImageProblems(await blobs.get(accepted.data.photo))).toEqual([]);
    expect(accepted.data.printImage).toBeDefined();

    const rejected = (await only(badId, 'photo.rejected')) as EventEnvelope<'photo.rejected'>;
    expect(rejected.data).toMatchObject({ decision: 'automatic', reasons: [{ code: 'NOT_IN_COLOUR' }] });
    expect(rejected.data.reasons[0]!.messageJa).toMatch(/カラー/);

    const waiting = (await only(
      borderlineId,
      'photo.review-requested',
    )) as EventEnvelope<'photo.review-requested'>;
    expect(waiting.data.kind).toBe('quality');
    expect(waiting.data.reasons.map((r) => r.message).join()).toMatch(/roll/);
    expect(eventsFor(borderlineId).map((e) => e.type)).toEqual(['photo.review-requested']);

    // The queue shows it waiting, with its checks; a reviewer claims it, a second reviewer cannot decide it.
    expect((await reviews.queue()).map((c) => c.applicationId)).toContain(borderlineId);
    await reviews.claim(borderlineId, 'reviewer-a');
    await expect(reviews.approve(borderlineId, 'reviewer-b')).rejects.toMatchObject({ status: 409 });
    const viewed = await reviews.image(borderlineId, 'chip', 'reviewer-a');
    expect(chipImageProblems(viewed.bytes)).toEqual([]);
    await reviews.approve(borderlineId, 'reviewer-a', 'tilt corrected in the chip image');

    const approved = (await only(borderlineId, 'photo.accepted')) as EventEnvelope<'photo.accepted'>;
    expect(approved.data).toMatchObject({ decision: 'reviewer', width: 420, height: 540 });
    const detail = await reviews.get(borderlineId);
    expect(detail.state).toBe('approved');
    expect(detail.trail.map((a) => [a.action, a.actor])).toEqual([
      ['queued', 'photo-screening'],
      ['claimed', 'reviewer-a'],
      ['viewed', 'reviewer-a'],
      ['approved', 'reviewer-a'],
    ]);
    expect(detail.checks.find((c) => c.check === 'roll')).toMatchObject({ band: 'amber' });
    expect((await reviews.queue()).map((c) => c.applicationId)).not.toContain(borderlineId);
  });

  it('lets a reviewer reject a waiting photo with reason codes; the event carries the applicant messages', async () => {
    const good = (await syntheticPortrait(22)).bytes;
    const borderline = await sharp(good)
      .rotate(-9, { background: '#f4f4f2' })
      .jpeg({ quality: 90 })
      .toBuffer();
    const id = await submit(4, borderline);
    await only(id, 'photo.review-requested');
    await reviews.claim(id, 'reviewer-c');
    await reviews.reject(id, 'reviewer-c', ['HEAD_TILTED']);
    const rejected = (await only(id, 'photo.rejected')) as EventEnvelope<'photo.rejected'>;
    expect(rejected.data).toMatchObject({ decision: 'reviewer', reasons: [{ code: 'HEAD_TILTED' }] });
    await expect(reviews.claim(id, 'reviewer-d')).rejects.toMatchObject({ status: 409 });
  });
});
