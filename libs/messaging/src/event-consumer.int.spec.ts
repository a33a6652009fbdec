import { ContractViolationError, decodeEvent, encodeEvent, type EventEnvelope } from '@mnc/contracts';
import { idempotentConsumer, outboxAndInboxDdl, type InboundRecord, type TwoPhaseHandler } from './index';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createTestSchema, deferred, sampleEvent, type TestSchema } from '@mnc/testing';

const DELIVERY = { groupId: 'photo-screening', attempt: 1 };
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function inbound(event: EventEnvelope): InboundRecord {
  return { ...encodeEvent(event), partition: 0, offset: '0' };
}

jest.setTimeout(30_000);

describe('idempotentConsumer on Postgres', () => {
  let db: TestSchema;
  const consumer = 'photo-screening';

  async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const [row] = (await db.dataSource.query(
      `SELECT count(*)::int AS n FROM "${db.schema}".${table} WHERE ${where}`,
      params,
    )) as {
      n: number;
    }[];
    return row.n;
  }

  beforeAll(async () => {
    db = await createTestSchema('consumer_it', (schema) => [
      ...outboxAndInboxDdl(schema),
      `CREATE TABLE "${schema}".screenings (application_id uuid NOT NULL, event_id uuid NOT NULL, result text NOT NULL)`,
    ]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  function transactional(options: { afterCommit?: () => void; failAfterEmit?: boolean } = {}) {
    return idempotentConsumer({
      consumer,
      schema: db.schema,
      source: '/mnc/photo-screening',
      dataSource: db.dataSource,
      afterCommit: options.afterCommit,
      handlers: {
        'application.submitted': async (event, { manager, emit }) => {
          await manager.query(`INSERT INTO "${db.schema}".screenings VALUES ($1, $2, 'accepted')`, [
            event.subject,
            event.id,
          ]);
          const { photo, ...routing } = event.data;
          emit('photo.accepted', {
            applicationId: routing.applicationId,
            route: routing.route,
            cardProfile: routing.cardProfile,
            municipalityCode: routing.municipalityCode,
            applicantRecord: routing.applicantRecord,
            photo,
            width: 413,
            height: 531,
            decision: 'automatic',
          });
          if (options.failAfterEmit) throw new Error('connection reset');
        },
      },
    });
  }

  it('given the same record twice, then it has one effect and the second delivery is a duplicate', async () => {
    const event = sampleEvent('application.submitted');
    const handle = transactional();

    const first = await handle(inbound(event), DELIVERY);
    const second = await handle(inbound(event), { ...DELIVERY, attempt: 1 });

    expect(first).toBe('processed');
    expect(second).toBe('duplicate');
    expect(await count('screenings', 'event_id = $1', [event.id])).toBe(1);
    expect(await count('inbox', 'event_id = $1', [event.id])).toBe(1);
    expect(await count('outbox', 'key = $1', [event.subject])).toBe(1);
  });

  it('given a handler that emits, then the event is in the outbox with the incoming trace and the relay is woken', async () => {
    const incoming = sampleEvent('application.submitted');
    const traced = { ...incoming, traceparent: TRACEPARENT };
    const afterCommit = jest.fn();

    await transactional({ afterCommit })(inbound(traced), DELIVERY);

    const [row] = (await db.dataSource.query(
      `SELECT topic, key, headers, payload FROM "${db.schema}".outbox WHERE key = $1`,
      [incoming.subject],
    )) as { topic: string; key: string; headers: Record<string, string>; payload: Buffer }[];
    const emitted = decodeEvent({ topic: row.topic, key: row.key, headers: row.headers, value: row.payload });
    expect(emitted.type).toBe('photo.accepted');
    expect(emitted.source).toBe('/mnc/photo-screening');
    expect(emitted.traceparent).toBe(TRACEPARENT);
    expect(emitted.id > incoming.id).toBe(true);
    expect(afterCommit).toHaveBeenCalledTimes(1);
  });

  it('given a handler that fails after emitting, then nothing is kept and a redelivery takes effect once', async () => {
    const event = sampleEvent('application.submitted');
    const afterCommit = jest.fn();

    await expect(
      transactional({ failAfterEmit: true, afterCommit })(inbound(event), DELIVERY),
    ).rejects.toThrow('connection reset');

    expect(await count('inbox', 'event_id = $1', [event.id])).toBe(0);
    expect(await count('screenings', 'event_id = $1', [event.id])).toBe(0);
    expect(await count('outbox', 'key = $1', [event.subject])).toBe(0);
    expect(afterCommit).not.toHaveBeenCalled();
    await expect(transactional()(inbound(event), { ...DELIVERY, attempt: 2 })).resolves.toBe('processed');
    expect(await count('screenings', 'event_id = $1', [event.id])).toBe(1);
  });

  it('given a record that breaks its contract, then it fails permanently before touching the database', async () => {
    const record = {
      ...inbound(sampleEvent('application.submitted')),
      value: Buffer.from('{"applicationId":"x"}'),
    };

    const error = await transactional()(record, DELIVERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).code).toBe('SCHEMA_VIOLATION');
    expect(await count('inbox', 'event_id = $1', [record.headers['ce_id']])).toBe(0);
  });

  it('given an event type it has no handler for, then it is acknowledged without an inbox row', async () => {
    const event = sampleEvent('application.cancelled');
    const record = { ...encodeEvent(event), partition: 0, offset: '0' };

    await expect(transactional()(record, DELIVERY)).resolves.toBe('processed');
    expect(await count('inbox', 'event_id = $1', [event.id])).toBe(0);
  });

  describe('two-phase handlers', () => {
    function twoPhase(handler: TwoPhaseHandler<'application.submitted', string>) {
      return idempotentConsumer({
        consumer: 'encode-lane',
        schema: db.schema,
        source: '/mnc/encode-lane',
        dataSource: db.dataSource,
        handlers: { 'application.submitted': handler },
      });
    }

    it('given an event already processed, when redelivered, then prepare is skipped and it is a duplicate', async () => {
      const event = sampleEvent('application.submitted');
      const prepare = jest.fn(async () => 'chip-0001');
      const apply = jest.fn(
        async (e: EventEnvelope<'application.submitted'>, { manager }, prepared: string) => {
          await manager.query(`INSERT INTO "${db.schema}".screenings VALUES ($1, $2, $3)`, [
            e.subject,
            e.id,
            prepared,
          ]);
        },
      ) as TwoPhaseHandler<'application.submitted', string>['apply'] & jest.Mock;
      const handle = twoPhase({ prepare, apply });

      const first = await handle(inbound(event), DELIVERY);
      const second = await handle(inbound(event), DELIVERY);

      expect([first, second]).toEqual(['processed', 'duplicate']);
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(apply).toHaveBeenCalledTimes(1);
      const rows = (await db.dataSource.query(
        `SELECT result FROM "${db.schema}".screenings WHERE event_id = $1`,
        [event.id],
      )) as {
        result: string;
      }[];
      expect(rows).toEqual([{ result: 'chip-0001' }]);
    });

    it('given two deliveries racing through prepare, then apply runs once and the loser is a duplicate', async () => {
      const event = sampleEvent('application.submitted');
      const bothPrepared = deferred();
      let prepared = 0;
      const apply = jest.fn(async () => undefined);
      const handle = twoPhase({
        prepare: async () => {
          if (++prepared === 2) bothPrepared.resolve();
          await bothPrepared.promise;
          return 'result';
        },
        apply,
      });

      const outcomes = await Promise.all([
        handle(inbound(event), DELIVERY),
        handle(inbound(event), DELIVERY),
      ]);

      expect([...outcomes].sort()).toEqual(['duplicate', 'processed']);
      expect(apply).toHaveBeenCalledTimes(1);
      expect(await count('inbox', 'consumer = $1 AND event_id = $2', ['encode-lane', event.id])).toBe(1);
    });

    it('given prepare fails, then nothing is claimed and a later delivery prepares again', async () => {
      const event = sampleEvent('application.submitted');
      let calls = 0;
      const handle = twoPhase({
        prepare: async () => {
          if (++calls === 1) throw new Error('encoder busy');
          return 'ok';
        },
        apply: async () => undefined,
      });

      await expect(handle(inbound(event), DELIVERY)).rejects.toThrow('encoder busy');
      await expect(handle(inbound(event), DELIVERY)).resolves.toBe('processed');

      expect(calls).toBe(2);
    });
  });
});
