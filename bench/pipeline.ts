import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEmbeddedConfig } from '@mnc/config';
import {
  hopDurationsMs,
  percentile,
  PIPELINE_HOPS,
  submitApplications,
  submitAtRate,
  submitToDeliveredMs,
  submitToReadyForDispatchMs,
  waitUntilSettled,
  type ApplicationView,
  type SubmittedApplication,
} from '@mnc/load-driver';
import { startEmbeddedPipeline } from '@mnc/all-stages';
import { Stack } from '@mnc/testing';
import type { BenchSection } from './section';

/**
 * End to end, three ways side by side: the embedded one-process pipeline and the full stack (six stage
 * processes and the CA on Kafka and Postgres, lanes on BullMQ writing cards through pcscd, simulated device
 * times zero) at saturation (a closed loop of 16 clients), and the full stack at a fixed offered load (an
 * open loop: arrivals at the set rate whatever the pipeline does). Each repeated and summarised by medians.
 * Fails if any application is not delivered; never asserts on timing.
 */
export type Mode = 'embedded' | 'full-stack' | 'full-stack-offered';
type Percentiles = { p50: number; p95: number; p99: number };
interface Run {
  mode: Mode;
  run: number;
  count: number;
  delivered: number;
  /** Submissions per second actually sent (open loop only). */
  offeredRate?: number;
  wallSeconds: number;
  throughput: number;
  latencyMs: Percentiles;
  readyForDispatchMs: Percentiles;
  hopMs: Record<string, Percentiles>;
  cpuMsPerApplication: number;
  cpuMsByProcess: Record<string, number>;
  loadAverage: number[];
}

const CONCURRENCY = 16;
let COUNT = 200;
let OFFERED_PER_SECOND = 50;

/** Node processes from /proc: parent, script and CPU ms so far (utime + stime). */
const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100);
function processes(): { pid: number; ppid: number; app?: string; cpuMs: number }[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
      const app = /dist\/apps\/([^/]+)\//.exec(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1];
      return [
        { pid: Number(entry), ppid: Number(f[1]), app, cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS },
      ];
    } catch {
      return []; // exited while we looked
    }
  });
}
const children = () => processes().filter((p) => p.ppid === process.pid);

const percentiles = (values: readonly number[]): Percentiles => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};

/** Submits the batch (closed or open loop), waits until it settles, and measures. */
async function drive(
  mode: Mode,
  run: number,
  baseUrl: string,
  cpu: () => Record<string, number>,
  apiKey?: string,
): Promise<Run> {
  let cpuBefore: Record<string, number> | undefined;
  let submitted: SubmittedApplication[];
  let offeredRate: number | undefined;
  if (mode === 'full-stack-offered') {
    // Only the stack's processes are sampled; the request bodies are rendered here, so they never count.
    cpuBefore = cpu();
    ({ submitted, offeredRate } = await submitAtRate({
      baseUrl,
      apiKey,
      count: COUNT,
      perSecond: OFFERED_PER_SECOND,
      firstSeed: 500_001,
    }));
  } else {
    submitted = await submitApplications({
      baseUrl,
      apiKey,
      count: COUNT,
      concurrency: CONCURRENCY,
      // Synthetic photos are rendered before the first submission; sampling here keeps them out of the CPU.
      onSubmitted: (n) => void (n === 1 && (cpuBefore = cpu())),
    });
  }
  const settled = await waitUntilSettled({
    baseUrl,
    apiKey,
    ids: submitted.map((s) => s.id),
    timeoutMs: 5 * 60_000 + COUNT * 2_000,
    // Polls cost the pipeline CPU (intake answers them); timings come from timelines, so poll slowly.
    pollIntervalMs: 1_000,
  });
  const cpuAfter = cpu();
  const views: ApplicationView[] = [...settled.values()];
  const delivered = views.filter((v) => v.status === 'delivered');
  // Wall time from the pipeline's own timestamps (first submission to last timeline entry), not from polling.
  const first = Math.min(...views.map((v) => Date.parse(v.submittedAt)));
  const last = Math.max(...views.flatMap((v) => (v.timeline ?? []).map((t) => Date.parse(t.at))));
  const wallSeconds = (last - first) / 1000;
  const hops = delivered.map(hopDurationsMs);
  const cpuMsByProcess = Object.fromEntries(
    Object.entries(cpuAfter).map(([k, v]) => [k, Math.round(v - (cpuBefore?.[k] ?? 0))]),
  );
  const cpuMs = Object.values(cpuMsByProcess).reduce((a, b) => a + b, 0);
  const result: Run = {
    mode,
    run,
    count: submitted.length,
    delivered: delivered.length,
    ...(offeredRate === undefined ? {} : { offeredRate: Number(offeredRate.toFixed(1)) }),
    wallSeconds,
    throughput: Number((views.length / wallSeconds).toFixed(2)),
    latencyMs: percentiles(delivered.map((v) => submitToDeliveredMs(v) ?? NaN)),
    readyForDispatchMs: percentiles(delivered.map((v) => submitToReadyForDispatchMs(v) ?? NaN)),
    hopMs: Object.fromEntries(
      PIPELINE_HOPS.map(({ stage }) => [stage, percentiles(hops.map((h) => h[stage] ?? NaN))]),
    ),
    cpuMsPerApplication: Number((cpuMs / submitted.length).toFixed(1)),
    cpuMsByProcess,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.error(
    `${mode} #${run}: ${JSON.stringify({ ...result, cpuMsByProcess: undefined, hopMs: undefined })}`,
  );
  return result;
}

async function embeddedRun(run: number): Promise<Run> {
  // Port 0: the OS picks a free port, so this never meets the full stack's fixed ports.
  const config = { ...loadEmbeddedConfig({ ...process.env, HTTP_PORT: '0' }), logLevel: 'warn' as const };
  const pipeline = await startEmbeddedPipeline(config);
  try {
    // The driver shares this process, so its polling (client side) is in this figure too.
    return await drive('embedded', run, pipeline.url, () => {
      const { user, system } = process.cpuUsage();
      return { embedded: (user + system) / 1000 };
    });
  } finally {
    await pipeline.stop();
    if (path.basename(config.blobDir).startsWith('mnc-embedded-blobs-'))
      fs.rmSync(config.blobDir, { recursive: true, force: true });
  }
}

async function fullStackRun(mode: 'full-stack' | 'full-stack-offered', run: number): Promise<Run> {
  let stack: Stack | undefined;
  try {
    stack = await Stack.start(`mnc_bench_${Date.now()}`);
    // CPU per app: the two lanes (and their two virtual cards) add up under one name.
    const cpu = () => {
      const byApp: Record<string, number> = {};
      for (const c of children()) byApp[c.app ?? 'other'] = (byApp[c.app ?? 'other'] ?? 0) + c.cpuMs;
      return byApp;
    };
    return await drive(mode, run, stack.intakeUrl, cpu, stack.apiKey);
  } finally {
    if (stack) await stack.stop();
    // A failed start leaves the processes it had started: end them (only our own children).
    else for (const child of children()) process.kill(child.pid, 'SIGTERM');
  }
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const round = (n: number) => (Number.isFinite(n) ? Number(n.toFixed(1)) : '–');
const MODE_LABEL: Record<Mode, string> = {
  embedded: 'embedded, saturation',
  'full-stack': 'full stack, saturation',
  'full-stack-offered': 'full stack, offered load',
};

function table(runs: readonly Run[]): string[] {
  const modes = (Object.keys(MODE_LABEL) as Mode[]).filter((mode) => runs.some((r) => r.mode === mode));
  const med = (mode: Mode, f: (x: Run) => number) =>
    round(median(runs.filter((x) => x.mode === mode).map(f)));
  const summary = modes.map((mode) => {
    const r = runs.filter((x) => x.mode === mode);
    const tp = r.map((x) => x.throughput);
    const offered =
      mode === 'full-stack-offered'
        ? `${med(mode, (x) => x.offeredRate ?? NaN)}/s`
        : `${CONCURRENCY} clients`;
    return `| ${MODE_LABEL[mode]} | ${offered} | ${COUNT} | ${r.length} | ${med(mode, (x) => x.throughput)} | ${Math.min(...tp)}–${Math.max(...tp)} | ${med(mode, (x) => x.readyForDispatchMs.p50)} / ${med(mode, (x) => x.readyForDispatchMs.p95)} / ${med(mode, (x) => x.readyForDispatchMs.p99)} | ${med(mode, (x) => x.latencyMs.p50)} / ${med(mode, (x) => x.latencyMs.p99)} | ${med(mode, (x) => x.cpuMsPerApplication)} |`;
  });
  const hops = modes.flatMap((mode) =>
    PIPELINE_HOPS.map(
      ({ stage }) =>
        `| ${MODE_LABEL[mode]} | ${stage} | ${med(mode, (x) => x.hopMs[stage]?.p50 ?? NaN)} | ${med(mode, (x) => x.hopMs[stage]?.p95 ?? NaN)} | ${med(mode, (x) => x.hopMs[stage]?.p99 ?? NaN)} |`,
    ),
  );
  const fullRuns = runs.filter((x) => x.mode === 'full-stack');
  const apps = [...new Set(fullRuns.flatMap((r) => Object.keys(r.cpuMsByProcess)))].sort();
  const cpuRows = apps.map(
    (app) => `| ${app} | ${round(median(fullRuns.map((r) => (r.cpuMsByProcess[app] ?? 0) / r.count)))} |`,
  );
  const cpuPerApp = median(fullRuns.map((r) => r.cpuMsPerApplication));
  // The virtual cards stand in for the chips: their CPU (on-card RSA key generation above all) is device work.
  const pipelineCpuPerApp = median(
    fullRuns.map((r) => r.cpuMsPerApplication - (r.cpuMsByProcess['virtual-card'] ?? 0) / r.count),
  );
  const budget = (os.cpus().length * 1000) / 150;
  return [
    '| mode | load | N | runs | apps/s (median) | apps/s min–max | submit → ready for dispatch ms p50 / p95 / p99 | submit → delivered ms p50 / p99 | CPU ms / app |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...summary,
    '',
    "Latencies come from each application's timeline (the events' own times); throughput is settled applications over the time from the first submission to the last settlement. Saturation: 16 clients each submitting the next application as soon as the last was accepted. Offered load: an open loop sending at a fixed rate whatever the pipeline does, so any rate above capacity shows as a growing queue in the latencies.",
    '',
    "### Per stage: time from the previous event to the stage's own (ms, medians of the runs' p50 / p95 / p99)",
    '',
    '| mode | stage (event) | p50 | p95 | p99 |',
    '| --- | --- | ---: | ---: | ---: |',
    ...hops,
    '',
    '### CPU per application per process, full stack at saturation (ms, median of runs)',
    '',
    '| process | CPU ms / application |',
    '| --- | ---: |',
    ...cpuRows,
    '',
    `User + system time from \`/proc/<pid>/stat\` of the stack's Node processes (the two encode lanes and the two virtual cards summed under one name); pcscd, Kafka, Postgres and Redis are not counted. Sustaining 150 applications/s on ${os.cpus().length} cores leaves ${budget.toFixed(1)} CPU ms per application for everything, the services included; the processes above use ${round(cpuPerApp)}, of which ${round(pipelineCpuPerApp)} is the pipeline's own (without the virtual cards, which simulate the chips: the RSA-2048 key pairs a legacy card generates on board are most of theirs).`,
    '',
    "The embedded mode runs every stage in one process (in-memory bus, PGlite, in-process card encoder). In the full stack two encode-lane processes (one BullMQ pool) each drive real APDUs through pcscd to a virtual card, one card at a time per lane; a card insertion waits for pcscd's reader poll.",
  ];
}

/** The end-to-end section: `repeat` runs of `count` applications in each mode. */
export function pipelineSection(options: {
  readonly count: number;
  readonly repeat: number;
  readonly offeredPerSecond: number;
}): BenchSection {
  return {
    name: 'pipeline',
    title: 'End to end: submit → ready for dispatch → delivered',
    run: async () => {
      COUNT = options.count;
      OFFERED_PER_SECOND = options.offeredPerSecond;
      const runs: Run[] = [];
      // Modes take turns, so a noisy spell on the shared machine falls on all of them alike.
      for (let i = 1; i <= options.repeat; i++) {
        runs.push(await embeddedRun(i));
        runs.push(await fullStackRun('full-stack', i));
        runs.push(await fullStackRun('full-stack-offered', i));
      }
      const lost = runs.filter((r) => r.delivered !== r.count);
      const failure = lost.length
        ? lost
            .map((r) => `${r.mode} #${r.run}: ${r.count - r.delivered} of ${r.count} not delivered`)
            .join('; ')
        : undefined;
      const throughput = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.throughput));
      return {
        figures: {
          count: options.count,
          repeat: options.repeat,
          concurrency: CONCURRENCY,
          offeredPerSecond: OFFERED_PER_SECOND,
          runs,
        },
        markdown: table(runs),
        failure,
        chart: [
          { label: 'embedded apps/s', value: throughput('embedded') },
          { label: 'full stack apps/s', value: throughput('full-stack') },
        ],
      };
    },
  };
}
