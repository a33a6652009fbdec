export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './logging/logger';
export { withLogContext, getLogContext, type LogContext } from './logging/log-context';
export {
  scrubMyNumbers,
  scrubLogFields,
  isSensitiveKey,
  SENSITIVE_KEYS,
  REDACTED,
  MY_NUMBER_MASK,
} from './logging/scrub';
export { PinoNestLogger } from './logging/nest-logger';
export { kafkaLogCreator } from './logging/kafka-log-creator';
export {
  createMetrics,
  getProcessRegistry,
  type PipelineMetrics,
  type MetricsOptions,
  type ConsumeOutcome,
  type CounterOf,
  type GaugeOf,
  type HistogramOf,
  type TopicGroup,
  type HttpRequestLabels,
  type HttpRequestLike,
  type HttpResponseLike,
} from './metrics/metrics';
export { initTracing, tracePropagator, type TracingOptions, type TracingHandle } from './tracing/tracing';
export { getActiveTraceIds, type TraceIds } from './tracing/active-trace';
export {
  injectTraceHeaders,
  currentTraceHeaders,
  extractTraceContext,
  withConsumerSpan,
  withProducerSpan,
  type MessageHeaders,
  type MessagingAttributes,
  type TraceHeaders,
} from './tracing/messaging';
export {
  messagingInstrumentation,
  type MessagingInstrumentation,
  type ConsumedRecord,
} from './messaging-instrumentation';
export {
  HealthRegistry,
  type HealthCheck,
  type HealthCheckResult,
  type HealthCheckReport,
  type HealthKind,
  type HealthReport,
  type HealthRegistryOptions,
  type HealthStatus,
} from './health/health-registry';
export { serverSpanMiddleware } from './http/server-span';
