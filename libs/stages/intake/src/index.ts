import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { ApplicationsController } from './applications.controller';
import { ApplicationEntity, IdempotencyKeyEntity, TimelineEntryEntity } from './entities';
import { IntakeService } from './intake.service';
import { IntakeInit1764288000000 } from './migrations';
import { ApplicationStatusConsumer } from './status.consumer';

export * from './application-status';
export * from './submission';
export { ApplicationEntity, TimelineEntryEntity } from './entities';

@Module({
  controllers: [ApplicationsController],
  providers: [IntakeService, ApplicationStatusConsumer],
  exports: [ApplicationStatusConsumer, IntakeService],
})
export class IntakeModule {}

export const intakeStage = defineStage({
  name: 'intake',
  store: {
    schema: 'intake',
    entities: [ApplicationEntity, TimelineEntryEntity, IdempotencyKeyEntity],
    migrations: [IntakeInit1764288000000],
  },
  module: IntakeModule,
  consumer: ApplicationStatusConsumer,
});
