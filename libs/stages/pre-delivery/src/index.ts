import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { CardSetupEntity } from './card-setup.entity';
import { PreDeliveryInit1764288000000 } from './migrations';
import { PreDeliveryConsumer } from './pre-delivery.consumer';

export { planSetup } from './setup-rules';
export { CardSetupEntity } from './card-setup.entity';

@Module({ providers: [PreDeliveryConsumer], exports: [PreDeliveryConsumer] })
export class PreDeliveryModule {}

export const preDeliveryStage = defineStage({
  name: 'pre-delivery',
  store: { schema: 'pre_delivery', entities: [CardSetupEntity], migrations: [PreDeliveryInit1764288000000] },
  module: PreDeliveryModule,
  consumer: PreDeliveryConsumer,
});
