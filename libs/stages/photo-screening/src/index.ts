import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { PhotoScreeningInit1764288000000, PhotoScreeningReview1764460800000 } from './migrations';
import { createPhotoScreener, PHOTO_SCREENER } from './photo-screener';
import { PhotoScreeningConsumer } from './photo-screening.consumer';
import { ReviewController } from './review.controller';
import { ReviewActionEntity, ReviewCaseEntity } from './review.entities';
import { ReviewService } from './review.service';
import { ScreeningEntity } from './screening.entity';

export { PhotoScreeningConsumer, CHIP_IMAGE_MEDIA_TYPE } from './photo-screening.consumer';
export { createPhotoScreener, PHOTO_SCREENER } from './photo-screener';
export { ReviewService } from './review.service';
export { REVIEWER_HEADER } from './review.controller';

@Module({
  providers: [
    { provide: PHOTO_SCREENER, useFactory: createPhotoScreener },
    PhotoScreeningConsumer,
    ReviewService,
  ],
  controllers: [ReviewController],
  exports: [PhotoScreeningConsumer, ReviewService],
})
export class PhotoScreeningModule {}

export const photoScreeningStage = defineStage({
  name: 'photo-screening',
  store: {
    schema: 'photo_screening',
    entities: [ScreeningEntity, ReviewCaseEntity, ReviewActionEntity],
    migrations: [PhotoScreeningInit1764288000000, PhotoScreeningReview1764460800000],
  },
  module: PhotoScreeningModule,
  consumer: PhotoScreeningConsumer,
});
