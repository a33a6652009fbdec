import type { EntityManager } from 'typeorm';
import { createEvent, type EventEnvelope, type EventType, type PayloadOf } from '@mnc/contracts';
import { Outbox, type OutboxRelay } from '@mnc/messaging';
import { eventSource, type StageName } from './stage';

/**
 * For events that start outside a consumer (an HTTP request, a carrier callback): the event is written to
 * the stage's outbox in the caller's transaction; call `committed()` after the commit to wake the relay.
 */
export class StagePublisher {
  private readonly outbox: Outbox;
  constructor(
    readonly stage: StageName,
    schema: string,
    private readonly relay: OutboxRelay,
    private readonly currentTrace: () => { traceparent?: string; tracestate?: string },
  ) {
    this.outbox = new Outbox(schema);
  }

  /** `trace` continues a trace recorded earlier (a carrier report arrives long after the dispatch). */
  async emit<T extends EventType>(
    manager: EntityManager,
    type: T,
    data: PayloadOf<T>,
    trace?: { traceparent?: string; tracestate?: string },
  ): Promise<EventEnvelope<T>> {
    const event = createEvent(type, eventSource(this.stage), data, trace ?? this.currentTrace());
    await this.outbox.add(manager, [event]);
    return event;
  }

  committed(): void {
    this.relay.kick();
  }
}

/** Hands each stage module the publisher of its own outbox. */
export class StagePublishers {
  constructor(private readonly byStage: ReadonlyMap<StageName, StagePublisher>) {}
  forStage(stage: StageName): StagePublisher {
    const publisher = this.byStage.get(stage);
    if (!publisher) throw new Error(`stage ${stage} is not hosted by this process`);
    return publisher;
  }
}
