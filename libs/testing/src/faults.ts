import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Stack, StackProcess } from './stack';

const run = promisify(execFile);

/** A fault the chaos suite can inject into a running stack. */
export type Fault =
  | { readonly kind: 'sigkill'; readonly process: StackProcess }
  | { readonly kind: 'restart'; readonly service: 'kafka' | 'postgres' | 'redis' };

export interface InjectedFault {
  readonly fault: Fault;
  readonly at: string;
  /** How long the process or service was down, from the kill to ready again. */
  readonly downMs: number;
}

export function describeFault(fault: Fault): string {
  return fault.kind === 'sigkill' ? `SIGKILL ${fault.process}` : `restart ${fault.service}`;
}

/** A seeded generator, so a failing chaos run can be replayed with the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fault plan: every kind at least once (each process killed, each service restarted), then random
 * picks up to `count`, shuffled so the order differs per seed.
 */
export function planFaults(processes: readonly StackProcess[], count: number, random: () => number): Fault[] {
  const every: Fault[] = [
    ...processes.map((process): Fault => ({ kind: 'sigkill', process })),
    ...(['kafka', 'postgres', 'redis'] as const).map((service): Fault => ({ kind: 'restart', service })),
  ];
  const plan = [...every];
  while (plan.length < count) plan.push(every[Math.floor(random() * every.length)]);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  return plan;
}

/** Restarts a machine service through infra/restart, keeping its data, as an outage would. */
export async function restartService(service: 'kafka' | 'postgres' | 'redis', root: string): Promise<void> {
  await run('bash', [path.join(root, 'infra', 'restart'), service], { timeout: 120_000 });
}

/**
 * Injects the planned faults one after another, a random pause between them, while the caller's load runs.
 * A killed process stays down for a random moment before it is started again, the way a supervisor would.
 */
export async function injectFaults(options: {
  readonly stack: Stack;
  readonly plan: readonly Fault[];
  readonly random: () => number;
  readonly gapMs: readonly [number, number];
  readonly onFault?: (injected: InjectedFault) => void;
}): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  const pause = (min: number, max: number) =>
    new Promise((resolve) => setTimeout(resolve, min + options.random() * (max - min)));
  for (const fault of options.plan) {
    await pause(...options.gapMs);
    const started = Date.now();
    if (fault.kind === 'sigkill') {
      await options.stack.kill(fault.process);
      await pause(200, 2000);
      await options.stack.startProcess(fault.process);
    } else {
      await restartService(fault.service, options.stack.root);
    }
    const record = { fault, at: new Date(started).toISOString(), downMs: Date.now() - started };
    injected.push(record);
    options.onFault?.(record);
  }
  return injected;
}
