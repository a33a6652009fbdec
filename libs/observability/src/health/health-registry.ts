import { scrubMyNumbers } from '../logging/scrub';

export type HealthKind = 'liveness' | 'readiness';
export type HealthStatus = 'up' | 'down';

export interface HealthCheckResult {
  ok: boolean;
  detail?: string;
}

export interface HealthCheck {
  /** Unique per kind, e.g. `intake.kafka`; the embedded mode registers every stage's checks in one registry. */
  name: string;
  kind: HealthKind;
  check(): Promise<HealthCheckResult>;
  /** Overrides the registry default; a check that does not answer in time counts as down. */
  timeoutMs?: number;
}

export interface HealthCheckReport {
  status: HealthStatus;
  detail?: string;
  durationMs: number;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, HealthCheckReport>;
}

export interface HealthRegistryOptions {
  defaultTimeoutMs?: number;
}

/** Named liveness and readiness checks, run concurrently on each report. */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly defaultTimeoutMs: number;

  constructor(options: HealthRegistryOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
  }

  /** Returns a function that removes the check again. */
  register(check: HealthCheck): () => void {
    const key = `${check.kind}:${check.name}`;
    // Replacing silently would hide one component's check behind another's.
    if (this.checks.has(key))
      throw new Error(`Health check "${check.name}" (${check.kind}) is already registered`);
    this.checks.set(key, check);
    return () => {
      if (this.checks.get(key) === check) this.checks.delete(key);
    };
  }

  /** Up when every check of the kind is up; a kind with no checks is up. */
  async report(kind: HealthKind): Promise<HealthReport> {
    const ofKind = [...this.checks.values()].filter((check) => check.kind === kind);
    const results = await Promise.all(ofKind.map((check) => this.run(check)));
    const checks: Record<string, HealthCheckReport> = {};
    ofKind.forEach((check, index) => (checks[check.name] = results[index]));
    return { status: results.every((r) => r.status === 'up') ? 'up' : 'down', checks };
  }

  private async run(check: HealthCheck): Promise<HealthCheckReport> {
    const timeoutMs = check.timeoutMs ?? this.defaultTimeoutMs;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<HealthCheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `timed out after ${timeoutMs} ms` }), timeoutMs);
    });
    let result: HealthCheckResult;
    try {
      // Promise.resolve().then also catches a check that throws synchronously.
      result = await Promise.race([Promise.resolve().then(() => check.check()), timedOut]);
    } catch (error: unknown) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
    const report: HealthCheckReport = {
      status: result.ok ? 'up' : 'down',
      durationMs: Math.round(performance.now() - started),
    };
    // Details are served over HTTP; errors from drivers can echo the data they failed on.
    if (result.detail !== undefined) report.detail = scrubMyNumbers(result.detail);
    return report;
  }
}
