import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { createLogger } from '../logging/logger';
import { captureLines } from '../logging/test-destination';
import { messagingInstrumentation } from '../messaging-instrumentation';
import { createMetrics } from '../metrics/metrics';
import {
  currentTraceHeaders,
  extractTraceContext,
  injectTraceHeaders,
  withConsumerSpan,
  withProducerSpan,
} from './messaging';
import { initTracing, type TracingHandle } from './tracing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;
const INCOMING = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('without initTracing', () => {
  it('still runs the function and relays an incoming trace id', async () => {
    const result = await withConsumerSpan('process t', { traceparent: INCOMING }, { topic: 't' }, (span) => {
      expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      return 42;
    });
    expect(result).toBe(42);
  });

  it('propagates failures and injects nothing when there is no span', async () => {
    const headers: Record<string, string> = {};
    await expect(
      withProducerSpan('send t', headers, { topic: 't' }, () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect(headers).toEqual({});
    expect(currentTraceHeaders()).toEqual({});
  });
});

describe('with initTracing', () => {
  // Fresh per test: shutting tracing down also shuts the exporter, which then drops spans.
  let exporter: InMemorySpanExporter;
  let tracing: TracingHandle;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = initTracing({ service: 'intake', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  afterEach(async () => {
    await tracing.shutdown();
  });

  it('continues the producer trace in the consumer across Kafka headers', async () => {
    const headers: Record<string, string> = { ce_id: 'e-1' };
    await withProducerSpan(
      'send applications',
      headers,
      { topic: 'applications', key: 'app-1', messageId: 'e-1' },
      () => Promise.resolve(),
    );
    // On the wire kafkajs hands headers back as Buffers.
    const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    await withConsumerSpan(
      'process applications',
      received,
      {
        topic: 'applications',
        key: Buffer.from('app-1'),
        messageId: 'e-1',
        partition: 2,
        offset: '41',
        group: 'photo-screening',
      },
      () => Promise.resolve(),
    );

    const [producer, consumer] = exporter.getFinishedSpans();
    expect(headers['traceparent']).toMatch(TRACEPARENT);
    expect(headers['traceparent']).toContain(producer.spanContext().spanId);
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'applications',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.message.key': 'app-1',
      'messaging.kafka.offset': 41,
      'messaging.message.id': 'e-1',
      'messaging.consumer.group.name': 'photo-screening',
    });
    expect(producer.attributes).toMatchObject({
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'applications',
    });
    expect(producer.resource.attributes['service.name']).toBe('intake');
  });

  it('makes the producer span a child of the active span and carries tracestate', async () => {
    const parent = extractTraceContext({ traceparent: INCOMING, tracestate: 'vendor=1' });
    const headers: Record<string, string> = {};
    await context.with(parent, () => withProducerSpan('send t', headers, { topic: 't' }, () => undefined));
    const [producer] = exporter.getFinishedSpans();
    expect(producer.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(producer.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(headers['tracestate']).toBe('vendor=1');
  });

  it('starts a new trace for a message without trace headers, ignoring the active span', async () => {
    await tracing.tracer.startActiveSpan('poll loop', async (loop) => {
      await withConsumerSpan('process t', {}, { topic: 't' }, () => undefined);
      loop.end();
    });
    const [consumer, loop] = exporter.getFinishedSpans();
    expect(consumer.parentSpanContext).toBeUndefined();
    expect(consumer.spanContext().traceId).not.toBe(loop.spanContext().traceId);
  });

  it('records a failure with a scrubbed message, sets error status and rethrows', async () => {
    const failure = new Error('check digit wrong in 123456789012');
    await expect(
      withConsumerSpan('process t', { traceparent: INCOMING }, { topic: 't' }, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'check digit wrong in [redacted-12-digits]',
    });
    expect(span.events[0].name).toBe('exception');
    expect(JSON.stringify(span.events)).not.toContain('123456789012');
  });

  it('makes the span active inside the function, so headers injected there belong to it', async () => {
    await withConsumerSpan('process t', { traceparent: INCOMING }, { topic: 't' }, async (span) => {
      await Promise.resolve();
      expect(injectTraceHeaders({})['traceparent']).toBe(
        `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      );
      expect(currentTraceHeaders().traceparent).toContain(span.spanContext().spanId);
    });
  });

  it('is idempotent and shuts the provider down only when the last handle is released', async () => {
    const second = initTracing({ service: 'delivery', otlpEndpoint: 'http://127.0.0.1:1' });
    await second.shutdown();
    await second.shutdown();
    await withConsumerSpan('process t', {}, { topic: 't' }, () => undefined);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(exporter.getFinishedSpans()[0].resource.attributes['service.name']).toBe('intake');
  });

  it('wires the bus instrumentation: consumer span, application id in logs, metrics', async () => {
    const { destination, lines } = captureLines();
    const logger = createLogger({ service: 'photo-screening', level: 'info', destination });
    const registry = new Registry();
    const metrics = createMetrics({ service: 'photo-screening', registry, defaultMetrics: false });
    const instrumentation = messagingInstrumentation(metrics);
    const applicationId = '01890a5d-ac96-774b-bcce-123456789012';
    const record = {
      topic: 'applications',
      key: applicationId,
      partition: 0,
      offset: '7',
      headers: {
        traceparent: INCOMING,
        ce_id: 'e-7',
        ce_subject: applicationId,
        ce_time: new Date(Date.now() - 1500).toISOString(),
      },
    };

    await instrumentation.aroundHandle(record, 'photo-screening', async () => logger.info('screening photo'));
    instrumentation.recordOutcome(record, 'photo-screening', 'processed', 0.01);
    instrumentation.recordProduced('photos', 2);
    instrumentation.recordLag('photo-screening', 'applications', 0, 3);

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('process applications');
    expect(lines[0]).toMatchObject({
      applicationId,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: span.spanContext().spanId,
    });
    const text = await registry.metrics();
    expect(text).toContain(
      'mnc_events_consumed_total{topic="applications",group="photo-screening",outcome="processed"} 1',
    );
    expect(text).toContain('mnc_events_produced_total{topic="photos"} 2');
    expect(text).toContain('mnc_consumer_lag{topic="applications",partition="0",group="photo-screening"} 3');
    expect(text).toMatch(/mnc_stage_latency_seconds_sum{stage="photo-screening"} 1\.[5-9]/);
  });

  it('still creates and propagates trace ids for traces it does not sample', async () => {
    await tracing.shutdown();
    exporter = new InMemorySpanExporter();
    tracing = initTracing({
      service: 'intake',
      sampleRatio: 0,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const headers: Record<string, string> = {};
    await withProducerSpan('send t', headers, { topic: 't' }, () => undefined);
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

afterAll(() => {
  expect(trace.getActiveSpan()).toBeUndefined();
});
