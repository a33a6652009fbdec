import type { DataSource } from 'typeorm';
import { EventCatalogue } from '@mnc/contracts';
import { HandlerRegistrationError, idempotentConsumer, topicsFor, type EventHandlers } from './index';

// A DataSource that fails the test if touched: these behaviours must hold before any database work.
const untouchable = new Proxy({} as DataSource, {
  get: (_target, property) => {
    throw new Error(`the database was used (${String(property)})`);
  },
});

describe('idempotentConsumer registration', () => {
  it('given handlers for two event types, then it listens to exactly their topics', () => {
    const handlers: EventHandlers = {
      'photo.accepted': async () => undefined,
      'photo.rejected': async () => undefined,
    };

    expect(topicsFor(handlers)).toEqual([
      EventCatalogue['photo.accepted'].topic,
      EventCatalogue['photo.rejected'].topic,
    ]);
  });

  it('given a handler for an event type outside the catalogue, then startup fails', () => {
    const handlers = { 'card.exploded': async () => undefined } as unknown as EventHandlers;

    expect(() => topicsFor(handlers)).toThrow(HandlerRegistrationError);
    expect(() =>
      idempotentConsumer({ consumer: 'c', schema: 's', source: '/mnc/x', dataSource: untouchable, handlers }),
    ).toThrow(HandlerRegistrationError);
  });

  it('given raw bytes without CloudEvents headers, then the handler rejects permanently without touching the database', async () => {
    const handle = idempotentConsumer({
      consumer: 'c',
      schema: 's',
      source: '/mnc/x',
      dataSource: untouchable,
      handlers: { 'photo.accepted': async () => undefined },
    });
    const record = {
      topic: EventCatalogue['photo.accepted'].topic,
      partition: 0,
      offset: '7',
      key: 'k',
      value: Buffer.from('x'),
      headers: {},
    };

    await expect(handle(record, { groupId: 'c', attempt: 1 })).rejects.toMatchObject({
      code: 'MISSING_HEADER',
      permanent: true,
    });
  });
});
