import { runStageProcess } from '@mnc/stage-runtime';
import { encodeLaneStage } from '@mnc/stage-encode-lane';

void runStageProcess('encode-lane', [encodeLaneStage]);
