import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  service: string;
  /** OTLP/HTTP collector, e.g. http://otel-collector:4318 (`/v1/traces` is appended unless present). */
  otlpEndpoint?: string;
  /** Fraction of new traces sampled (0..1), default 1. Continued traces follow their parent's decision. */
  sampleRatio?: number;
  /** Extra processors, e.g. a SimpleSpanProcessor over an InMemorySpanExporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface TracingHandle {
  tracer: Tracer;
  /** Releases this handle; the provider is flushed and shut down when the last handle is released. */
  shutdown(): Promise<void>;
}

/** The propagators `initTracing` registers; the messaging helpers use them directly so they work without it. */
export const tracePropagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

let provider: NodeTracerProvider | undefined;
let openHandles = 0;

/**
 * Sets up tracing for the process. Idempotent: in the embedded mode every stage calls it, the first call's
 * options configure the provider and later calls share it (their `service` names only their tracer).
 */
export function initTracing(options: TracingOptions): TracingHandle {
  provider ??= registerProvider(options);
  openHandles += 1;
  let released = false;
  return {
    tracer: trace.getTracer(options.service),
    shutdown: async () => {
      if (released) return;
      released = true;
      openHandles -= 1;
      if (openHandles > 0 || !provider) return;
      const finished = provider;
      provider = undefined;
      try {
        await finished.shutdown();
      } finally {
        // Unregister the globals so a later initTracing (e.g. the next test) can register afresh.
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

function registerProvider(options: TracingOptions): NodeTracerProvider {
  const spanProcessors = [...(options.spanProcessors ?? [])];
  // Without an endpoint spans are still created, so ids exist for logs and propagation; they go nowhere.
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) })),
    );
  }
  const ratio = Math.min(1, Math.max(0, options.sampleRatio ?? 1));
  const created = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors,
  });
  // The default context manager is AsyncLocalStorage-based, so context follows awaits.
  created.register({ propagator: tracePropagator });
  return created;
}

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}
