import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createEvent, encodeEvent, type EventType, type PayloadOf } from '@mnc/contracts';
import { dashboardStage, projectionHandlers, ReadModelQueries } from '@mnc/dashboard-service';
import { idempotentConsumer } from '@mnc/messaging';
import { openDatabase } from '@mnc/persistence';
import { samplePayload, uniqueName } from '@mnc/testing';

export interface DashboardProjectionFigures {
  readonly applications: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** The pipeline page's queries over the resulting read model. */
  readonly overviewMs: number;
}

const LIFECYCLE: readonly EventType[] = [
  'application.submitted',
  'photo.accepted',
  'issuance-data.generated',
  'card.encoded',
  'card.ready-for-dispatch',
  'card.dispatched',
  'card.delivered',
];

/**
 * The dashboard's read-model projection on the real Postgres: each event through the idempotent consumer
 * (inbox claim, read-model upsert, timeline, throughput) one at a time, as one partition's records would be.
 * Excludes Kafka. A database of its own, dropped afterwards.
 */
export async function dashboardProjectionBench(
  options: { applications?: number; databaseUrl?: string } = {},
): Promise<DashboardProjectionFigures> {
  const applications = options.applications ?? 200;
  const adminUrl = options.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = uniqueName('bench_dashboard');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dataSource = await openDatabase({
    url: url.toString(),
    poolSize: 2,
    stores: [dashboardStage.store],
    applicationName: 'bench',
  });
  try {
    const handle = idempotentConsumer({
      consumer: 'operator-dashboard',
      schema: dashboardStage.store.schema,
      source: '/mnc/operator-dashboard',
      dataSource,
      handlers: projectionHandlers({ normalHours: 720, expressHours: 120 }),
    });
    const ids = Array.from({ length: applications }, () => crypto.randomUUID());
    const times: number[] = [];
    const started = performance.now();
    for (const type of LIFECYCLE) {
      for (const id of ids) {
        const record = encodeEvent(
          createEvent(type, '/mnc/bench', samplePayload(type, id) as PayloadOf<typeof type>),
        );
        const t0 = performance.now();
        await handle({ ...record, partition: 0, offset: '0' }, { groupId: 'operator-dashboard', attempt: 1 });
        times.push(performance.now() - t0);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    const t0 = performance.now();
    await new ReadModelQueries(dataSource.manager, { 'photo-screening': 3600, delivery: 86400 }).overview(
      new Date(),
    );
    const overviewMs = performance.now() - t0;
    return {
      applications,
      events: times.length,
      eventsPerSecond: Math.round(times.length / seconds),
      p50Ms: Number(times[Math.floor(times.length * 0.5)].toFixed(2)),
      p95Ms: Number(times[Math.floor(times.length * 0.95)].toFixed(2)),
      overviewMs: Number(overviewMs.toFixed(1)),
    };
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}
