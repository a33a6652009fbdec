import { cloudEventType, EventCatalogue, EVENT_TYPES } from './events';
import { dataSchemaUri } from './envelope';
import { DEFAULT_PARTITIONS } from './topics';

const headersSchema = {
  type: 'object',
  required: ['ce_id', 'ce_type', 'ce_source', 'ce_specversion', 'ce_time', 'ce_subject', 'content-type'],
  properties: {
    ce_id: {
      type: 'string',
      description: 'Unique, time-ordered event id (UUIDv7); consumers deduplicate on it.',
    },
    ce_type: { type: 'string' },
    ce_source: { type: 'string', description: 'Producing service, e.g. /mnc/intake.' },
    ce_specversion: { type: 'string', const: '1.0' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_subject: { type: 'string', description: 'The application id; equals the Kafka key.' },
    ce_dataschema: { type: 'string' },
    'content-type': { type: 'string', const: 'application/json' },
    traceparent: { type: 'string', description: 'W3C trace context.' },
    tracestate: { type: 'string' },
  },
};

/** The AsyncAPI 3.0 document for every event in the catalogue, generated from the same schemas. */
export function buildAsyncApiDocument(version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const type of EVENT_TYPES) {
    const entry = EventCatalogue[type];
    const messageName = type.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
    messages[messageName] = {
      name: cloudEventType(type),
      title: type,
      summary: entry.summary,
      contentType: 'application/json',
      headers: {
        ...headersSchema,
        properties: {
          ...headersSchema.properties,
          ce_type: { type: 'string', const: cloudEventType(type) },
          ce_dataschema: { type: 'string', const: dataSchemaUri(type) },
        },
      },
      payload: JSON.parse(JSON.stringify(entry.schema)),
      bindings: {
        kafka: {
          key: { type: 'string', format: 'uuid', description: 'Application id' },
          bindingVersion: '0.5.0',
        },
      },
    };
    channels[messageName] = {
      address: entry.topic,
      messages: { [messageName]: { $ref: `#/components/messages/${messageName}` } },
      bindings: { kafka: { topic: entry.topic, partitions: DEFAULT_PARTITIONS, bindingVersion: '0.5.0' } },
    };
    operations[`publish${messageName[0].toUpperCase()}${messageName.slice(1)}`] = {
      action: 'send',
      summary: `Produced by ${entry.producer}.`,
      channel: { $ref: `#/channels/${messageName}` },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'My Number card issuance pipeline events',
      version,
      description:
        'CloudEvents 1.0 in Kafka binary content mode. Keys are application ids (per-application order). ' +
        'Payloads carry no personal data: it travels only encrypted, by content-addressed reference.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The single-node broker of infra/start.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
