import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { CARRIER } from './carrier';
import { DeliveryConsumer } from './delivery.consumer';
import {
  ConsignmentEntity,
  ShipmentEntity,
  SimulatedParcelEntity,
  TrackingEventEntity,
  WorkItemEntity,
} from './entities';
import { DeliveryInit1764288000000, DeliveryTracking1764460800000 } from './migrations';
import { SimulatedCarrier } from './simulated-carrier';
import { TrackingService } from './tracking.service';
import { TrackingWebhookController } from './tracking-webhook.controller';
import { WorkQueueController } from './work-queue.controller';

export * from './carrier';
export * from './webhook-signature';
export {
  SIMULATED_ADDRESS_UNKNOWN_MARK,
  SIMULATED_UNDELIVERABLE_POSTAL_CODE,
  SimulatedCarrier,
} from './simulated-carrier';
export { ShipmentEntity, WorkItemEntity, TrackingEventEntity } from './entities';

@Module({
  controllers: [TrackingWebhookController, WorkQueueController],
  providers: [
    DeliveryConsumer,
    TrackingService,
    TrackingWebhookController,
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
    entities: [ShipmentEntity, SimulatedParcelEntity, TrackingEventEntity, ConsignmentEntity, WorkItemEntity],
    migrations: [DeliveryInit1764288000000, DeliveryTracking1764460800000],
  },
  module: DeliveryModule,
  consumer: DeliveryConsumer,
  workers: [SimulatedCarrier],
});
