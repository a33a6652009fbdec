import fs from 'node:fs';
import path from 'node:path';
import {
  getApplication,
  submitApplications,
  waitUntilSettled,
  type SubmittedApplication,
} from '@mnc/load-driver';
import {
  describeFault,
  effectCounts,
  injectFaults,
  planFaults,
  scanForPersonalData,
  seededRandom,
  Stack,
  STACK_PROCESSES,
  testKafkaBrokers,
  type InjectedFault,
  type StackProcess,
} from '@mnc/testing';

/**
 * The chaos suite: the full stack under load while every process is SIGKILLed at random moments and the
 * broker, the database and the queue store are restarted. Afterwards, for every application: exactly one
 * card record, encoded card, setup and shipment; none lost; none left unsettled. Then the security scan
 * over the run's topics and logs. `npm test` runs a short version; `npm run test:chaos` the full one
 * (MNC_CHAOS_COUNT, MNC_CHAOS_FAULTS, MNC_CHAOS_SEED to replay a fault sequence).
 */
const COUNT = Number(process.env.MNC_CHAOS_COUNT ?? 60);
const FAULTS = Number(process.env.MNC_CHAOS_FAULTS ?? 10);
const SEED = Number(process.env.MNC_CHAOS_SEED ?? Date.now() % 1_000_000);
const FIRST_SEED = 3_000_001;
jest.setTimeout(90 * 60_000);

interface ChaosReport {
  readonly seed: number;
  readonly applications: number;
  readonly faults: readonly { readonly fault: string; readonly at: string; readonly downMs: number }[];
  readonly crashesRevived: readonly StackProcess[];
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: Record<string, number>;
  readonly missing: Record<string, number>;
  readonly stuck: readonly { readonly id: string; readonly status: string }[];
  readonly personalDataHits: number;
  readonly recordsScanned: number;
  readonly logLinesScanned: number;
  readonly wallSeconds: number;
}

function writeReport(stack: Stack, report: ChaosReport): string {
  const file = path.join(stack.root, 'tmp', 'chaos', `report-${report.seed}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  return file;
}

describe('chaos: SIGKILLs and service restarts under load', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(`mnc_chaos_${Date.now()}`);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`${COUNT} applications, at least ${FAULTS} faults, every process killed and every service restarted (seed ${SEED}): nothing lost, nothing duplicated`, async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const plan = planFaults(STACK_PROCESSES, FAULTS, random);

    // The supervisor: a process that dies of an outage by itself is started again and reported.
    const crashesRevived: StackProcess[] = [];
    let supervising = true;
    const supervisor = (async () => {
      while (supervising) {
        crashesRevived.push(...(await stack.reviveCrashed()));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();

    const injected: InjectedFault[] = [];
    let submitted: SubmittedApplication[] = [];
    let ids: string[] = [];
    let settledIds = new Set<string>();
    try {
      const faults = injectFaults({
        stack,
        plan,
        random,
        gapMs: [1000, 5000],
        onFault: (fault) => injected.push(fault),
      });
      submitted = await submitApplications({
        baseUrl: stack.intakeUrl,
        apiKey: stack.apiKey,
        count: COUNT,
        concurrency: 8,
        firstSeed: FIRST_SEED,
      });
      await faults;
      ids = submitted.map((s) => s.id);
      try {
        const settled = await waitUntilSettled({
          baseUrl: stack.intakeUrl,
          apiKey: stack.apiKey,
          ids,
          // A shared machine can run the pipeline slowly without it being stuck: give up when nothing has
          // settled for five minutes, or at a cap that grows with the run.
          timeoutMs: 15 * 60_000 + COUNT * 3_000,
          stallTimeoutMs: 5 * 60_000,
        });
        settledIds = new Set([...settled].filter(([, v]) => v.status === 'delivered').map(([id]) => id));
      } catch {
        // Reported below as stuck, with the status each one shows.
        for (const id of ids) {
          if ((await getApplication(stack.intakeUrl, id, stack.apiKey)).status === 'delivered')
            settledIds.add(id);
        }
      }
    } finally {
      supervising = false;
      await supervisor;
    }

    const stuck: { id: string; status: string }[] = [];
    for (const id of ids.filter((id) => !settledIds.has(id)))
      stuck.push({ id, status: (await getApplication(stack.intakeUrl, id, stack.apiKey)).status });
    const counts = await effectCounts(stack, ids);
    const duplicated: Record<string, number> = {};
    const missing: Record<string, number> = {};
    for (const [effect, perApplication] of Object.entries(counts)) {
      duplicated[effect] = ids.filter((id) => (perApplication.get(id) ?? 0) > 1).length;
      missing[effect] = ids.filter((id) => (perApplication.get(id) ?? 0) === 0).length;
    }
    const scan = await scanForPersonalData({
      seeds: submitted.map((s) => s.seed),
      brokers: testKafkaBrokers(),
      logDirs: [stack.runDir],
    });
    const report: ChaosReport = {
      seed: SEED,
      applications: COUNT,
      faults: injected.map((f) => ({ fault: describeFault(f.fault), at: f.at, downMs: f.downMs })),
      crashesRevived,
      delivered: settledIds.size,
      lost: COUNT - submitted.length + stuck.length,
      duplicated,
      missing,
      stuck,
      personalDataHits: scan.hits.length,
      recordsScanned: scan.recordsScanned,
      logLinesScanned: scan.logLinesScanned,
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    const file = writeReport(stack, report);
    console.log(
      `chaos: ${report.delivered}/${COUNT} delivered, ${injected.length} faults ` +
        `(${report.faults.map((f) => f.fault).join(', ')}), ${crashesRevived.length} crashes revived, ` +
        `duplicated ${JSON.stringify(duplicated)}, missing ${JSON.stringify(missing)}, ` +
        `personal-data hits ${scan.hits.length} in ${scan.recordsScanned} records and ` +
        `${scan.logLinesScanned} log lines; report ${file}`,
    );

    expect(injected).toHaveLength(plan.length);
    expect(stuck).toEqual([]);
    expect(report.delivered).toBe(COUNT);
    expect(duplicated).toEqual(Object.fromEntries(Object.keys(counts).map((k) => [k, 0])));
    expect(missing).toEqual(Object.fromEntries(Object.keys(counts).map((k) => [k, 0])));
    expect(scan.hits).toEqual([]);
  });
});
