import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capacitySection } from './capacity';
import { cardSection } from './card';
import { expressReissueSection } from './express-reissue';
import { lanesSection } from './lanes';
import { photoScreeningSection } from './photo-screening';
import { pkiSection } from './pki';
import { dashboardSection, intakeSection, issuanceDataSection } from './stage-sections';
import { barChartSvg } from './chart';
import { machine, root } from './machine';
import { messagingCeiling } from './messaging-ceiling';
import { pipelineSection } from './pipeline';
import type { BenchSection, SectionResult } from './section';

/**
 * `npm run bench`: every section side by side in one run on this machine, written to
 * bench/results/<date>-<commit>.json, bench/results/latest.md and bench/results/latest.svg.
 * Options: --count N and --repeat N for the end-to-end runs, --offered N for their open-loop rate
 * (applications/s), --only a,b to run some sections.
 */
function option(name: string, env: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = Number(index >= 0 ? process.argv[index + 1] : (process.env[env] ?? fallback));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} (or ${env}) takes a whole number ≥ 1`);
  return value;
}
const COUNT = option('--count', 'BENCH_COUNT', 200);
const REPEAT = option('--repeat', 'BENCH_REPEAT', 3);
const OFFERED = option('--offered', 'BENCH_OFFERED', 50);
const onlyIndex = process.argv.indexOf('--only');
const ONLY = onlyIndex >= 0 ? new Set(process.argv[onlyIndex + 1].split(',')) : undefined;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const SECTIONS: readonly BenchSection[] = [
  pipelineSection({ count: COUNT, repeat: REPEAT, offeredPerSecond: OFFERED }),
  expressReissueSection(),
  intakeSection(),
  photoScreeningSection,
  issuanceDataSection(),
  pkiSection(),
  cardSection(),
  lanesSection(),
  dashboardSection(),
  {
    name: 'messaging-ceiling',
    title: 'Messaging ceiling: bare kafkajs through six topics',
    run: async () => {
      const runs = [];
      for (let i = 0; i < REPEAT; i++)
        runs.push(await messagingCeiling({ brokers: BROKERS, records: 20_000 }));
      const sorted = runs.map((r) => r.recordsPerSecond).sort((a, b) => a - b);
      const med = sorted[Math.floor(sorted.length / 2)];
      return {
        figures: runs,
        markdown: [
          '| run | records | hops | records/s | p50 ms | p95 ms | p99 ms |',
          '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
          ...runs.map(
            (r, i) =>
              `| ${i + 1} | ${r.records} | ${r.hops} | ${r.recordsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} |`,
          ),
          '',
          `Median ${med} records/s through six consume-produce-commit hops (acks from all in-sync replicas, 6 partitions, one Node process, no project code): the most the pipeline's messaging could carry on this broker and these cores.`,
        ],
        chart: [{ label: 'bare kafkajs relay records/s', value: med }],
      };
    },
  },
  capacitySection(),
];

async function main(): Promise<number> {
  const m = machine();
  const results: Record<string, SectionResult & { title: string; error?: string }> = {};
  for (const section of SECTIONS) {
    if (ONLY && !ONLY.has(section.name)) continue;
    console.error(`bench: ${section.title}`);
    try {
      results[section.name] = { title: section.title, ...(await section.run(results)) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results[section.name] = { title: section.title, figures: null, markdown: [], failure: message };
    }
  }
  m.loadAverageEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const failures = Object.entries(results)
    .filter(([, r]) => r.failure)
    .map(([name, r]) => `${name}: ${r.failure}`);
  const args = process.argv.slice(2).join(' ');
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args ? ` -- ${args}` : ''}`
      : `node dist/bench/run.js ${args}`.trim();

  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const bars = Object.values(results).flatMap((r) => r.chart ?? []);
  fs.writeFileSync(
    path.join(dir, 'latest.svg'),
    barChartSvg(`Benchmark ${m.date.slice(0, 10)} (${m.commit})`, bars),
  );
  const md = [
    `# Benchmark: ${m.date.slice(0, 10)}, commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}`,
    '',
    ...(failures.length ? [`**FAILED:** ${failures.join('; ')}`, ''] : []),
    '![figures at a glance](latest.svg)',
    '',
    ...Object.values(results).flatMap((r) => [`## ${r.title}`, '', ...r.markdown, '']),
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB`,
    `- Node ${m.node}; ${m.os}`,
    `- Load average (1/5/15 min) at start ${m.loadAverageStart.join(' / ')}, at end ${m.loadAverageEnd.join(' / ')}`,
    '- The machine is shared and noisy: other jobs run beside the benchmark, hence medians over repeated runs, the spread, and ratios measured side by side in this one run.',
    '',
    '## Command',
    '',
    '```',
    command,
    '```',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  fs.writeFileSync(
    path.join(dir, `${m.date.slice(0, 10)}-${m.commit}.json`),
    `${JSON.stringify({ machine: m, command, failures, sections: results }, null, 2)}\n`,
  );
  console.log(md);
  if (failures.length) console.error(`bench failed: ${failures.join('; ')}`);
  return failures.length ? 1 : 0;
}

// Exit explicitly: a stray keep-alive socket must not hold the process open after the report.
main().then((code) => process.exit(code));
