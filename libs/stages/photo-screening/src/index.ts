import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { PhotoScreeningInit1764288000000 } from './migrations';
import { PhotoScreeningConsumer } from './photo-screening.consumer';
import { ScreeningEntity } from './screening.entity';

export * from './screening-rules';
export { decodePhoto, UndecodablePhotoError, MAX_INPUT_PIXELS } from './photo-decoder';

@Module({ providers: [PhotoScreeningConsumer], exports: [PhotoScreeningConsumer] })
export class PhotoScreeningModule {}

export const photoScreeningStage = defineStage({
  name: 'photo-screening',
  store: {
    schema: 'photo_screening',
    entities: [ScreeningEntity],
    migrations: [PhotoScreeningInit1764288000000],
  },
  module: PhotoScreeningModule,
  consumer: PhotoScreeningConsumer,
});
