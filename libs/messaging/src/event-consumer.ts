import type { DataSource, EntityManager } from 'typeorm';
import {
  createEvent,
  decodeEvent,
  EventCatalogue,
  type EventEnvelope,
  type EventType,
  type PayloadOf,
} from '@mnc/contracts';
import { claimInbox, inboxHas, Outbox } from './outbox';
import type { RecordHandler } from './port';

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** What a handler gets: the transaction's manager and a way to emit events that commit with it. */
export interface HandlerContext {
  readonly manager: EntityManager;
  emit<T extends EventType>(type: T, data: PayloadOf<T>): EventEnvelope<T>;
}

export type TransactionalHandler<T extends EventType> = (
  event: EventEnvelope<T>,
  context: HandlerContext,
) => Promise<void>;

/**
 * For slow or external work (decoding an image, driving a card encoder, calling a carrier): `prepare` runs
 * outside any transaction and must be safe to repeat; `apply` records its result in the transaction that
 * claims the event. A redelivery of an already applied event skips both.
 */
export interface TwoPhaseHandler<T extends EventType, Prepared> {
  prepare(event: EventEnvelope<T>): Promise<Prepared>;
  apply(event: EventEnvelope<T>, context: HandlerContext, prepared: Prepared): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventHandler<T extends EventType> = TransactionalHandler<T> | TwoPhaseHandler<T, any>;
export type EventHandlers = { readonly [T in EventType]?: EventHandler<T> };

export class HandlerRegistrationError extends Error {
  override readonly name = 'HandlerRegistrationError';
}

export interface IdempotentConsumerOptions {
  /** Consumer group name; also the inbox's consumer column. */
  readonly consumer: string;
  /** Database schema of the owning service (its outbox and inbox). */
  readonly schema: string;
  /** CloudEvents source of emitted events, e.g. /mnc/photo-screening. */
  readonly source: string;
  readonly dataSource: DataSource;
  readonly handlers: EventHandlers;
  /** Called after a commit that wrote outbox rows, to wake the relay. */
  readonly afterCommit?: () => void;
  /** The active trace context, so emitted events continue the incoming event's trace. */
  readonly currentTrace?: () => TraceCarrier;
}

/** The topics a handler table listens to; fails at startup on a handler for an unknown event type. */
export function topicsFor(handlers: EventHandlers): string[] {
  return Object.keys(handlers).map((type) => {
    const entry = EventCatalogue[type as EventType];
    if (!entry) throw new HandlerRegistrationError(`handler for unknown event type ${type}`);
    return entry.topic;
  });
}

/**
 * A thin idempotent consumer: decode and validate (a broken contract is permanent and goes to the dead
 * letters), then in one transaction claim the event id in the inbox, run the stage's handler and write the
 * events it emits to the outbox. A redelivered event finds its id claimed and has no second effect.
 */
export function idempotentConsumer(options: IdempotentConsumerOptions): RecordHandler {
  const outbox = new Outbox(options.schema);
  topicsFor(options.handlers);
  return async (record) => {
    const event = decodeEvent(record);
    const handler = options.handlers[event.type] as EventHandler<EventType> | undefined;
    if (!handler) return 'processed'; // another event type shares no topic with ours; nothing to do
    let prepared: unknown;
    if (typeof handler !== 'function') {
      if (await inboxHas(options.dataSource.manager, options.schema, options.consumer, event.id))
        return 'duplicate';
      prepared = await handler.prepare(event);
    }
    let emitted = 0;
    const outcome = await options.dataSource.transaction(async (manager) => {
      if (!(await claimInbox(manager, options.schema, options.consumer, event.id)))
        return 'duplicate' as const;
      const pending: EventEnvelope[] = [];
      const context: HandlerContext = {
        manager,
        emit: (type, data) => {
          // Continue the active span's trace; without one, at least the incoming event's.
          const active = options.currentTrace?.();
          const next = createEvent(type, options.source, data, active?.traceparent ? active : event);
          pending.push(next);
          return next;
        },
      };
      if (typeof handler === 'function') await handler(event, context);
      else await handler.apply(event, context, prepared);
      await outbox.add(manager, pending);
      emitted = pending.length;
      return 'processed' as const;
    });
    if (emitted > 0) options.afterCommit?.();
    return outcome;
  };
}
