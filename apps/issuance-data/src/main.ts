import { runStageProcess } from '@mnc/stage-runtime';
import { issuanceDataStage } from '@mnc/stage-issuance-data';

void runStageProcess('issuance-data', [issuanceDataStage]);
