import {
  buildAsyncApiDocument,
  cloudEventType,
  dataSchemaUri,
  deadLetterTopic,
  EventCatalogue,
  EVENT_TYPES,
  Topics,
} from './index';

interface Channel {
  address: string;
  messages: Record<string, { $ref: string }>;
}
interface Message {
  name: string;
  payload: {
    type: string;
    properties: Record<string, unknown>;
    required: string[];
    additionalProperties: boolean;
  };
  headers: { properties: Record<string, { const?: string }> };
}
interface Doc {
  asyncapi: string;
  info: { version: string };
  channels: Record<string, Channel>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, Message> };
}

const doc = buildAsyncApiDocument('9.9.9') as unknown as Doc;

function resolve<T>(ref: string): T | undefined {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/'))
    node = (node as Record<string, unknown> | undefined)?.[part];
  return node as T | undefined;
}

describe('AsyncAPI document', () => {
  it('given the catalogue, then it is AsyncAPI 3.0 with the requested version', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info.version).toBe('9.9.9');
  });

  it('given the topic table, then every topic has exactly one channel addressed to it', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);

    expect([...addresses].sort()).toEqual([...Object.values(Topics)].sort());
  });

  it.each(EVENT_TYPES)(
    'given %s, then its channel carries a message whose payload is the catalogue schema',
    (type) => {
      const channel = Object.values(doc.channels).find((c) => c.address === EventCatalogue[type].topic);
      const [messageRef] = Object.values(channel?.messages ?? {});

      const message = resolve<Message>(messageRef.$ref);

      if (!message) throw new Error(`no message behind ${messageRef.$ref}`);
      expect(message.name).toBe(cloudEventType(type));
      expect(message.payload).toEqual(JSON.parse(JSON.stringify(EventCatalogue[type].schema)));
      expect(message.payload.required).toContain('applicationId');
      expect(message.headers.properties['ce_type'].const).toBe(cloudEventType(type));
      expect(message.headers.properties['ce_dataschema'].const).toBe(dataSchemaUri(type));
    },
  );

  it('given the document, then every operation points at an existing channel', () => {
    const operations = Object.values(doc.operations);

    expect(operations).toHaveLength(EVENT_TYPES.length);
    for (const op of operations) {
      expect(op.action).toBe('send');
      expect(resolve<Channel>(op.channel.$ref)?.address).toBeDefined();
    }
  });

  it('given the document, then it is plain JSON (no TypeBox symbols or functions survive)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('topic table', () => {
  it('given every catalogue entry, then its topic is in the one topic table and versioned', () => {
    const table = new Set<string>(Object.values(Topics));

    for (const type of EVENT_TYPES) {
      expect(table.has(EventCatalogue[type].topic)).toBe(true);
      expect(EventCatalogue[type].topic).toMatch(/^mnc\.[a-z.-]+\.v\d+$/);
    }
  });

  it('given a consumer group, then its dead-letter topic is derived from it', () => {
    expect(deadLetterTopic('photo-screening')).toBe('mnc.dlt.photo-screening.v1');
  });
});
