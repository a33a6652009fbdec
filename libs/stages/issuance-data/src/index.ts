import { Module } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import type { ApDataSigner } from '@mnc/domain-issuance';
import {
  CERTIFICATE_AUTHORITY,
  resolveCertificateAuthority,
  type CertificateAuthority,
} from '@mnc/pki-client';
import { defineStage, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { CaApDataSigner } from './ca-ap-data-signer';
import { CardDraftEntity } from './card-draft.entity';
import { CardDrafts } from './card-drafts.service';
import { CardEntity } from './card.entity';
import { IssuanceDataConsumer } from './issuance-data.consumer';
import { IssuanceDataCardDrafts1764370000000, IssuanceDataInit1764288000000 } from './migrations';
import { AP_DATA_SIGNER } from './tokens';

export { generateBundle } from './personalisation';
export { CardEntity } from './card.entity';
export { CardDraftEntity } from './card-draft.entity';
export { CardDrafts, type CardDraft } from './card-drafts.service';
export { renderChipImages, chipFaceImage, FACE_IMAGE, ChipImageError } from './chip-images';
export { IssuanceDataConsumer } from './issuance-data.consumer';
export { AP_DATA_SIGNER } from './tokens';
export { CaApDataSigner } from './ca-ap-data-signer';

/** AP data signatures come from the CA (in-process or at PKI_URL); without one the stage does not start. */
const apDataSigner = {
  provide: AP_DATA_SIGNER,
  inject: [PIPELINE_CONFIG, { token: CERTIFICATE_AUTHORITY, optional: true }],
  useFactory: (config: PipelineConfig, ca?: CertificateAuthority): ApDataSigner =>
    new CaApDataSigner(resolveCertificateAuthority('issuance-data', ca, config.serviceUrls.pki)),
};

@Module({ providers: [IssuanceDataConsumer, CardDrafts, apDataSigner], exports: [IssuanceDataConsumer] })
export class IssuanceDataModule {}

export const issuanceDataStage = defineStage({
  name: 'issuance-data',
  store: {
    schema: 'issuance_data',
    entities: [CardEntity, CardDraftEntity],
    migrations: [IssuanceDataInit1764288000000, IssuanceDataCardDrafts1764370000000],
  },
  module: IssuanceDataModule,
  consumer: IssuanceDataConsumer,
});
