import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@mnc/config';
import { BlobMediaTypes, createEvent, encodeEvent, type PayloadOf } from '@mnc/contracts';
import { EnvelopeCipher, FileBlobStore } from '@mnc/secure-store';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import {
  DEVICE_TIME,
  encodeLaneStage,
  LANE_QUEUE,
  LaneService,
  type BullmqLaneQueue,
  type DeviceTime,
} from '@mnc/stage-encode-lane';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';
import { personalisationBundleFixture, sealBundleFixture, testDatabaseUrl, uniqueName } from '@mnc/testing';
import {
  caApDataSigner,
  newCardNumber,
  startCaHarness,
} from '../libs/stages/encode-lane/src/personalisation/testing/issuance-harness';
import type { BenchSection } from './section';

export interface LaneBenchFigures {
  readonly queue: 'bullmq';
  readonly cards: number;
  readonly printSeconds: number;
  readonly encodeMsPerApdu: number;
  /** Wall time per card in the backlog run, device time included: one card cycle. */
  readonly cardCycleMs: number;
  /**
   * The same minus the simulated printer and encoder time as waited (DeviceTime.waitedMs): what the
   * software costs per card.
   */
  readonly softwareMsPerCard: number;
  /**
   * Of the simulated waits, the time past their nominal length that is only the timers' 1 ms rounding
   * (DeviceTime.waitedMs minus simulatedMs), per card; before it was counted as device time it was part of
   * softwareMsPerCard.
   */
  readonly timerRoundingMsPerCard: number;
  /** CPU time of this process per card over the backlog run (lane, queue client, database client). */
  readonly cpuMsPerCard: number;
  /** Busy time over available time from resuming the backlog until its last card (target ≥ 0.95). */
  readonly utilisation: number;
  readonly cardsPerHour: number;
  /** From publishing issuance-data.generated for an express card to the lane starting it (target ≤ one cycle). */
  readonly expressWaitMs: readonly number[];
  readonly expressWaitMaxMs: number;
  /** Of that wait, the time from publishing the event to the job being in the queue (consumer, commit, dispatch). */
  readonly expressDispatchMs: readonly number[];
  /** Mean time of each step per card (print and encode include the simulated device time). */
  readonly stepMeanMs: Readonly<Record<string, number>>;
}

/** Mean per step from the lane's mnc_lane_step_seconds histogram. */
async function stepMeans(pipeline: RunningPipeline): Promise<Record<string, number>> {
  const metric = pipeline.metrics.registry.getSingleMetric('mnc_lane_step_seconds');
  if (!metric) return {};
  const { values } = await metric.get();
  const sums = new Map<string, { sum: number; count: number }>();
  for (const v of values) {
    const step = String(v.labels['step']);
    const entry = sums.get(step) ?? { sum: 0, count: 0 };
    const name = (v as { metricName?: string }).metricName;
    if (name === 'mnc_lane_step_seconds_sum') entry.sum = v.value;
    if (name === 'mnc_lane_step_seconds_count') entry.count = v.value;
    sums.set(step, entry);
  }
  return Object.fromEntries(
    [...sums].map(([step, { sum, count }]) => [
      step,
      count > 0 ? Math.round((sum / count) * 10_000) / 10 : 0,
    ]),
  );
}

interface BenchOptions {
  readonly cards?: number;
  readonly printSeconds?: number;
  readonly encodeMsPerApdu?: number;
  readonly redisUrl?: string;
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

/**
 * One lane (in-process virtual encoder, simulated device time) on real Postgres and a BullMQ pool queue in
 * Redis, fed through its Kafka-facing consumer (on the in-memory bus) with a backlog of normal cards while
 * paused, then resumed. Express cards are injected at a quarter, half and three quarters of the backlog.
 */
export async function lanesBench(options: BenchOptions = {}): Promise<LaneBenchFigures> {
  const cards = options.cards ?? 40;
  const printSeconds = options.printSeconds ?? 0.15;
  const encodeMsPerApdu = options.encodeMsPerApdu ?? 3;
  const database = uniqueName('mnc_lane_bench');
  const blobDir = mkdtempSync(join(tmpdir(), 'mnc-lane-bench-'));
  const masterKey = randomBytes(32);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  await admin(`CREATE DATABASE "${database}"`);
  // The CA in this process: it certifies each card's keys and signs the bundles' AP data (QA checks them).
  const ca = await startCaHarness();
  const config = loadConfig({
    PKI_URL: ca.url,
    MNC_BUS: 'memory',
    DATABASE_URL: url.toString(),
    MNC_MASTER_KEY: masterKey.toString('hex'),
    MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
    BLOB_DIR: blobDir,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
    LANE_QUEUE: 'bullmq',
    LANE_POOL: database.replace(/_/g, '-'),
    LANE_ID: 'bench-lane',
    ENCODER_STATION: 'in-process',
    LANE_PRINT_SECONDS: String(printSeconds),
    LANE_ENCODE_MS_PER_APDU: String(encodeMsPerApdu),
  });
  const blobs = new FileBlobStore(
    blobDir,
    new EnvelopeCipher({ current: { id: 'master-1', key: masterKey } }),
  );
  const sealer = new EnvelopeCipher({ current: config.personalisationKey });
  const portrait = await syntheticPortrait(1, { width: 300, height: 400 });
  const photo = await blobs.put(portrait.bytes, { mediaType: portrait.mediaType });

  /** Bundles are made before timing starts: issuance-data's work, not the lane's. */
  const prepare = async (seed: number, route: 'normal' | 'express') => {
    const applicant = syntheticApplicant(seed);
    const cardId = randomUUID();
    const applicationId = randomUUID();
    const cardNumber = newCardNumber();
    const bundle = await personalisationBundleFixture({
      applicant,
      photo,
      applicationId,
      cardId,
      cardNumber,
      signer: caApDataSigner(ca.ca, { applicationId, cardNumber }),
    });
    const bundleRef = await blobs.put(sealBundleFixture(bundle, sealer), {
      mediaType: BlobMediaTypes.personalisationBundle,
    });
    const applicantRecord = await blobs.put(Buffer.from(JSON.stringify(applicant)), {
      mediaType: BlobMediaTypes.applicantRecord,
    });
    const data: PayloadOf<'issuance-data.generated'> = {
      applicationId,
      route,
      cardProfile: bundle.cardProfile,
      municipalityCode: applicant.localGovernmentCode,
      applicantRecord,
      cardId,
      cardNumber: bundle.cardNumber,
      issuedOn: bundle.issuedOn,
      expiresOn: bundle.expiresOn,
      bundle: bundleRef,
    };
    return data;
  };
  const normal = [];
  for (let i = 0; i < cards; i++) normal.push(await prepare(i + 1, 'normal'));
  const express = [];
  for (let i = 0; i < 3; i++) express.push(await prepare(10_000 + i, 'express'));

  let pipeline: RunningPipeline | undefined;
  try {
    pipeline = await startPipeline({ processName: 'lane-bench', stages: [encodeLaneStage], config });
    const running = pipeline;
    const lane = running.app.get(LaneService, { strict: false });
    const deviceTime = running.app.get<DeviceTime>(DEVICE_TIME, { strict: false });
    const publish = (data: PayloadOf<'issuance-data.generated'>) =>
      running.bus.publish([encodeEvent(createEvent('issuance-data.generated', '/mnc/issuance-data', data))]);
    const encodedCount = async (ids: readonly string[]) =>
      Number(
        (
          await running.dataSource.query(
            `SELECT count(*)::int AS n FROM encode_lane.card_attempts WHERE status = 'encoded' AND application_id = ANY($1)`,
            [ids],
          )
        )[0].n,
      );
    const dispatchedAt = async (id: string): Promise<number | undefined> => {
      const rows = (await running.dataSource.query(
        'SELECT dispatched_at FROM encode_lane.lane_jobs WHERE application_id = $1 AND attempt = 1',
        [id],
      )) as { dispatched_at: Date | null }[];
      return rows[0]?.dispatched_at?.getTime();
    };
    const startedAt = async (id: string): Promise<number | undefined> => {
      const rows = (await running.dataSource.query(
        'SELECT started_at FROM encode_lane.card_attempts WHERE application_id = $1 ORDER BY attempt LIMIT 1',
        [id],
      )) as { started_at: Date }[];
      return rows[0]?.started_at.getTime();
    };

    await lane.pause();
    for (const data of normal) await publish(data);
    const normalIds = normal.map((d) => d.applicationId);
    // Wait until the whole backlog is in the queue.
    for (;;) {
      const counts = await lane.queueCounts();
      if (counts.waiting.normal >= cards) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const deviceBefore = deviceTime.simulatedMs;
    const waitedBefore = deviceTime.waitedMs;
    const busyBefore = lane.view().figures;
    const resumed = Date.now();
    const cpuBefore = process.cpuUsage();
    lane.resume();
    const expressWaits: number[] = [];
    const pendingExpress = [...express];
    const injections: { id: string; at: number }[] = [];
    let last = resumed;
    for (;;) {
      const done = lane.view().figures.encoded - busyBefore.encoded;
      if (done >= cards + express.length) {
        last = Date.now();
        break;
      }
      if (
        pendingExpress.length > 0 &&
        done >= Math.floor(((express.length - pendingExpress.length + 1) * cards) / 4)
      ) {
        const data = pendingExpress.shift()!;
        injections.push({ id: data.applicationId, at: Date.now() });
        await publish(data);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const figuresAtEnd = lane.view().figures;
    const cpu = process.cpuUsage(cpuBefore);
    const elapsed = last - resumed;
    const total = cards + express.length;
    if ((await encodedCount([...normalIds, ...express.map((e) => e.applicationId)])) !== total)
      throw new Error('the lane did not encode every card of the backlog');
    const dispatchDelays: number[] = [];
    for (const injection of injections) {
      const started = await startedAt(injection.id);
      if (started !== undefined) expressWaits.push(started - injection.at);
      const dispatched = await dispatchedAt(injection.id);
      if (dispatched !== undefined) dispatchDelays.push(Math.round(dispatched - injection.at));
    }
    const deviceMs = deviceTime.simulatedMs - deviceBefore;
    const waitedMs = deviceTime.waitedMs - waitedBefore;
    const queue = running.app.get<BullmqLaneQueue>(LANE_QUEUE, { strict: false });
    await queue.obliterate();
    const cycle = elapsed / total;
    return {
      queue: 'bullmq',
      cards: total,
      printSeconds,
      encodeMsPerApdu,
      cardCycleMs: Math.round(cycle * 10) / 10,
      softwareMsPerCard: Math.round(((elapsed - waitedMs) / total) * 10) / 10,
      timerRoundingMsPerCard: Math.round(((waitedMs - deviceMs) / total) * 10) / 10,
      cpuMsPerCard: Math.round((cpu.user + cpu.system) / 100 / total) / 10,
      utilisation: Math.round(figuresAtEnd.utilisation * 1000) / 1000,
      cardsPerHour: Math.round((total * 3_600_000) / elapsed),
      expressWaitMs: expressWaits.map((w) => Math.round(w)),
      expressWaitMaxMs: Math.round(Math.max(...expressWaits)),
      expressDispatchMs: dispatchDelays,
      stepMeanMs: await stepMeans(running),
    };
  } finally {
    await pipeline?.stop();
    await ca.stop();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(blobDir, { recursive: true, force: true });
  }
}

/** The section for bench/run.ts (`SECTIONS`). */
export function lanesSection(): BenchSection {
  return {
    name: 'lanes',
    title: 'Print-and-encode lane: software time per card, utilisation with a backlog, express wait',
    run: async () => {
      const f = await lanesBench();
      return {
        figures: f,
        markdown: [
          '| cards | print s | encode ms/APDU | card cycle ms | software ms/card | timer rounding ms/card | CPU ms/card | utilisation | cards/hour | express wait ms (max) |',
          '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
          `| ${f.cards} | ${f.printSeconds} | ${f.encodeMsPerApdu} | ${f.cardCycleMs} | ${f.softwareMsPerCard} | ${f.timerRoundingMsPerCard} | ${f.cpuMsPerCard} | ${(f.utilisation * 100).toFixed(1)} % | ${f.cardsPerHour} | ${f.expressWaitMs.join(', ')} (${f.expressWaitMaxMs}) |`,
          '',
          `Mean per step (ms; print and encode include device time): ${Object.entries(f.stepMeanMs)
            .map(([step, ms]) => `${step} ${ms}`)
            .join(', ')}.`,
          '',
          'One lane, BullMQ on Redis, real Postgres, in-process virtual encoder with simulated device time. Software is the card cycle minus the device waits as waited, each allowed 1 ms of timer rounding past its nominal length (the timer rounding column; the figure before that correction is software plus rounding). The CA answering the lane runs in this process too, so its work counts in both software and CPU. Targets: software ≤ 20 ms per card, utilisation ≥ 95 %, express wait ≤ one card cycle.',
        ],
        chart: [{ label: 'lane software ms/card', value: f.softwareMsPerCard }],
      };
    },
  };
}
