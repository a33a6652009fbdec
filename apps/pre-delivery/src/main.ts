import { runStageProcess } from '@mnc/stage-runtime';
import { preDeliveryStage } from '@mnc/stage-pre-delivery';

void runStageProcess('pre-delivery', [preDeliveryStage]);
