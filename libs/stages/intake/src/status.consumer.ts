import { Injectable } from '@nestjs/common';
import type { EventEnvelope, EventType } from '@mnc/contracts';
import type { EventHandlers, HandlerContext } from '@mnc/messaging';
import type { StageConsumer } from '@mnc/stage-runtime';
import { recordApplicationEvent } from './application-log';
import { statusAfter, TRACKED_EVENT_TYPES } from './application-status';
import { ApplicationEntity } from './entities';

/** Follows every stage's output so the counter API can show each application's status and timeline. */
@Injectable()
export class ApplicationStatusConsumer implements StageConsumer {
  handlers(): EventHandlers {
    const follow = async (event: EventEnvelope, { manager }: HandlerContext) => {
      const application = await manager.findOne(ApplicationEntity, {
        where: { id: event.subject },
        lock: { mode: 'pessimistic_write' },
      });
      if (!application) return; // an application of another intake deployment
      // The card id is how a municipality later reports the card lost.
      const cardId = (event.data as { cardId?: unknown }).cardId;
      if (typeof cardId === 'string' && application.cardId === null) {
        await manager.update(ApplicationEntity, { id: application.id }, { cardId });
      }
      await recordApplicationEvent(
        manager,
        application,
        { eventId: event.id, eventType: event.type, source: event.source, occurredAt: new Date(event.time) },
        statusAfter(application.status, event.type),
      );
    };
    return Object.fromEntries(TRACKED_EVENT_TYPES.map((type: EventType) => [type, follow])) as EventHandlers;
  }
}
