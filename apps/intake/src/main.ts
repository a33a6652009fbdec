import { runStageProcess } from '@mnc/stage-runtime';
import { intakeStage } from '@mnc/stage-intake';

void runStageProcess('intake', [intakeStage]);
