import { Injectable } from '@nestjs/common';
import type { EventHandlers } from '@mnc/messaging';
import type { StageConsumer } from '@mnc/stage-runtime';
import { CardSetupEntity } from './card-setup.entity';
import { planSetup } from './setup-rules';

@Injectable()
export class PreDeliveryConsumer implements StageConsumer {
  handlers(): EventHandlers {
    return {
      'card.encoded': async (event, { manager, emit }) => {
        const plan = planSetup(event.data);
        const inserted = await manager
          .createQueryBuilder()
          .insert()
          .into(CardSetupEntity)
          .values({
            cardId: plan.cardId,
            applicationId: plan.applicationId,
            deliverTo: plan.deliverTo,
            activation: plan.activation,
          })
          .orIgnore()
          .returning(['cardId'])
          .execute();
        // A second card.encoded for an application already set up has nothing to add.
        if (inserted.raw.length === 0) return;
        emit('card.ready-for-dispatch', plan);
      },
    };
  }
}
