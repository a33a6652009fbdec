import { randomBytes } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { loadEmbeddedConfig, type PipelineConfig } from '@mnc/config';
import { hashPassword } from '@mnc/dashboard-service';
import { percentile, submitApplications, submitToDeliveredMs, waitUntilSettled } from '@mnc/load-driver';
import { stopOnSignals } from '@mnc/stage-runtime';
import { startEmbeddedPipeline } from '@mnc/all-stages';

/**
 * `npm start`: every stage in this one process (in-memory bus, embedded Postgres, in-process virtual card
 * encoder), a batch of synthetic applications pushed through intake's HTTP API end to end, a summary, then
 * the API keeps serving until Ctrl-C. `--count N` sets the batch size; `--exit` stops after the summary.
 */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

/**
 * The dashboard in the same process talks to the stages' APIs on this process's own address, and without
 * configured accounts gets one administrator for this run, its password printed once.
 */
async function withDashboard(config: PipelineConfig): Promise<{ config: PipelineConfig; password?: string }> {
  const self = `http://127.0.0.1:${config.httpPort}/`;
  const serviceUrls =
    config.httpPort === 0
      ? config.serviceUrls
      : {
          intake: self,
          photoScreening: self,
          pki: self,
          delivery: self,
          ...config.serviceUrls,
          encodeLanes: config.serviceUrls.encodeLanes.length > 0 ? config.serviceUrls.encodeLanes : [self],
        };
  if (config.dashboard.users.length > 0 || config.dashboard.oidc)
    return { config: { ...config, serviceUrls } };
  const password = randomBytes(12).toString('base64url');
  const users = [
    { name: 'operator', role: 'administrator' as const, passwordHash: await hashPassword(password) },
  ];
  return { config: { ...config, serviceUrls, dashboard: { ...config.dashboard, users } }, password };
}

async function main(): Promise<void> {
  const count = flag('--count', 200);
  const { config, password } = await withDashboard({ ...loadEmbeddedConfig(), logLevel: 'warn' as const });
  const pipeline = await startEmbeddedPipeline(config);
  stopOnSignals(pipeline);
  console.log(`Pipeline running in one process at ${pipeline.url} (in-memory bus, embedded Postgres).`);
  if (password)
    console.log(`Operator dashboard: ${pipeline.url}/ (user operator, password ${password}, this run only)`);

  if (count > 0) {
    const started = Date.now();
    const bar = new SingleBar(
      {
        format: '{phase} |{bar}| {value}/{total} applications',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 1000,
      },
      Presets.shades_classic,
    );
    bar.start(count, 0, { phase: 'submitted' });
    const submitted = await submitApplications({
      baseUrl: pipeline.url,
      count,
      concurrency: 16,
      onSubmitted: (n) => bar.update(n),
    });
    bar.update(0, { phase: 'settled  ' });
    const settled = await waitUntilSettled({
      baseUrl: pipeline.url,
      ids: submitted.map((s) => s.id),
      timeoutMs: 10 * 60_000,
      onProgress: (n) => bar.update(n),
    });
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    const views = [...settled.values()];
    const delivered = views.filter((v) => v.status === 'delivered');
    const latencies = delivered.map((v) => submitToDeliveredMs(v)!).sort((a, b) => a - b);
    console.log(
      [
        '',
        `Submitted:      ${submitted.length}`,
        `Delivered:      ${delivered.length}`,
        `Photo rejected: ${views.length - delivered.length}`,
        `Time:           ${seconds.toFixed(1)} s`,
        `Throughput:     ${(views.length / seconds).toFixed(1)} applications/s`,
        `Submit → delivered: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms`,
        '',
      ].join('\n'),
    );
  }
  if (process.argv.includes('--exit')) {
    await pipeline.stop();
    return;
  }
  console.log(`Serving the intake API at ${pipeline.url}/v1/applications — press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
