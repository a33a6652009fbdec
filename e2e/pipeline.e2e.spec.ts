import { Kafka } from 'kafkajs';
import { deadLetterTopic, Topics } from '@mnc/contracts';
import {
  authorization,
  getApplication,
  submitApplications,
  syntheticSubmission,
  waitUntilSettled,
} from '@mnc/load-driver';
import { effectCounts, scanForPersonalData, Stack, testKafkaBrokers } from '@mnc/testing';

/**
 * Six stage processes on real Kafka and Postgres, the encode lane writing real cards through pcscd.
 * Exactly once means: per application one card record, one encoded card, one pre-delivery setup and one
 * shipment, whatever was redelivered.
 */
jest.setTimeout(15 * 60_000);
const COUNT = Number(process.env.MNC_E2E_COUNT ?? 100);

function expectExactlyOnce(counts: Awaited<ReturnType<typeof effectCounts>>, ids: readonly string[]): void {
  for (const [effect, perApplication] of Object.entries(counts)) {
    const wrong = ids.filter((id) => perApplication.get(id) !== 1);
    expect({ effect, wrong: wrong.length }).toEqual({ effect, wrong: 0 });
  }
}

const kafka = new Kafka({ clientId: 'e2e', brokers: ['127.0.0.1:9092'], logLevel: 0 });

/** The headers of the first record with this key on each topic, read from the beginning. */
async function headersByTopic(
  topics: readonly string[],
  key: string,
): Promise<Map<string, Record<string, string>>> {
  const found = new Map<string, Record<string, string>>();
  const consumer = kafka.consumer({ groupId: `e2e-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no record with key ${key} on ${topics.filter((t) => !found.has(t))}`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          if (message.key?.toString() !== key || found.has(topic)) return;
          found.set(
            topic,
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          );
          if (found.size === topics.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

describe('the pipeline on real Kafka, six processes', () => {
  let stack: Stack;
  /** Every synthetic applicant this suite submitted, for the closing personal-data scan. */
  const seeds: number[] = [];

  beforeAll(async () => {
    stack = await Stack.start(`mnc_e2e_${Date.now()}`);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`delivers ${COUNT} concurrently submitted applications, each exactly once`, async () => {
    const submitted = await submitApplications({
      baseUrl: stack.intakeUrl,
      apiKey: stack.apiKey,
      count: COUNT,
      concurrency: 32,
      firstSeed: 1,
    });
    seeds.push(...submitted.map((s) => s.seed));
    const ids = submitted.map((s) => s.id);
    const settled = await waitUntilSettled({
      baseUrl: stack.intakeUrl,
      apiKey: stack.apiKey,
      ids,
      timeoutMs: 8 * 60_000,
    });

    expect([...settled.values()].filter((v) => v.status === 'delivered')).toHaveLength(COUNT);
    expectExactlyOnce(await effectCounts(stack, ids), ids);
  });

  it('loses and duplicates nothing when a stage is killed with SIGKILL mid-run and restarted', async () => {
    const attempts = async () =>
      Number((await stack.query<{ n: string }>('SELECT count(*) AS n FROM encode_lane.card_attempts'))[0].n);
    const before = await attempts();
    const submission = submitApplications({
      baseUrl: stack.intakeUrl,
      apiKey: stack.apiKey,
      count: COUNT,
      concurrency: 32,
      firstSeed: 100_001,
    });
    // Kill the encode lane once cards are flowing: it dies between APDUs, attempts and commits.
    const started = Date.now();
    while (Date.now() - started < 120_000) {
      if ((await attempts()) >= before + 20) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stack.kill('encode-lane-1');
    await stack.kill('issuance-data');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.startProcess('issuance-data');
    await stack.startProcess('encode-lane-1');

    seeds.push(...(await submission).map((s) => s.seed));
    const ids = (await submission).map((s) => s.id);
    const settled = await waitUntilSettled({
      baseUrl: stack.intakeUrl,
      apiKey: stack.apiKey,
      ids,
      timeoutMs: 8 * 60_000,
    });

    expect([...settled.values()].filter((v) => v.status === 'delivered')).toHaveLength(COUNT);
    expectExactlyOnce(await effectCounts(stack, ids), ids);
    const spoiled = await stack.query<{ n: string }>(
      `SELECT count(*) AS n FROM encode_lane.card_attempts WHERE status = 'spoiled' AND application_id = ANY($1)`,
      [ids],
    );
    // An interrupted encode is spoiled, never finished later: at most the one card in the killed lane's reader.
    expect(Number(spoiled[0].n)).toBeLessThanOrEqual(1);
  });

  it('parks a poison message in the stage dead-letter topic with the validation error and keeps going', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const poisonKey = `poison-${Date.now()}`;
    await producer.send({
      topic: Topics.applicationSubmitted,
      acks: -1,
      messages: [
        {
          key: poisonKey,
          value: JSON.stringify({ applicationId: poisonKey, route: 'teleport' }),
          headers: {
            ce_id: '01a21f21-c46a-749f-90fa-472e3f740000',
            ce_type: 'jp.mynumbercard.application.submitted.v1',
            ce_source: '/e2e',
            ce_specversion: '1.0',
            ce_time: new Date().toISOString(),
            ce_subject: poisonKey,
          },
        },
      ],
    });
    await producer.disconnect();

    // The stage keeps processing: an application submitted after the poison is delivered.
    const response = await fetch(`${stack.intakeUrl}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(stack.apiKey) },
      body: JSON.stringify(await syntheticSubmission(900_001)),
    });
    seeds.push(900_001);
    const { id } = (await response.json()) as { id: string };
    await waitUntilSettled({ baseUrl: stack.intakeUrl, apiKey: stack.apiKey, ids: [id], timeoutMs: 120_000 });
    expect((await getApplication(stack.intakeUrl, id, stack.apiKey)).status).toBe('delivered');

    const parked = (await headersByTopic([deadLetterTopic('photo-screening')], poisonKey)).get(
      deadLetterTopic('photo-screening'),
    )!;
    expect(parked['mnc_dlt_error_code']).toBe('SCHEMA_VIOLATION');
    expect(parked['mnc_dlt_error_message']).toMatch(/\/route|\/applicationId/);
    expect(parked['mnc_dlt_source_topic']).toBe(Topics.applicationSubmitted);
    expect(parked['ce_id']).toBe('01a21f21-c46a-749f-90fa-472e3f740000');
  });

  it('carries one trace from the intake request to the delivery event', async () => {
    const response = await fetch(`${stack.intakeUrl}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(stack.apiKey) },
      body: JSON.stringify(await syntheticSubmission(900_002)),
    });
    seeds.push(900_002);
    const { id } = (await response.json()) as { id: string };
    await waitUntilSettled({ baseUrl: stack.intakeUrl, apiKey: stack.apiKey, ids: [id], timeoutMs: 120_000 });

    const headers = await headersByTopic(
      [Topics.applicationSubmitted, Topics.cardEncoded, Topics.cardDelivered],
      id,
    );
    const traceIds = [...headers.values()].map((h) => h['traceparent']?.split('-')[1]);
    expect(traceIds[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(traceIds).size).toBe(1);
  });

  it('leaves none of the applicants personal data on any topic or in any log line', async () => {
    const scan = await scanForPersonalData({
      seeds,
      brokers: testKafkaBrokers(),
      logDirs: [stack.runDir],
    });
    console.log(
      `security scan: ${scan.needles} values of ${seeds.length} applicants looked for in ${scan.recordsScanned} ` +
        `records on ${scan.topicsScanned} topics and ${scan.logLinesScanned} lines of ${scan.logFiles} logs`,
    );
    // The scan must have seen this run's traffic and logs, or zero hits would prove nothing.
    expect(scan.recordsScanned).toBeGreaterThan(seeds.length * 6);
    expect(scan.logLinesScanned).toBeGreaterThan(seeds.length);
    expect(scan.hits).toEqual([]);
  });
});
