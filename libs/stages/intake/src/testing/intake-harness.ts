import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { uuidv7 } from 'uuidv7';
import { loadConfig } from '@mnc/config';
import { createEvent, type EventType, type PayloadOf } from '@mnc/contracts';
import { myNumberCheckDigit } from '@mnc/domain-applicant';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { assertServiceReachable, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@mnc/testing';
import { ApplicationStatusConsumer } from '../status.consumer';
import { intakeStage } from '../index';

/**
 * The intake service for integration tests: real Postgres (a database of its own), real Kafka, its real
 * HTTP server on a free port. The stage's consumer is not subscribed: its group is the stage's fixed name,
 * which a Kafka run here would share with any other stack on the broker. Tests feed it pipeline events
 * through the consumer's own handlers instead ({@link IntakeHarness.deliverEvent}).
 */
export const MUNICIPALITIES = {
  A: { code: '131016', prefecture: '東京都', municipality: '千代田区', postalCode: '1000001' },
  B: { code: '011002', prefecture: '北海道', municipality: '札幌市', postalCode: '0600001' },
} as const;

export interface IntakeHarness {
  readonly url: string;
  readonly database: string;
  readonly databaseUrl: string;
  readonly blobDir: string;
  readonly pipeline: RunningPipeline;
  readonly keys: { readonly A: string; readonly B: string; readonly national: string };
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs the status consumer's handler for a pipeline event, in a transaction, as the bus would. */
  deliverEvent<T extends EventType>(type: T, data: PayloadOf<T>, subject: string): Promise<void>;
  /** Stops the service and starts it again on the same database and blob store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startIntakeHarness(prefix: string): Promise<IntakeHarness> {
  await assertServiceReachable('Postgres', testDatabaseUrl());
  await assertServiceReachable('Kafka', testKafkaBrokers()[0]!);
  const database = uniqueName(prefix);
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  const blobDir = mkdtempSync(join(tmpdir(), `${prefix}-blobs-`));
  const keys = {
    A: `key-a-${randomBytes(16).toString('hex')}`,
    B: `key-b-${randomBytes(16).toString('hex')}`,
    national: `key-n-${randomBytes(16).toString('hex')}`,
  };
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  const config = loadConfig({
    MNC_BUS: 'kafka',
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    DATABASE_URL: url.toString(),
    DATABASE_POOL_SIZE: '8',
    MNC_MASTER_KEY: randomBytes(32).toString('hex'),
    MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
    BLOB_DIR: blobDir,
    HTTP_PORT: '0',
    CARD_FACE_SEX: 'chip-only',
    LOG_LEVEL: 'silent',
    MNC_API_CLIENTS: JSON.stringify([
      { id: 'chiyoda-counter', municipalities: [MUNICIPALITIES.A.code], keySha256: [hash(keys.A)] },
      { id: 'sapporo-counter', municipalities: [MUNICIPALITIES.B.code], keySha256: [hash(keys.B)] },
      { id: 'national-portal', municipalities: ['*'], keySha256: [hash(keys.national)] },
    ]),
  });
  const { consumer: _notSubscribed, ...stage } = intakeStage;
  const start = () => startPipeline({ processName: 'intake-int', stages: [stage], config });
  let pipeline = await start();
  const harness: IntakeHarness = {
    get url() {
      return pipeline.url;
    },
    database,
    databaseUrl: url.toString(),
    blobDir,
    get pipeline() {
      return pipeline;
    },
    keys,
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await pipeline.dataSource.query(sql, params)) as T[],
    deliverEvent: async (type, data, subject) => {
      const handlers = pipeline.app.get(ApplicationStatusConsumer, { strict: false }).handlers();
      const event = { ...createEvent(type, '/mnc/test', data), subject };
      const handler = handlers[type] as unknown as (e: unknown, c: unknown) => Promise<void>;
      await pipeline.dataSource.transaction((manager) =>
        handler(event, {
          manager,
          emit: () => {
            throw new Error('the status consumer emits nothing');
          },
        }),
      );
    },
    restart: async () => {
      await pipeline.stop();
      pipeline = await start();
    },
    stop: async () => {
      await pipeline.stop();
      const drop = new Client({ connectionString: testDatabaseUrl() });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await drop.end();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A fictional applicant of municipality A or B with a fresh, valid my number. */
export function fictionalApplicant(
  where: keyof typeof MUNICIPALITIES,
  overrides: Record<string, unknown> = {},
) {
  const m = MUNICIPALITIES[where];
  const first11 = Array.from(randomBytes(11), (b) => String(b % 10)).join('');
  return {
    familyName: '架空',
    givenName: '花子',
    familyNameKana: 'カクウ',
    givenNameKana: 'ハナコ',
    birthDate: '1990-04-01',
    sex: '2',
    address: {
      prefecture: m.prefecture,
      municipality: m.municipality,
      line: '架空町1丁目2番3号',
      postalCode: m.postalCode,
    },
    localGovernmentCode: m.code,
    myNumber: first11 + myNumberCheckDigit(first11),
    ...overrides,
  };
}

let cachedPhoto: Buffer | undefined;
/** A small real JPEG (a grey 60×80 image). */
export async function smallJpeg(): Promise<Buffer> {
  cachedPhoto ??= await sharp({ create: { width: 60, height: 80, channels: 3, background: '#c8c8c8' } })
    .jpeg()
    .toBuffer();
  return cachedPhoto;
}

export async function onlineSubmission(
  where: keyof typeof MUNICIPALITIES,
  applicant: Record<string, unknown> = {},
) {
  return {
    channel: 'online',
    route: 'normal',
    cardProfile: 'next-gen',
    applicant: fictionalApplicant(where, applicant),
    photo: { mediaType: 'image/jpeg', data: (await smallJpeg()).toString('base64') },
  };
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, any>;
}

export async function call(
  harness: IntakeHarness,
  method: string,
  path: string,
  options: { key?: string; json?: unknown; headers?: Record<string, string>; body?: string | FormData } = {},
): Promise<Answer> {
  const response = await fetch(`${harness.url}${path}`, {
    method,
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  let body: Record<string, any> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, any>) : {};
  } catch {
    body = { raw: text.slice(0, 200) };
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

/** Rows of every intake table a request could write, and the files in the blob store. */
export async function footprint(harness: IntakeHarness): Promise<Record<string, number>> {
  const tables = [
    'applications',
    'timeline',
    'idempotency_keys',
    'outbox',
    'audit_log',
    'webhooks',
    'webhook_deliveries',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await harness.query<{ n: number }>(`SELECT count(*)::int AS n FROM intake.${table}`);
    counts[table] = row!.n;
  }
  const walk = (dir: string): number =>
    readdirSync(dir).reduce((n, name) => {
      const path = join(dir, name);
      return n + (statSync(path).isDirectory() ? walk(path) : 1);
    }, 0);
  counts['blobs'] = walk(harness.blobDir);
  return counts;
}

export { uuidv7 };
