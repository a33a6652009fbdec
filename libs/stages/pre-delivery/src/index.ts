import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import {
  CERTIFICATE_AUTHORITY,
  resolveCertificateAuthority,
  type CertificateAuthority,
} from '@mnc/pki-client';
import { DATA_SOURCE, defineStage, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { CaCertificateStatus } from './ca-certificate-status';
import { CardSetupEntity } from './card-setup.entity';
import { CardExpiryWorker } from './card-expiry.worker';
import { CardLifecycleService } from './card-lifecycle.service';
import { CardsController } from './cards.controller';
import { CERTIFICATE_STATUS, CertificateStatusRelay } from './certificate-status.port';
import {
  CardEntity,
  CardTransitionEntity,
  CertificateRegisterEntity,
  IssuedCardEntity,
  ReplacementEntity,
  SlaClockEntity,
} from './entities';
import {
  PreDeliveryEarlyFound1764547200000,
  PreDeliveryInit1764288000000,
  PreDeliveryLifecycle1764460800000,
} from './migrations';
import { PreDeliveryConsumer } from './pre-delivery.consumer';
import { SetupService } from './setup.service';

export { planSetup, lettersFor } from './setup-rules';
export { CardSetupEntity, type LetterRecord } from './card-setup.entity';
export * from './certificate-status.port';
export { CaCertificateStatus, UnknownIssuedCardError } from './ca-certificate-status';
export * from './letters';
export { CardEntity, CardTransitionEntity, ReplacementEntity, SlaClockEntity } from './entities';

@Module({
  controllers: [CardsController],
  providers: [
    PreDeliveryConsumer,
    SetupService,
    CardLifecycleService,
    // Sends the register's changes (holds, releases, revocations) to the CA.
    CertificateStatusRelay,
    {
      provide: CERTIFICATE_STATUS,
      useFactory: (config: PipelineConfig, dataSource: DataSource, ca?: CertificateAuthority) =>
        new CaCertificateStatus(
          dataSource,
          resolveCertificateAuthority('pre-delivery', ca, config.serviceUrls.pki),
        ),
      inject: [PIPELINE_CONFIG, DATA_SOURCE, { token: CERTIFICATE_AUTHORITY, optional: true }],
    },
    CardExpiryWorker,
  ],
  exports: [PreDeliveryConsumer, CertificateStatusRelay, CardExpiryWorker],
})
export class PreDeliveryModule {}

export const preDeliveryStage = defineStage({
  name: 'pre-delivery',
  store: {
    schema: 'pre_delivery',
    entities: [
      CardSetupEntity,
      IssuedCardEntity,
      CardEntity,
      CardTransitionEntity,
      ReplacementEntity,
      SlaClockEntity,
      CertificateRegisterEntity,
    ],
    migrations: [
      PreDeliveryInit1764288000000,
      PreDeliveryLifecycle1764460800000,
      PreDeliveryEarlyFound1764547200000,
    ],
  },
  module: PreDeliveryModule,
  consumer: PreDeliveryConsumer,
  workers: [CertificateStatusRelay, CardExpiryWorker],
});
