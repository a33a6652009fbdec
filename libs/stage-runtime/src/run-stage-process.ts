import { loadConfig } from '@mnc/config';
import { startPipeline, stopOnSignals, type RunningPipeline } from './run-pipeline';
import type { StageDefinition } from './stage';

/** The whole of a stage app's main: configuration, the pipeline runtime, graceful stop on signals. */
export function runStageProcess(
  processName: string,
  stages: readonly StageDefinition[],
): Promise<RunningPipeline> {
  return startPipeline({ processName, stages, config: loadConfig() }).then(
    (pipeline) => {
      stopOnSignals(pipeline);
      return pipeline;
    },
    (error: unknown) => {
      // The logger may not exist yet; one JSON line on stderr, without stack details that could carry data.
      process.stderr.write(
        JSON.stringify({
          level: 'fatal',
          service: processName,
          msg: 'startup failed',
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }) + '\n',
      );
      process.exit(1);
    },
  );
}
