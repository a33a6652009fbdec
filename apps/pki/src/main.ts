import { runStageProcess } from '@mnc/stage-runtime';
import { pkiStage } from '@mnc/pki-service';

void runStageProcess('pki', [pkiStage]);
