import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, type EventType } from '@mnc/contracts';
import type { EventHandlers, TransactionalHandler } from '@mnc/messaging';
import type { StageConsumer } from '@mnc/stage-runtime';
import { DashboardContext, LiveFeed } from './dashboard.context';
import type { SlaPolicy } from './read-model/projection';
import { projectEvent } from './read-model/read-model';

/** Every event of the catalogue folds into the read model, exactly once per event id (the runtime's inbox). */
@Injectable()
export class ProjectionConsumer implements StageConsumer {
  constructor(
    private readonly context: DashboardContext,
    private readonly live: LiveFeed,
  ) {}

  handlers(): EventHandlers {
    return projectionHandlers(this.context.sla, (id) => this.live.changed(id));
  }
}

/** One handler for every event type of the catalogue: fold it into the read model. */
export function projectionHandlers(
  sla: SlaPolicy,
  changed: (applicationId: string) => void = () => undefined,
): EventHandlers {
  const handle: TransactionalHandler<EventType> = async (event, { manager }) => {
    await projectEvent(manager, event, sla);
    changed(event.subject);
  };
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, handle])) as EventHandlers;
}
