import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  BlobMediaTypes,
  bundleFile,
  createEvent,
  decodeEvent,
  deadLetterTopic,
  encodeEvent,
  EventCatalogue,
  openPersonalisationBundle,
  type EventEnvelope,
  type PayloadOf,
} from '@mnc/contracts';
import {
  collationNumberB,
  parseIndexedTemplate,
  parseTemplate,
  sha256,
  SoftwareApDataSigner,
  readTlv,
  readTlvs,
  TextTag,
  tlv,
  verifyApSignature,
  VisualTag,
} from '@mnc/domain-issuance';
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
import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@mnc/config';
import { CERTIFICATE_AUTHORITY } from '@mnc/pki-client';
import { openDatabase } from '@mnc/persistence';
import { EnvelopeCipher, FileBlobStore, generateMasterKey } from '@mnc/secure-store';
import { startPipeline } from '@mnc/stage-runtime';
import { syntheticApplicant, syntheticPortrait, type SyntheticApplicant } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  uniqueName,
  assertServiceReachable,
} from '@mnc/testing';
import { CardDrafts } from './card-drafts.service';
import { IssuanceDataConsumer, issuanceDataStage } from './index';
import { softwareCa } from './testing/software-ca';

jest.setTimeout(120_000);

/**
 * The real KafkaBus with every topic renamed under a unique prefix, so this test's records never reach (or
 * come from) another run's consumers. Handlers see the canonical topic names the contracts check.
 */
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

interface Fixture {
  applicationId: string;
  applicant: SyntheticApplicant;
  event: EventEnvelope<'photo.accepted'>;
}

describe('issuance-data stage on Postgres and Kafka', () => {
  const databaseName = uniqueName('issuance_it');
  const prefix = uniqueName('issuance_it');
  let admin: DataSource;
  let dataSource: DataSource;
  let databaseUrl: string;
  let blobDir: string;
  let blobs: FileBlobStore;
  let personalisation: EnvelopeCipher;
  let masterCipher: EnvelopeCipher;
  let consumer: IssuanceDataConsumer;
  let bus: PrefixedBus;
  let relay: OutboxRelay;
  const subscriptions: Subscription[] = [];
  const generated: InboundRecord[] = [];

  beforeAll(async () => {
    const url = testDatabaseUrl();
    await assertServiceReachable('Postgres', url);
    await assertServiceReachable('Kafka', testKafkaBrokers()[0]!);
    admin = new DataSource({ type: 'postgres', url, extra: { max: 1 } });
    await admin.initialize();
    // A database of its own: the stage's schema name is fixed, as in production.
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const own = new URL(url);
    own.pathname = `/${databaseName}`;
    databaseUrl = own.toString();
    dataSource = await openDatabase({
      url: databaseUrl,
      poolSize: 4,
      stores: [issuanceDataStage.store],
      applicationName: 'issuance-data-it',
    });
    blobDir = await mkdtemp(join(tmpdir(), 'issuance-it-'));
    masterCipher = new EnvelopeCipher({ current: generateMasterKey('master-it') });
    personalisation = new EnvelopeCipher({ current: generateMasterKey('pers-it') });
    blobs = new FileBlobStore(blobDir, masterCipher);
    const signer = await SoftwareApDataSigner.create();
    consumer = new IssuanceDataConsumer(
      blobs,
      dataSource,
      personalisation,
      signer,
      new CardDrafts(dataSource, masterCipher),
    );

    bus = new PrefixedBus(new KafkaBus({ clientId: prefix, brokers: testKafkaBrokers() }), prefix);
    await bus.connect();
    const handlers = consumer.handlers();
    await bus.ensureTopics([
      // One partition: a later event proves an earlier redelivery was consumed.
      { name: EventCatalogue['photo.accepted'].topic, partitions: 1 },
      { name: EventCatalogue['issuance-data.generated'].topic, partitions: 2 },
      { name: deadLetterTopic('issuance-data'), partitions: 1 },
      { name: deadLetterTopic('probe'), partitions: 1 },
    ]);
    relay = new OutboxRelay({ dataSource, schema: 'issuance_data', bus, pollIntervalMs: 200 });
    relay.start();
    const handle = idempotentConsumer({
      consumer: 'issuance-data',
      schema: 'issuance_data',
      source: '/mnc/issuance-data',
      dataSource,
      handlers,
      afterCommit: () => relay.kick(),
    });
    subscriptions.push(
      await bus.subscribe({
        groupId: `${prefix}_issuance`,
        topics: topicsFor(handlers),
        deadLetterTopic: deadLetterTopic('issuance-data'),
        handler: handle,
      }),
      await bus.subscribe({
        groupId: `${prefix}_probe`,
        topics: [EventCatalogue['issuance-data.generated'].topic],
        deadLetterTopic: deadLetterTopic('probe'),
        handler: async (record) => {
          generated.push(record);
        },
      }),
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
  });

  async function fixture(seed: number, cardProfile: 'legacy-rsa2048' | 'next-gen'): Promise<Fixture> {
    const applicant = syntheticApplicant(seed);
    const portrait = await syntheticPortrait(seed);
    const applicantRecord = await blobs.put(Buffer.from(JSON.stringify(applicant)), {
      mediaType: BlobMediaTypes.applicantRecord,
    });
    const photo = await blobs.put(portrait.bytes, { mediaType: 'image/jpeg' });
    const applicationId = randomUUID();
    const data: PayloadOf<'photo.accepted'> = {
      applicationId,
      route: 'normal',
      cardProfile,
      municipalityCode: applicant.localGovernmentCode,
      applicantRecord,
      photo,
      width: portrait.width,
      height: portrait.height,
      decision: 'automatic',
    };
    return { applicationId, applicant, event: createEvent('photo.accepted', '/mnc/photo-screening', data) };
  }

  const publish = (event: EventEnvelope) => bus.publish([encodeEvent(event)]);
  const generatedFor = (applicationId: string) =>
    generated
      .filter((r) => r.key === applicationId)
      .map((r) => decodeEvent(r) as EventEnvelope<'issuance-data.generated'>);
  const count = async (table: string, applicationId: string) =>
    Number(
      (
        (await dataSource.query(
          `SELECT count(*)::int AS n FROM issuance_data.${table} WHERE application_id = $1`,
          [applicationId],
        )) as { n: number }[]
      )[0]!.n,
    );

  describe.each(['legacy-rsa2048', 'next-gen'] as const)('given a %s application', (profile) => {
    let f: Fixture;
    let event: EventEnvelope<'issuance-data.generated'>;

    beforeAll(async () => {
      f = await fixture(profile === 'next-gen' ? 101 : 102, profile);
      await publish(f.event);
      event = await expectEventually(
        async () => {
          const [first] = generatedFor(f.applicationId);
          if (!first) throw new Error('no issuance-data.generated yet');
          return first;
        },
        { timeoutMs: 60_000 },
      );
    });

    it('then issuance-data.generated carries references and card attributes only', () => {
      expect(Object.keys(event.data).sort()).toEqual(
        [
          'applicantRecord',
          'applicationId',
          'bundle',
          'cardId',
          'cardNumber',
          'cardProfile',
          'expiresOn',
          'issuedOn',
          'municipalityCode',
          'route',
        ].sort(),
      );
      expect(event.data.bundle.mediaType).toBe(BlobMediaTypes.personalisationBundle);
      const record = generated.find((r) => r.key === f.applicationId)!;
      const wire = Buffer.concat([record.value, Buffer.from(JSON.stringify(record.headers))]).toString(
        'utf8',
      );
      const a = f.applicant;
      for (const value of [
        a.myNumber,
        a.familyName + a.givenName,
        a.givenNameKana,
        a.address.line,
        a.birthDate,
        a.birthDate.replace(/-/g, ''),
      ])
        expect(wire).not.toContain(value);
    });

    it('then the bundle is sealed: the blob store key alone yields no personal data', async () => {
      const stored = await blobs.get(event.data.bundle);
      expect(stored.includes(Buffer.from(f.applicant.myNumber))).toBe(false);
      expect(() => JSON.parse(stored.toString('utf8'))).toThrow();
      const stranger = new EnvelopeCipher({ current: generateMasterKey('pers-it') });
      expect(() => openPersonalisationBundle(stored, stranger, event.data.cardId)).toThrow();
      expect(() => openPersonalisationBundle(stored, personalisation, randomUUID())).toThrow();
    });

    it('then the bundle opens with the personalisation key to the expected data objects', async () => {
      const bundle = openPersonalisationBundle(
        await blobs.get(event.data.bundle),
        personalisation,
        event.data.cardId,
      );
      const a = f.applicant;
      expect(bundle).toMatchObject({
        cardProfile: profile,
        cardId: event.data.cardId,
        cardNumber: event.data.cardNumber,
        issuedOn: event.data.issuedOn,
        expiresOn: event.data.expiresOn,
        collationNumberA: a.myNumber,
      });
      expect(bundle.collationNumberB).toBe(
        collationNumberB(a.birthDate, bundle.expiresOn, bundle.securityCode),
      );
      expect(bundle.puk !== undefined).toBe(profile === 'next-gen');

      expect(bundleFile(bundle, 'text', 1).subarray(3, 15).toString('ascii')).toBe(a.myNumber);
      const facts = parseIndexedTemplate(bundleFile(bundle, 'text', 2), TextTag.fourFacts);
      expect(facts.get(TextTag.name)!.toString('utf8')).toBe(`${a.familyName}\u3000${a.givenName}`);
      expect(facts.get(TextTag.address)!.toString('utf8')).toBe(
        a.address.prefecture + a.address.municipality + a.address.line,
      );
      expect(facts.get(TextTag.birthDate)!.toString('ascii')).toBe(a.birthDate.replace(/-/g, ''));
      expect(facts.get(TextTag.sex)!.toString('ascii')).toBe(a.sex);

      const text3 = bundleFile(bundle, 'text', 3);
      const hashes = parseTemplate(text3, TextTag.signatureTemplate);
      expect(hashes.get(TextTag.myNumberHash)).toEqual(sha256(bundleFile(bundle, 'text', 1)));
      // Re-encoding a parsed TLV gives its bytes back (one length form per size).
      const reencode = (file: Buffer) => readTlvs(readTlv(file).value).map((t) => tlv(t.tag, t.value));
      expect(hashes.get(TextTag.fourFactsHash)).toEqual(
        sha256(Buffer.concat(reencode(bundleFile(bundle, 'text', 2)).slice(1))),
      );
      const info = bundle.apSignatures.find((s) => s.location === 'text-0003-DF33')!;
      const signed = Buffer.concat(reencode(text3).slice(0, 2));
      expect(
        verifyApSignature(
          signed,
          hashes.get(TextTag.signature)!,
          info.algorithm,
          Buffer.from(info.signerCertificate, 'base64'),
        ),
      ).toBe(true);

      const face = parseIndexedTemplate(bundleFile(bundle, 'visual', 2), VisualTag.face);
      expect(face.get(VisualTag.expiry)!.toString('ascii')).toBe(bundle.expiresOn.replace(/-/g, ''));
      expect(face.get(VisualTag.photo)!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      const back = parseTemplate(bundleFile(bundle, 'visual', 5), VisualTag.back);
      expect(back.get(VisualTag.myNumberImage)!.subarray(1, 4).toString('ascii')).toBe('PNG');
    });

    it('then a redelivered photo.accepted has no second effect', async () => {
      await publish(f.event);
      // A later event of another application proves the redelivery was consumed before it.
      const marker = await fixture(profile === 'next-gen' ? 103 : 104, profile);
      await publish(marker.event);
      await expectEventually(
        async () => {
          if (generatedFor(marker.applicationId).length === 0) throw new Error('marker not through yet');
        },
        { timeoutMs: 60_000 },
      );
      expect(await count('cards', f.applicationId)).toBe(1);
      expect(await count('card_drafts', f.applicationId)).toBe(1);
      expect(generatedFor(f.applicationId)).toHaveLength(1);
    });
  });

  it('given a crash between generation and commit, then the retry issues the same card with the same secrets', async () => {
    const f = await fixture(105, 'next-gen');
    const handler = consumer.handlers()['photo.accepted'];
    if (!handler || typeof handler === 'function') throw new Error('photo.accepted is a two-phase handler');
    // The first attempt generates everything, then "crashes" before its transaction.
    const crashed = await handler.prepare(f.event);
    if (crashed.kind !== 'generated') throw new Error('expected a generated card');
    const before = openPersonalisationBundle(
      await blobs.get(crashed.bundle),
      personalisation,
      crashed.draft.cardId,
    );

    await publish(f.event);
    const event = await expectEventually(
      async () => {
        const [first] = generatedFor(f.applicationId);
        if (!first) throw new Error('no issuance-data.generated yet');
        return first;
      },
      { timeoutMs: 60_000 },
    );
    const after = openPersonalisationBundle(
      await blobs.get(event.data.bundle),
      personalisation,
      event.data.cardId,
    );
    expect(event.data.cardId).toBe(crashed.draft.cardId);
    expect(event.data.cardNumber).toBe(crashed.draft.cardNumber);
    expect([after.securityCode, after.puk, after.issuedOn]).toEqual([
      before.securityCode,
      before.puk,
      before.issuedOn,
    ]);
    expect(await count('cards', f.applicationId)).toBe(1);
  });
  it('given the stage hosted without a CA in the process or PKI_URL, then it refuses to start', async () => {
    await expect(
      startPipeline({
        processName: 'issuance-data',
        stages: [issuanceDataStage],
        config: loadConfig({
          MNC_BUS: 'memory',
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: '2',
          MNC_MASTER_KEY: randomBytes(32).toString('hex'),
          MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
          BLOB_DIR: await mkdtemp(join(tmpdir(), 'issuance-it-noca-')),
          HTTP_PORT: '0',
          LOG_LEVEL: 'silent',
        }),
      }),
    ).rejects.toThrow(/issuance-data needs the CA/);
  });

  it('given the stage hosted by the runtime beside a CA, then its module wires the signer, drafts and personalisation key', async () => {
    const masterKey = randomBytes(32);
    const runtimeBlobDir = await mkdtemp(join(tmpdir(), 'issuance-it-runtime-'));
    const software = await SoftwareApDataSigner.create();
    // Stands in for the pki stage of the embedded mode: a global CERTIFICATE_AUTHORITY in the process.
    @Global()
    @Module({
      providers: [{ provide: CERTIFICATE_AUTHORITY, useValue: softwareCa(software) }],
      exports: [CERTIFICATE_AUTHORITY],
    })
    class InProcessCaModule {}
    const pipeline = await startPipeline({
      processName: 'issuance-data',
      stages: [issuanceDataStage],
      modules: [InProcessCaModule],
      config: loadConfig({
        MNC_BUS: 'memory',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '2',
        MNC_MASTER_KEY: masterKey.toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        BLOB_DIR: runtimeBlobDir,
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    });
    try {
      const runtimeBlobs = new FileBlobStore(
        runtimeBlobDir,
        new EnvelopeCipher({ current: { id: 'master-1', key: masterKey } }),
      );
      const applicant = syntheticApplicant(106);
      const portrait = await syntheticPortrait(106);
      const applicationId = randomUUID();
      const seen: EventEnvelope<'issuance-data.generated'>[] = [];
      const probe = await pipeline.bus.subscribe({
        groupId: 'runtime-probe',
        topics: [EventCatalogue['issuance-data.generated'].topic],
        deadLetterTopic: deadLetterTopic('runtime-probe'),
        handler: async (record) => {
          seen.push(decodeEvent(record) as EventEnvelope<'issuance-data.generated'>);
        },
      });
      await pipeline.bus.publish([
        encodeEvent(
          createEvent('photo.accepted', '/mnc/photo-screening', {
            applicationId,
            route: 'express',
            cardProfile: 'next-gen',
            municipalityCode: applicant.localGovernmentCode,
            applicantRecord: await runtimeBlobs.put(Buffer.from(JSON.stringify(applicant)), {
              mediaType: BlobMediaTypes.applicantRecord,
            }),
            photo: await runtimeBlobs.put(portrait.bytes, { mediaType: 'image/jpeg' }),
            width: portrait.width,
            height: portrait.height,
            decision: 'automatic',
          }),
        ),
      ]);
      const event = await expectEventually(
        () => {
          const found = seen.find((e) => e.data.applicationId === applicationId);
          if (!found) throw new Error('no issuance-data.generated yet');
          return found;
        },
        { timeoutMs: 60_000 },
      );
      await probe.stop();
      // Unset MNC_PERSONALISATION_KEY: the key derived from the master key seals the bundle.
      const personalisationKey = loadConfig({ MNC_MASTER_KEY: masterKey.toString('hex') }).personalisationKey;
      const bundle = openPersonalisationBundle(
        await runtimeBlobs.get(event.data.bundle),
        new EnvelopeCipher({ current: personalisationKey }),
        event.data.cardId,
      );
      expect(bundle.collationNumberA).toBe(applicant.myNumber);
      expect(bundle.apSignatures).toHaveLength(3);
    } finally {
      await pipeline.stop();
      await rm(runtimeBlobDir, { recursive: true, force: true });
    }
  });
});
