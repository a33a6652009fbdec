import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ConsumeOutcome = 'processed' | 'duplicate' | 'retried' | 'dead_lettered';

export interface MetricsOptions {
  /** The process's name (a stage, or `embedded`); kept on the returned object. */
  service: string;
  /** Registry to register into; defaults to one registry shared by the whole process. */
  registry?: Registry;
  /** Register Node process metrics (cpu, memory, event loop lag) too; default true. Done once per registry. */
  defaultMetrics?: boolean;
}

export interface CounterOf<L> {
  inc(labels: L, count?: number): void;
}
export interface GaugeOf<L> {
  set(labels: L, value: number): void;
}
export interface HistogramOf<L> {
  observe(labels: L, seconds: number): void;
  /** Labels are given when the timer stops, so an HTTP status or outcome known only at the end fits. */
  startTimer(): (labels: L) => number;
}

export interface TopicGroup {
  topic: string;
  group: string;
}
export interface HttpRequestLabels {
  method: string;
  route: string;
  status: number;
}

/** The parts of an Express request and response the HTTP middleware reads. */
export interface HttpRequestLike {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
export interface HttpResponseLike {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * Typed accessors for the pipeline metrics, named after them (camelCase, no `mnc_` prefix or `_total`
 * suffix); call sites never look metrics up by name.
 */
export interface PipelineMetrics {
  readonly service: string;
  readonly registry: Registry;
  readonly eventsConsumed: CounterOf<TopicGroup & { outcome: ConsumeOutcome }>;
  readonly eventsProduced: CounterOf<{ topic: string }>;
  readonly eventProcessingSeconds: HistogramOf<TopicGroup>;
  readonly consumerLag: GaugeOf<TopicGroup & { partition: number }>;
  readonly outboxBacklog: GaugeOf<{ service: string }>;
  readonly outboxPublishSeconds: { observe(seconds: number): void; startTimer(): () => number };
  readonly httpRequestSeconds: HistogramOf<HttpRequestLabels>;
  readonly stageLatencySeconds: {
    observe(labels: { stage: string }, seconds: number): void;
    /** Records the time from the event's own timestamp (its ce_time) until `now`. */
    observeSince(stage: string, eventTime: Date | string | number, now?: Date | number): void;
  };
  /** Express middleware (`app.use(metrics.httpMiddleware)`) timing every request into httpRequestSeconds. */
  readonly httpMiddleware: (request: HttpRequestLike, response: HttpResponseLike, next: () => void) => void;
}

// Handler and publish latencies: 1 ms to 10 s.
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Event time to processed includes queueing, retries and backlogs, so it reaches into hours.
const STAGE_LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400];

const DEFAULT_METRICS_PROBE = 'process_cpu_user_seconds_total';

function createInstruments(registry: Registry) {
  // Reusing what is already registered under a name keeps a second copy of this module (or a second call
  // with the same registry) from crashing with "metric already registered".
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });

  return {
    eventsConsumed: counter('mnc_events_consumed_total', 'Events taken off a topic, by outcome.', [
      'topic',
      'group',
      'outcome',
    ]),
    eventsProduced: counter('mnc_events_produced_total', 'Events published to a topic.', ['topic']),
    eventProcessing: histogram(
      'mnc_event_processing_seconds',
      'Time spent handling one consumed event.',
      ['topic', 'group'],
      FAST_BUCKETS,
    ),
    consumerLag: gauge('mnc_consumer_lag', 'Messages behind the partition high watermark.', [
      'topic',
      'partition',
      'group',
    ]),
    outboxBacklog: gauge('mnc_outbox_backlog', 'Outbox rows not yet published.', ['service']),
    outboxPublish: histogram(
      'mnc_outbox_publish_seconds',
      'Time to publish one outbox batch.',
      [],
      FAST_BUCKETS,
    ),
    httpRequest: histogram(
      'mnc_http_request_seconds',
      'HTTP request duration.',
      ['method', 'route', 'status'],
      FAST_BUCKETS,
    ),
    stageLatency: histogram(
      'mnc_stage_latency_seconds',
      'Time from an event being raised to a stage having processed it.',
      ['stage'],
      STAGE_LATENCY_BUCKETS,
    ),
  };
}

type Instruments = ReturnType<typeof createInstruments>;

const instrumentsByRegistry = new WeakMap<Registry, Instruments>();
let processRegistry: Registry | undefined;

/** The registry `createMetrics` uses when none is given; serve it on `/metrics`. */
export function getProcessRegistry(): Registry {
  processRegistry ??= new Registry();
  return processRegistry;
}

/**
 * Pipeline metrics for one process. Safe to call many times per process (the embedded mode hosts every
 * stage in one process): instruments are created once per registry and shared.
 */
export function createMetrics(options: MetricsOptions): PipelineMetrics {
  const registry = options.registry ?? getProcessRegistry();
  if ((options.defaultMetrics ?? true) && !registry.getSingleMetric(DEFAULT_METRICS_PROBE)) {
    collectDefaultMetrics({ register: registry });
  }
  let instruments = instrumentsByRegistry.get(registry);
  if (!instruments) {
    instruments = createInstruments(registry);
    instrumentsByRegistry.set(registry, instruments);
  }
  const i = instruments;

  const httpRequestSeconds = histogramOf<HttpRequestLabels, 'method' | 'route' | 'status'>(
    i.httpRequest,
    ({ method, route, status }) => ({ method, route, status: String(status) }),
  );
  const stageLatencySeconds: PipelineMetrics['stageLatencySeconds'] = {
    observe: (labels, seconds) => i.stageLatency.observe(labels, seconds),
    observeSince: (stage, eventTime, now = Date.now()) => {
      const elapsedMs = toMillis(now) - toMillis(eventTime);
      // Clock skew between hosts can make this negative; count it as no delay rather than drop it.
      if (Number.isFinite(elapsedMs)) i.stageLatency.observe({ stage }, Math.max(0, elapsedMs) / 1000);
    },
  };

  return {
    service: options.service,
    registry,
    eventsConsumed: { inc: (labels, count = 1) => i.eventsConsumed.inc(labels, count) },
    eventsProduced: { inc: (labels, count = 1) => i.eventsProduced.inc(labels, count) },
    eventProcessingSeconds: histogramOf(i.eventProcessing),
    consumerLag: {
      set: ({ topic, partition, group }, lag) =>
        i.consumerLag.set({ topic, partition: String(partition), group }, lag),
    },
    outboxBacklog: { set: (labels, pending) => i.outboxBacklog.set(labels, pending) },
    outboxPublishSeconds: {
      observe: (seconds) => i.outboxPublish.observe(seconds),
      startTimer: () => i.outboxPublish.startTimer(),
    },
    httpRequestSeconds,
    stageLatencySeconds,
    httpMiddleware: (request, response, next) => {
      const stop = httpRequestSeconds.startTimer();
      response.once('finish', () =>
        stop({ method: request.method, route: routeOf(request), status: response.statusCode }),
      );
      next();
    },
  };
}

// The matched route pattern (/applications/:id), never the raw path: ids in paths would explode the label set.
function routeOf(request: HttpRequestLike): string {
  const path = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : 'unmatched';
}

function histogramOf<L extends object, N extends string>(
  histogram: Histogram<N>,
  toLabelValues: (labels: L) => Record<N, string> = (labels) => labels as unknown as Record<N, string>,
): HistogramOf<L> {
  return {
    observe: (labels, seconds) => histogram.observe(toLabelValues(labels), seconds),
    startTimer: () => {
      const end = histogram.startTimer();
      return (labels) => end(toLabelValues(labels));
    },
  };
}

function toMillis(time: Date | string | number): number {
  if (typeof time === 'number') return time;
  return (typeof time === 'string' ? new Date(time) : time).getTime();
}
