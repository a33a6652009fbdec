import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { PipelineConfig } from '@mnc/config';
import { deadLetterTopic, DEFAULT_PARTITIONS, EventCatalogue, EVENT_TYPES } from '@mnc/contracts';
import {
  idempotentConsumer,
  KafkaBus,
  MemoryBus,
  OutboxRelay,
  topicsFor,
  type MessageBus,
  type Subscription,
} from '@mnc/messaging';
import {
  createLogger,
  createMetrics,
  currentTraceHeaders,
  HealthRegistry,
  initTracing,
  kafkaLogCreator,
  messagingInstrumentation,
  PinoNestLogger,
  serverSpanMiddleware,
  type PipelineMetrics,
} from '@mnc/observability';
import { openDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '@mnc/persistence';
import { EnvelopeCipher, FileBlobStore, type BlobStore } from '@mnc/secure-store';
import { HEALTH, OpsController } from './http/ops.controller';
import { ProblemDetailsFilter } from './http/problem-details';
import { StagePublisher, StagePublishers } from './publisher';
import { eventSource, type StageDefinition, type StageName, type StageWorker } from './stage';
import {
  BLOB_STORE,
  DATA_SOURCE,
  ENVELOPE_CIPHER,
  PERSONALISATION_CIPHER,
  LOGGER,
  MESSAGE_BUS,
  METRICS,
  PIPELINE_CONFIG,
} from './tokens';

export interface StartPipelineOptions {
  /** Name of this process in logs and metrics: a stage name, or `embedded`. */
  readonly processName: string;
  readonly stages: readonly StageDefinition[];
  readonly config: PipelineConfig;
  /** Extra Nest modules (the embedded runner's demo module, for example). */
  readonly modules?: readonly Type<unknown>[];
}

export interface RunningPipeline {
  readonly app: INestApplication;
  readonly url: string;
  readonly bus: MessageBus;
  readonly dataSource: DataSource;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function assertDistinctStages(stages: readonly StageDefinition[]): void {
  const seen = new Set<StageName>();
  for (const stage of stages) {
    if (seen.has(stage.name)) throw new StartupError(`stage ${stage.name} is hosted twice`);
    seen.add(stage.name);
  }
}

/**
 * Starts the stages of one process: database (migrations first), bus and topics, outbox relays, the Nest
 * application with every stage module, then the consumers. Stops in the reverse order: HTTP stops taking
 * requests, consumers finish in-flight events and commit, workers stop, relays drain, connections close.
 */
export async function startPipeline(options: StartPipelineOptions): Promise<RunningPipeline> {
  const { config, stages } = options;
  assertDistinctStages(stages);
  const logger = createLogger({ service: options.processName, level: config.logLevel });
  const tracing = initTracing({ service: options.processName, otlpEndpoint: config.otlpEndpoint });
  const metrics = createMetrics({ service: options.processName });
  const health = new HealthRegistry();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse())
      await step().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
    cleanups.length = 0;
  };

  // Cleanups run in reverse: tracing shuts down last, so spans of the shutdown itself are exported.
  cleanups.push(() => tracing.shutdown());
  try {
    if (config.masterKeyIsEphemeral) {
      logger.warn(
        'MNC_MASTER_KEY is not set: using a random key for this run; encrypted data will not outlive it',
      );
    }
    let databaseUrl = config.databaseUrl;
    let embedded: EmbeddedPostgres | undefined;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres();
      databaseUrl = embedded.url;
      cleanups.push(() => embedded!.stop());
      logger.info('embedded Postgres (PGlite) started');
    }
    const dataSource = await openDatabase({
      url: databaseUrl,
      // PGlite has one connection; transactions must not interleave on it.
      poolSize: embedded ? 1 : config.databasePoolSize,
      stores: stages.map((s) => s.store),
      applicationName: options.processName,
    });
    cleanups.push(() => dataSource.destroy());
    health.register({
      name: 'database',
      kind: 'readiness',
      check: async () => {
        await dataSource.query('SELECT 1');
        return { ok: true };
      },
    });

    const instrumentation = messagingInstrumentation(metrics);
    const bus: MessageBus =
      config.bus === 'kafka'
        ? new KafkaBus({
            clientId: options.processName,
            brokers: config.kafkaBrokers,
            instrumentation,
            logCreator: kafkaLogCreator(logger),
          })
        : new MemoryBus(instrumentation);
    await bus.connect();
    cleanups.push(() => bus.disconnect());
    await bus.ensureTopics([
      ...EVENT_TYPES.map((type) => ({ name: EventCatalogue[type].topic, partitions: DEFAULT_PARTITIONS })),
      ...stages.map((s) => ({ name: deadLetterTopic(s.name), partitions: 1 })),
    ]);
    health.register({ name: 'bus', kind: 'readiness', check: () => bus.isHealthy() });

    const relays = new Map<StageName, OutboxRelay>();
    const publishers = new Map<StageName, StagePublisher>();
    for (const stage of stages) {
      const relay = new OutboxRelay({
        dataSource,
        schema: stage.store.schema,
        bus,
        onBacklog: (rows) => metrics.outboxBacklog.set({ service: stage.name }, rows),
        onPublished: (_rows, seconds) => metrics.outboxPublishSeconds.observe(seconds),
        onError: (error) => logger.warn({ err: error, stage: stage.name }, 'outbox relay failed; retrying'),
      });
      relays.set(stage.name, relay);
      publishers.set(
        stage.name,
        new StagePublisher(stage.name, stage.store.schema, relay, currentTraceHeaders),
      );
    }

    const cipher = new EnvelopeCipher({ current: { id: 'master-1', key: config.masterKey } });
    const blobStore: BlobStore = new FileBlobStore(config.blobDir, cipher);

    @Global()
    @Module({})
    class PipelineRuntimeModule {
      static register(): DynamicModule {
        const providers = [
          { provide: PIPELINE_CONFIG, useValue: config },
          { provide: DATA_SOURCE, useValue: dataSource },
          { provide: MESSAGE_BUS, useValue: bus },
          { provide: BLOB_STORE, useValue: blobStore },
          { provide: ENVELOPE_CIPHER, useValue: cipher },
          {
            provide: PERSONALISATION_CIPHER,
            useValue: new EnvelopeCipher({ current: config.personalisationKey }),
          },
          { provide: LOGGER, useValue: logger },
          { provide: METRICS, useValue: metrics.registry },
          { provide: HEALTH, useValue: health },
          { provide: StagePublishers, useValue: new StagePublishers(publishers) },
        ];
        return {
          module: PipelineRuntimeModule,
          providers,
          exports: providers.map((p) => p.provide),
          controllers: [OpsController],
        };
      }
    }

    @Module({
      imports: [PipelineRuntimeModule.register(), ...stages.map((s) => s.module), ...(options.modules ?? [])],
    })
    class ProcessModule {}

    const app = await NestFactory.create(ProcessModule, {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      bodyParser: true,
      // Webhook signatures are checked over the exact bytes received (request.rawBody).
      rawBody: true,
    });
    app.useGlobalFilters(
      new ProblemDetailsFilter((error, request) =>
        logger.error(
          { err: error, method: request.method, route: request.route?.path },
          'unhandled request error',
        ),
      ),
    );
    app.use(serverSpanMiddleware(options.processName));
    app.use(metrics.httpMiddleware);
    await app.init();
    cleanups.push(() => app.close());

    for (const relay of relays.values()) {
      relay.start();
      cleanups.push(() => relay.stop());
    }

    const workers: StageWorker[] = [];
    for (const stage of stages) {
      for (const workerType of stage.workers ?? []) workers.push(app.get(workerType, { strict: false }));
    }

    const subscriptions: Subscription[] = [];
    for (const stage of stages) {
      if (!stage.consumer) continue;
      const handlers = app.get(stage.consumer, { strict: false }).handlers();
      const relay = relays.get(stage.name)!;
      const handle = idempotentConsumer({
        consumer: stage.name,
        schema: stage.store.schema,
        source: eventSource(stage.name),
        dataSource,
        handlers,
        afterCommit: () => relay.kick(),
        currentTrace: currentTraceHeaders,
      });
      subscriptions.push(
        await bus.subscribe({
          groupId: stage.name,
          topics: topicsFor(handlers),
          deadLetterTopic: deadLetterTopic(stage.name),
          handler: async (record, delivery) => {
            try {
              return await handle(record, delivery);
            } catch (error) {
              // The record (ids and states only) goes with the warning; the payload never does.
              logger.warn(
                {
                  err: error,
                  stage: stage.name,
                  topic: record.topic,
                  offset: record.offset,
                  attempt: delivery.attempt,
                  eventId: record.headers['ce_id'],
                },
                'event handling failed',
              );
              throw error;
            }
          },
        }),
      );
    }
    // Consumers stop before the relays drain, so what they commit still goes out.
    cleanups.push(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await Promise.all(workers.map((w) => w.stop()));
    });
    for (const worker of workers) await worker.start();

    await app.listen(config.httpPort, config.httpHost);
    const address = (app.getHttpServer() as Server).address() as AddressInfo;
    const url = `http://${config.httpHost}:${address.port}`;
    // First to stop: take no new requests while consumers finish and the outbox drains.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          const server = app.getHttpServer() as Server;
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    logger.info({ url, stages: stages.map((s) => s.name), bus: bus.kind }, 'pipeline process ready');

    let stopping: Promise<void> | undefined;
    return {
      app,
      url,
      bus,
      dataSource,
      logger,
      metrics,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Runs until SIGTERM or SIGINT, then stops gracefully; a second signal exits at once. */
export function stopOnSignals(pipeline: RunningPipeline): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    pipeline.logger.info({ signal }, 'stopping');
    pipeline.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        pipeline.logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
