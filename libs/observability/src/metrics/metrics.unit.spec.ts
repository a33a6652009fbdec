import { Counter, Registry, type MetricValue } from 'prom-client';
import { createMetrics, getProcessRegistry } from './metrics';

async function samples(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (!metric) throw new Error(`${name} is not registered`);
  // Histogram samples also carry their series name (`_bucket`, `_sum`, `_count`).
  return metric.values as (MetricValue<string> & { metricName?: string })[];
}

describe('createMetrics', () => {
  it('is idempotent per process: every stage shares one set of instruments', async () => {
    const intake = createMetrics({ service: 'intake' });
    const delivery = createMetrics({ service: 'delivery' });
    expect(delivery.registry).toBe(intake.registry);
    expect(intake.registry).toBe(getProcessRegistry());

    intake.eventsProduced.inc({ topic: 't' });
    delivery.eventsProduced.inc({ topic: 't' }, 2);
    expect(await samples(intake.registry, 'mnc_events_produced_total')).toEqual([
      expect.objectContaining({ labels: { topic: 't' }, value: 3 }),
    ]);
  });

  it('accepts a registry and tolerates one where the metrics are already registered', () => {
    const registry = new Registry();
    // As another copy of this module would have left it.
    new Counter({
      name: 'mnc_events_produced_total',
      help: 'x',
      labelNames: ['topic'],
      registers: [registry],
    });
    expect(() => createMetrics({ service: 'a', registry })).not.toThrow();
    expect(() => createMetrics({ service: 'b', registry })).not.toThrow();
    expect(createMetrics({ service: 'c', registry }).registry).toBe(registry);
  });

  it('registers the default process metrics once, unprefixed, and the pipeline metrics with mnc_', async () => {
    const registry = new Registry();
    createMetrics({ service: 'a', registry });
    createMetrics({ service: 'b', registry });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']),
    );
    expect(names.filter((n) => n.startsWith('mnc_')).sort()).toEqual([
      'mnc_consumer_lag',
      'mnc_event_processing_seconds',
      'mnc_events_consumed_total',
      'mnc_events_produced_total',
      'mnc_http_request_seconds',
      'mnc_outbox_backlog',
      'mnc_outbox_publish_seconds',
      'mnc_stage_latency_seconds',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('can leave out the default metrics', async () => {
    const registry = new Registry();
    createMetrics({ service: 'a', registry, defaultMetrics: false });
    expect((await registry.getMetricsAsJSON()).every((m) => m.name.startsWith('mnc_'))).toBe(true);
  });

  it('records each metric with its label set', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ service: 'embedded', registry, defaultMetrics: false });
    metrics.eventsConsumed.inc({ topic: 't', group: 'intake', outcome: 'dead_lettered' });
    metrics.eventProcessingSeconds.observe({ topic: 't', group: 'intake' }, 0.004);
    metrics.consumerLag.set({ topic: 't', partition: 3, group: 'intake' }, 17);
    metrics.outboxBacklog.set({ service: 'intake' }, 5);
    metrics.outboxPublishSeconds.observe(0.02);
    metrics.httpRequestSeconds.observe({ method: 'POST', route: '/applications', status: 202 }, 0.05);
    metrics.stageLatencySeconds.observeSince(
      'photo-screening',
      '2025-01-01T00:00:00.000Z',
      Date.parse('2025-01-01T00:00:02.500Z'),
    );

    expect((await samples(registry, 'mnc_events_consumed_total'))[0].labels).toEqual({
      topic: 't',
      group: 'intake',
      outcome: 'dead_lettered',
    });
    expect(await samples(registry, 'mnc_consumer_lag')).toEqual([
      expect.objectContaining({ labels: { topic: 't', partition: '3', group: 'intake' }, value: 17 }),
    ]);
    expect(await samples(registry, 'mnc_outbox_backlog')).toEqual([
      expect.objectContaining({ labels: { service: 'intake' }, value: 5 }),
    ]);
    const labelsOf = async (name: string) =>
      (await samples(registry, name)).find((s) => s.metricName === `${name}_count`)?.labels;
    expect(await labelsOf('mnc_event_processing_seconds')).toEqual({ topic: 't', group: 'intake' });
    expect(await labelsOf('mnc_outbox_publish_seconds')).toEqual({});
    expect(await labelsOf('mnc_http_request_seconds')).toEqual({
      method: 'POST',
      route: '/applications',
      status: '202',
    });
    expect(await samples(registry, 'mnc_stage_latency_seconds')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          metricName: 'mnc_stage_latency_seconds_sum',
          labels: { stage: 'photo-screening' },
          value: 2.5,
        }),
      ]),
    );
  });

  it('uses buckets from 1 ms to 10 s for processing time', async () => {
    const registry = new Registry();
    createMetrics({ service: 'a', registry, defaultMetrics: false }).eventProcessingSeconds.observe(
      { topic: 't', group: 'g' },
      0.001,
    );
    const bounds = (await samples(registry, 'mnc_event_processing_seconds'))
      .map((s) => s.labels['le'])
      .filter((le) => le !== undefined && le !== '+Inf')
      .map(Number);
    expect(Math.min(...bounds)).toBe(0.001);
    expect(Math.max(...bounds)).toBe(10);
  });

  it('counts an event from the future (clock skew) as zero stage latency', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ service: 'a', registry, defaultMetrics: false });
    metrics.stageLatencySeconds.observeSince('intake', Date.now() + 60_000);
    const sum = (await samples(registry, 'mnc_stage_latency_seconds')).find((s) =>
      s.metricName?.endsWith('_sum'),
    );
    expect(sum?.value).toBe(0);
  });

  it('times HTTP requests by route pattern, never by raw path', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ service: 'a', registry, defaultMetrics: false });
    const finishing = () => {
      let finish = () => undefined as void;
      const response = {
        statusCode: 200,
        once: (_event: 'finish', listener: () => void) => (finish = listener),
      };
      return { response, finish: () => finish() };
    };
    const matched = finishing();
    const next = jest.fn();
    metrics.httpMiddleware(
      { method: 'GET', baseUrl: '/v1', route: { path: '/applications/:id' } },
      matched.response,
      next,
    );
    matched.response.statusCode = 404;
    matched.finish();
    const unmatched = finishing();
    metrics.httpMiddleware({ method: 'GET' }, unmatched.response, next);
    unmatched.finish();

    expect(next).toHaveBeenCalledTimes(2);
    const routes = (await samples(registry, 'mnc_http_request_seconds'))
      .filter((s) => s.metricName === 'mnc_http_request_seconds_count')
      .map((s) => s.labels);
    expect(routes).toEqual([
      { method: 'GET', route: '/v1/applications/:id', status: '404' },
      { method: 'GET', route: 'unmatched', status: '200' },
    ]);
  });
});
