import { Injectable } from '@nestjs/common';
import type { EventHandlers } from '@mnc/messaging';
import { type StageConsumer } from '@mnc/stage-runtime';
import { dispatchAfterCommit } from './lane-dispatcher';
import { LaneJobEntity } from './lane-job.entity';

/**
 * Thin: records the application's first card attempt as a lane job in the inbox transaction; the dispatcher
 * enqueues it once committed. The card itself is made by a lane (LaneService), not on the Kafka partition.
 */
@Injectable()
export class EncodeLaneConsumer implements StageConsumer {
  handlers(): EventHandlers {
    return {
      'issuance-data.generated': async (event, { manager }) => {
        const { applicationId } = event.data;
        const known = await manager.findOneBy(LaneJobEntity, { applicationId });
        if (known) return; // a second event for the same application never starts a second card
        await manager
          .createQueryBuilder()
          .insert()
          .into(LaneJobEntity)
          .values({
            applicationId,
            attempt: 1,
            priority: event.data.route === 'express' ? 'express' : 'normal',
            order: {
              route: event.data.route,
              cardProfile: event.data.cardProfile,
              municipalityCode: event.data.municipalityCode,
              applicantRecord: event.data.applicantRecord,
              cardId: event.data.cardId,
              cardNumber: event.data.cardNumber,
              bundle: event.data.bundle,
            },
            status: 'pending',
            traceparent: event.traceparent ?? null,
            createdAt: new Date(),
            dispatchedAt: null,
          })
          .orIgnore()
          .execute();
        dispatchAfterCommit(manager);
      },
    };
  }
}
