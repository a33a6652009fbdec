import { runStageProcess } from '@mnc/stage-runtime';
import { deliveryStage } from '@mnc/stage-delivery';

void runStageProcess('delivery', [deliveryStage]);
