import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { uuidv7 } from 'uuidv7';
import { ContractViolationError } from './errors';
import { cloudEventType, EventCatalogue, EVENT_TYPES, type EventType, type PayloadOf } from './events';

/** A CloudEvents 1.0 event as the pipeline sees it. `subject` is always the application id. */
export interface EventEnvelope<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly source: string;
  readonly specversion: '1.0';
  readonly time: string;
  readonly subject: string;
  readonly data: PayloadOf<T>;
  /** W3C trace context, carried in the `traceparent`/`tracestate` headers. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** A record as it sits on a topic: Kafka binary content mode (attributes in `ce_*` headers, data as value). */
export interface WireRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (v) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !isNaN(Date.parse(v)),
  );
}

const validators = new Map<EventType, TypeCheck<TSchema>>(
  EVENT_TYPES.map((type) => [type, TypeCompiler.Compile(EventCatalogue[type].schema)]),
);
const typeByCloudEventType = new Map<string, EventType>(EVENT_TYPES.map((t) => [cloudEventType(t), t]));

export function dataSchemaUri(type: EventType): string {
  return `urn:mynumbercard:schema:${type}:v${EventCatalogue[type].version}`;
}

function assertPayload<T extends EventType>(type: T, data: unknown): asserts data is PayloadOf<T> {
  const check = validators.get(type);
  if (!check) throw new ContractViolationError('UNKNOWN_EVENT_TYPE', `no schema for event type ${type}`);
  if (!check.Check(data)) {
    const details = [...check.Errors(data)]
      .slice(0, 20)
      .map((e) => ({ path: e.path || '/', message: e.message }));
    throw new ContractViolationError(
      'SCHEMA_VIOLATION',
      `${type} payload violates its schema: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
}

/** Builds a new event with a time-ordered id. Validates the payload: a producer never emits a bad event. */
export function createEvent<T extends EventType>(
  type: T,
  source: string,
  data: PayloadOf<T>,
  trace?: { traceparent?: string; tracestate?: string },
): EventEnvelope<T> {
  assertPayload(type, data);
  const subject = (data as { applicationId: string }).applicationId;
  return {
    id: uuidv7(),
    type,
    source,
    specversion: '1.0',
    time: new Date().toISOString(),
    subject,
    data,
    ...(trace?.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace?.tracestate ? { tracestate: trace.tracestate } : {}),
  };
}

export function encodeEvent(event: EventEnvelope): WireRecord {
  assertPayload(event.type, event.data);
  const headers: Record<string, string> = {
    ce_id: event.id,
    ce_type: cloudEventType(event.type),
    ce_source: event.source,
    ce_specversion: event.specversion,
    ce_time: event.time,
    ce_subject: event.subject,
    ce_dataschema: dataSchemaUri(event.type),
    'content-type': 'application/json',
  };
  if (event.traceparent) headers['traceparent'] = event.traceparent;
  if (event.tracestate) headers['tracestate'] = event.tracestate;
  return {
    topic: EventCatalogue[event.type].topic,
    key: event.subject,
    value: Buffer.from(JSON.stringify(event.data)),
    headers,
  };
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = headers[name];
  if (value === undefined || value === '') {
    throw new ContractViolationError('MISSING_HEADER', `missing CloudEvents header ${name}`, [
      { path: `headers/${name}`, message: 'required' },
    ]);
  }
  return value;
}

/** Decodes and validates a record from a topic. Throws ContractViolationError (permanent) on any breach. */
export function decodeEvent(record: {
  topic: string;
  key?: string | null;
  value: Buffer | null;
  headers: Readonly<Record<string, string | undefined>>;
}): EventEnvelope {
  const specversion = header(record.headers, 'ce_specversion');
  if (specversion !== '1.0') {
    throw new ContractViolationError(
      'UNSUPPORTED_SPEC_VERSION',
      `CloudEvents specversion ${specversion} is not 1.0`,
    );
  }
  const ceType = header(record.headers, 'ce_type');
  const type = typeByCloudEventType.get(ceType);
  if (!type) throw new ContractViolationError('UNKNOWN_EVENT_TYPE', `unknown event type ${ceType}`);
  if (EventCatalogue[type].topic !== record.topic) {
    throw new ContractViolationError('TOPIC_MISMATCH', `${ceType} does not belong on topic ${record.topic}`);
  }
  let data: unknown;
  try {
    data = JSON.parse((record.value ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    throw new ContractViolationError('MALFORMED_JSON', `${ceType} value is not JSON`);
  }
  assertPayload(type, data);
  const subject = header(record.headers, 'ce_subject');
  const applicationId = (data as { applicationId: string }).applicationId;
  if (subject !== applicationId || (record.key != null && record.key !== subject)) {
    throw new ContractViolationError('SUBJECT_MISMATCH', 'ce_subject, key and applicationId differ');
  }
  const id = header(record.headers, 'ce_id');
  // Consumers deduplicate on the id: one that is not a UUID could never be recorded, so it is a broken contract.
  if (!UUID.test(id)) {
    throw new ContractViolationError('SCHEMA_VIOLATION', 'ce_id is not a UUID', [
      { path: 'headers/ce_id', message: 'must be a UUID' },
    ]);
  }
  return {
    id,
    type,
    source: header(record.headers, 'ce_source'),
    specversion: '1.0',
    time: header(record.headers, 'ce_time'),
    subject,
    data,
    ...(record.headers['traceparent'] ? { traceparent: record.headers['traceparent'] } : {}),
    ...(record.headers['tracestate'] ? { tracestate: record.headers['tracestate'] } : {}),
  };
}

export function isEventOfType<T extends EventType>(event: EventEnvelope, type: T): event is EventEnvelope<T> {
  return event.type === type;
}
