import { Module } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import { defineStage, LOGGER, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import type { Logger } from 'pino';
import { ApplicationsController } from './applications.controller';
import { ApiClientGuard, ApiClientsStartupCheck } from './auth/api-client.guard';
import { RequestBodyErrors } from './body-errors';
import { CARD_FONT_COVERAGE, loadGlyphCoverage } from './card-font';
import { DocsController } from './docs.controller';
import {
  ApplicationEntity,
  AuditLogEntity,
  IdempotencyKeyEntity,
  TimelineEntryEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
} from './entities';
import { IntakeService } from './intake.service';
import { IntakeCounterApi1764460800000, IntakeInit1764288000000 } from './migrations';
import { ApplicationStatusConsumer } from './status.consumer';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

export * from './application-status';
export * from './submission';
export { apiKeyHash, type ApiClient } from './auth/api-client';
export { ApplicationEntity, AuditLogEntity, TimelineEntryEntity, WebhookDeliveryEntity } from './entities';
export { openApiDocument, API_ROUTES } from './openapi';
export { READ_PURPOSES } from './intake.service';
export { checkPhoto, MAX_PHOTO_PIXELS } from './photo';
export { loadCardFontCoverage } from './card-font';
export { SIGNATURE_HEADERS, signWebhook, verifyWebhook } from './webhooks/signature';

@Module({
  controllers: [ApplicationsController, WebhooksController, DocsController],
  providers: [
    IntakeService,
    ApplicationStatusConsumer,
    ApiClientGuard,
    ApiClientsStartupCheck,
    WebhooksService,
    WebhookDeliveryWorker,
    RequestBodyErrors,
    {
      provide: CARD_FONT_COVERAGE,
      inject: [PIPELINE_CONFIG, LOGGER],
      useFactory: (config: PipelineConfig, logger: Logger) => {
        const coverage = loadGlyphCoverage(config.cardFont);
        logger.info({ font: coverage.font, codePoints: coverage.size }, 'card print font loaded');
        return coverage;
      },
    },
  ],
  exports: [ApplicationStatusConsumer, IntakeService, WebhookDeliveryWorker],
})
export class IntakeModule {}

export const intakeStage = defineStage({
  name: 'intake',
  store: {
    schema: 'intake',
    entities: [
      ApplicationEntity,
      TimelineEntryEntity,
      IdempotencyKeyEntity,
      AuditLogEntity,
      WebhookEntity,
      WebhookDeliveryEntity,
    ],
    migrations: [IntakeInit1764288000000, IntakeCounterApi1764460800000],
  },
  module: IntakeModule,
  consumer: ApplicationStatusConsumer,
  workers: [WebhookDeliveryWorker],
});
