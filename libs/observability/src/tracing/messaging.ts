import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { scrubMyNumbers } from '../logging/scrub';
import { tracePropagator } from './tracing';

// Messaging semantic conventions are still "incubating" in @opentelemetry/semantic-conventions (and its
// incubating entry point needs a newer module resolution), so the few names used are spelled out here.
const ATTR_MESSAGING_SYSTEM = 'messaging.system';
const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';

const TRACER_NAME = '@mnc/observability/messaging';

/** Kafka headers as kafkajs delivers them. */
export type MessageHeaders = Readonly<Record<string, string | Buffer | (string | Buffer)[] | undefined>>;

export interface MessagingAttributes {
  topic: string;
  key?: string | Buffer | null;
  /** The CloudEvents id (ce_id). */
  messageId?: string;
  partition?: number;
  offset?: string;
  /** Consumer group; consumer spans only. */
  group?: string;
}

/** Writes `traceparent` (and `tracestate`, `baggage` when present) for the active context into `headers`. */
export function injectTraceHeaders(
  headers: Record<string, string>,
  from: Context = context.active(),
): Record<string, string> {
  tracePropagator.inject(from, headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return headers;
}

export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

/** The active context's trace headers, for stamping on an event created now (empty outside a span). */
export function currentTraceHeaders(): TraceHeaders {
  return injectTraceHeaders({});
}

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    // Kafka header names are case-sensitive; tolerate producers that capitalise them.
    const found = key in carrier ? key : Object.keys(carrier).find((k) => k.toLowerCase() === key);
    const value = found === undefined ? undefined : carrier[found];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/**
 * The trace context carried by a message. Extraction starts from the root context: each message continues
 * its producer's trace, never whatever happened to be active in the consumer loop.
 */
export function extractTraceContext(headers: MessageHeaders | undefined): Context {
  return tracePropagator.extract(ROOT_CONTEXT, headers ?? {}, headerGetter);
}

/** Runs `fn` in a CONSUMER span continuing the trace found in the message headers. */
export function withConsumerSpan<T>(
  name: string,
  headers: MessageHeaders | undefined,
  attributes: MessagingAttributes,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  return runInSpan(name, SpanKind.CONSUMER, 'process', extractTraceContext(headers), attributes, fn);
}

/**
 * Runs `fn` in a PRODUCER span, a child of the active context, after writing that span's trace headers into
 * `headers` (the outgoing message's). An outbox relay first enters the context stored with the row:
 * `context.with(extractTraceContext(row.headers), () => withProducerSpan(...))`.
 */
export function withProducerSpan<T>(
  name: string,
  headers: Record<string, string>,
  attributes: MessagingAttributes,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  return runInSpan(name, SpanKind.PRODUCER, 'send', context.active(), attributes, (span) => {
    injectTraceHeaders(headers);
    return fn(span);
  });
}

async function runInSpan<T>(
  name: string,
  kind: SpanKind,
  operationType: string,
  parent: Context,
  attributes: MessagingAttributes,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  // Looked up per call: a tracer cached at load time would keep pointing at a provider that was shut down.
  const tracer = trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(
    name,
    { kind, attributes: messagingAttributes(operationType, attributes) },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error: unknown) {
    // Spans leave the process too, so error text gets the same my-number scrub as logs.
    const message = scrubMyNumbers(error instanceof Error ? error.message : String(error));
    span.recordException({
      name: error instanceof Error ? error.name : 'Error',
      message,
      stack: error instanceof Error && error.stack ? scrubMyNumbers(error.stack) : undefined,
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    throw error;
  } finally {
    span.end();
  }
}

function messagingAttributes(operationType: string, a: MessagingAttributes): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: 'kafka',
    [ATTR_MESSAGING_OPERATION_TYPE]: operationType,
    [ATTR_MESSAGING_DESTINATION_NAME]: a.topic,
  };
  if (a.key !== undefined && a.key !== null) {
    attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = scrubMyNumbers(a.key.toString());
  }
  if (a.messageId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = a.messageId;
  if (a.partition !== undefined) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(a.partition);
  if (a.offset !== undefined) attributes[ATTR_MESSAGING_KAFKA_OFFSET] = Number(a.offset);
  if (a.group !== undefined) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = a.group;
  return attributes;
}
