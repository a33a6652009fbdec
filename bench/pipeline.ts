import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEmbeddedConfig } from '@mnc/config';
import {
  percentile,
  submitApplications,
  submitToDeliveredMs,
  waitUntilSettled,
  type ApplicationView,
} from '@mnc/load-driver';
import { startEmbeddedPipeline } from '@mnc/all-stages';
import { Stack } from '@mnc/testing';
import type { BenchSection } from './section';

/**
 * The same batch through the embedded one-process pipeline and through the full stack (six stage
 * processes on Kafka and Postgres, the cards written through pcscd), each mode repeated and summarised by
 * medians. Fails if any application is not delivered; never asserts on timing.
 */
export type Mode = 'embedded' | 'full-stack';
interface Run {
  mode: Mode;
  run: number;
  count: number;
  delivered: number;
  wallSeconds: number;
  throughput: number;
  latencyMs: { p50: number; p95: number; p99: number };
  cpuMsPerApplication: number;
  cpuMsByProcess: Record<string, number>;
  loadAverage: number[];
}

const CONCURRENCY = 16;
let COUNT = 200;

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

/** Submits the batch, waits until it settles, and measures; `cpu` is sampled once submission starts. */
async function drive(
  mode: Mode,
  run: number,
  baseUrl: string,
  cpu: () => Record<string, number>,
  apiKey?: string,
): Promise<Run> {
  let cpuBefore: Record<string, number> | undefined;
  const submitted = await submitApplications({
    baseUrl,
    apiKey,
    count: COUNT,
    concurrency: CONCURRENCY,
    // Synthetic photos are rendered before the first submission; sampling here keeps them out of the CPU.
    onSubmitted: (n) => void (n === 1 && (cpuBefore = cpu())),
  });
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
  const latencies = delivered.map((v) => submitToDeliveredMs(v) ?? NaN).sort((a, b) => a - b);
  const cpuMsByProcess = Object.fromEntries(
    Object.entries(cpuAfter).map(([k, v]) => [k, Math.round(v - (cpuBefore?.[k] ?? 0))]),
  );
  const cpuMs = Object.values(cpuMsByProcess).reduce((a, b) => a + b, 0);
  const result: Run = {
    mode,
    run,
    count: submitted.length,
    delivered: delivered.length,
    wallSeconds,
    throughput: Number((views.length / wallSeconds).toFixed(2)),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
    cpuMsPerApplication: Number((cpuMs / submitted.length).toFixed(1)),
    cpuMsByProcess,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.error(`${mode} #${run}: ${JSON.stringify({ ...result, cpuMsByProcess: undefined })}`);
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

async function fullStackRun(run: number): Promise<Run> {
  let stack: Stack | undefined;
  try {
    stack = await Stack.start(`mnc_bench_${Date.now()}`);
    const cpu = () => Object.fromEntries(children().map((c) => [c.app ?? String(c.pid), c.cpuMs]));
    return await drive('full-stack', run, stack.intakeUrl, cpu, stack.apiKey);
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

function table(runs: readonly Run[]): string[] {
  const rows = (['embedded', 'full-stack'] as const).map((mode) => {
    const r = runs.filter((x) => x.mode === mode);
    if (r.length === 0) return `| ${mode} | ${COUNT} | 0 | – | – | – | – | – | – |`;
    const med = (f: (x: Run) => number) => Number(median(r.map(f)).toFixed(1));
    const tp = r.map((x) => x.throughput);
    return `| ${mode} | ${COUNT} | ${r.length} | ${med((x) => x.throughput)} | ${med((x) => x.latencyMs.p50)} | ${med((x) => x.latencyMs.p95)} | ${med((x) => x.latencyMs.p99)} | ${med((x) => x.cpuMsPerApplication)} | ${Math.min(...tp)}–${Math.max(...tp)} |`;
  });
  return [
    '| mode | N | runs | median throughput (apps/s) | p50 ms | p95 ms | p99 ms | CPU ms / app | throughput min–max |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    "Latency is submit → delivered from each application's timeline; throughput is settled applications over the time from the first submission to the last settlement. CPU is user + system time of the pipeline: the embedded process (`process.cpuUsage`, driver polling included) or the sum of the stage processes (two encode lanes) and the virtual card processes (`/proc/<pid>/stat`; pcscd, Kafka and Postgres not counted).",
    '',
    "The embedded mode runs every stage in one process (in-memory bus, PGlite, in-process card encoder). In the full stack two encode-lane processes (one consumer group) each drive real APDUs through pcscd to a virtual card, one card at a time per lane; a card insertion waits for pcscd's reader poll, so the full stack is bound by the lanes, not by Kafka or Postgres.",
  ];
}

/** The end-to-end section: `repeat` runs of `count` applications in each mode. */
export function pipelineSection(options: { readonly count: number; readonly repeat: number }): BenchSection {
  return {
    name: 'pipeline',
    title: 'End to end: submit → delivered',
    run: async () => {
      COUNT = options.count;
      const runs: Run[] = [];
      for (let i = 1; i <= options.repeat; i++) runs.push(await embeddedRun(i));
      for (let i = 1; i <= options.repeat; i++) runs.push(await fullStackRun(i));
      const lost = runs.filter((r) => r.delivered !== r.count);
      const failure = lost.length
        ? lost
            .map((r) => `${r.mode} #${r.run}: ${r.count - r.delivered} of ${r.count} not delivered`)
            .join('; ')
        : undefined;
      const throughput = (mode: Mode) => median(runs.filter((r) => r.mode === mode).map((r) => r.throughput));
      return {
        figures: { count: options.count, repeat: options.repeat, concurrency: CONCURRENCY, runs },
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
