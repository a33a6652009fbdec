import type { PipelineConfig } from '@mnc/config';
import { startPipeline, type RunningPipeline, type StageDefinition } from '@mnc/stage-runtime';
import { dashboardStage } from '@mnc/dashboard-service';
import { pkiStage } from '@mnc/pki-service';
import { deliveryStage } from '@mnc/stage-delivery';
import { encodeLaneStage } from '@mnc/stage-encode-lane';
import { intakeStage } from '@mnc/stage-intake';
import { issuanceDataStage } from '@mnc/stage-issuance-data';
import { photoScreeningStage } from '@mnc/stage-photo-screening';
import { preDeliveryStage } from '@mnc/stage-pre-delivery';

/** Every stage of the pipeline, in pipeline order, with the CA and the operators' dashboard beside them. */
export const ALL_STAGES: readonly StageDefinition[] = [
  pkiStage,
  intakeStage,
  photoScreeningStage,
  issuanceDataStage,
  encodeLaneStage,
  preDeliveryStage,
  deliveryStage,
  dashboardStage,
];

/** The embedded mode: every stage in this one process (`npm start`, and the benchmark's embedded runs). */
export function startEmbeddedPipeline(config: PipelineConfig): Promise<RunningPipeline> {
  return startPipeline({ processName: 'embedded', config, stages: ALL_STAGES });
}
