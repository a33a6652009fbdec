import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { CardEntity } from './card.entity';
import { IssuanceDataConsumer } from './issuance-data.consumer';
import { IssuanceDataInit1764288000000 } from './migrations';

export { buildBundle } from './personalisation';
export { CardEntity } from './card.entity';

@Module({ providers: [IssuanceDataConsumer], exports: [IssuanceDataConsumer] })
export class IssuanceDataModule {}

export const issuanceDataStage = defineStage({
  name: 'issuance-data',
  store: { schema: 'issuance_data', entities: [CardEntity], migrations: [IssuanceDataInit1764288000000] },
  module: IssuanceDataModule,
  consumer: IssuanceDataConsumer,
});
