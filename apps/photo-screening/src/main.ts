import { runStageProcess } from '@mnc/stage-runtime';
import { photoScreeningStage } from '@mnc/stage-photo-screening';

void runStageProcess('photo-screening', [photoScreeningStage]);
