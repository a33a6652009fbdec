import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { CARRIER } from './carrier';
import { DeliveryConsumer } from './delivery.consumer';
import { ShipmentEntity, SimulatedParcelEntity } from './entities';
import { DeliveryInit1764288000000 } from './migrations';
import { SimulatedCarrier } from './simulated-carrier';
import { TrackingService } from './tracking.service';

export * from './carrier';
export { ShipmentEntity } from './entities';

@Module({
  providers: [
    DeliveryConsumer,
    TrackingService,
    SimulatedCarrier,
    { provide: CARRIER, useExisting: SimulatedCarrier },
  ],
  exports: [DeliveryConsumer, SimulatedCarrier],
})
export class DeliveryModule {}

export const deliveryStage = defineStage({
  name: 'delivery',
  store: {
    schema: 'delivery',
    entities: [ShipmentEntity, SimulatedParcelEntity],
    migrations: [DeliveryInit1764288000000],
  },
  module: DeliveryModule,
  consumer: DeliveryConsumer,
  workers: [SimulatedCarrier],
});
