import { syntheticApplication } from '@mnc/synthetic';

/**
 * Drives the intake API the way municipal counters would: synthetic applications submitted concurrently,
 * then followed until each one settles. Used by the embedded run, the e2e suite and the benchmark.
 */
export interface SubmittedApplication {
  readonly id: string;
  readonly seed: number;
}

export interface ApplicationView {
  readonly id: string;
  readonly status: string;
  readonly submittedAt: string;
  readonly timeline?: readonly { eventId: string; type: string; source: string; at: string }[];
}

export const SETTLED_STATUSES: ReadonlySet<string> = new Set(['delivered', 'photo-rejected']);

export class DriverError extends Error {
  override readonly name = 'DriverError';
}

/** The request body intake expects for a synthetic application. */
export async function syntheticSubmission(seed: number): Promise<Record<string, unknown>> {
  const application = await syntheticApplication(seed);
  return {
    channel: application.channel,
    route: application.route,
    cardProfile: application.cardProfile,
    applicant: application.applicant,
    photo: { mediaType: application.portrait.mediaType, data: application.portrait.bytes.toString('base64') },
  };
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

export async function submitApplications(options: {
  readonly baseUrl: string;
  readonly count: number;
  readonly concurrency: number;
  readonly firstSeed?: number;
  readonly onSubmitted?: (done: number) => void;
}): Promise<SubmittedApplication[]> {
  const seeds = Array.from({ length: options.count }, (_, i) => (options.firstSeed ?? 1) + i);
  // Build bodies first so image generation does not count against the pipeline.
  const bodies = new Map<number, string>();
  await pool(
    seeds,
    4,
    async (seed) => void bodies.set(seed, JSON.stringify(await syntheticSubmission(seed))),
  );
  const submitted: SubmittedApplication[] = [];
  await pool(seeds, options.concurrency, async (seed) => {
    const response = await fetch(`${options.baseUrl}/v1/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `synthetic-${seed}-${options.count}`,
      },
      body: bodies.get(seed),
    });
    const body = (await response.json()) as { id?: string; title?: string };
    if (response.status !== 201 && response.status !== 200) {
      throw new DriverError(`submission of seed ${seed} failed with ${response.status}: ${body.title ?? ''}`);
    }
    submitted.push({ id: body.id!, seed });
    options.onSubmitted?.(submitted.length);
  });
  return submitted;
}

export async function getApplication(baseUrl: string, id: string): Promise<ApplicationView> {
  const response = await fetch(`${baseUrl}/v1/applications/${id}`);
  if (response.status !== 200) throw new DriverError(`GET application ${id} answered ${response.status}`);
  return (await response.json()) as ApplicationView;
}

/** Polls until every application has settled (delivered or photo rejected) or the time is up. */
export async function waitUntilSettled(options: {
  readonly baseUrl: string;
  readonly ids: readonly string[];
  readonly timeoutMs: number;
  readonly pollIntervalMs?: number;
  readonly onProgress?: (settled: number) => void;
}): Promise<Map<string, ApplicationView>> {
  const settled = new Map<string, ApplicationView>();
  const deadline = Date.now() + options.timeoutMs;
  let pending = [...options.ids];
  while (pending.length > 0) {
    const stillPending: string[] = [];
    await pool(pending, 8, async (id) => {
      try {
        const view = await getApplication(options.baseUrl, id);
        if (SETTLED_STATUSES.has(view.status)) settled.set(id, view);
        else stillPending.push(id);
      } catch (error) {
        // A restarting intake is part of the fault tests; keep polling until the deadline.
        if (!(error instanceof TypeError) && !(error instanceof DriverError)) throw error;
        stillPending.push(id);
      }
    });
    pending = stillPending;
    options.onProgress?.(settled.size);
    if (pending.length === 0) break;
    if (Date.now() > deadline) {
      throw new DriverError(
        `${pending.length} of ${options.ids.length} applications had not settled in time`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 250));
  }
  return settled;
}

/** Milliseconds from submission to delivery, from the application's own timeline. */
export function submitToDeliveredMs(view: ApplicationView): number | undefined {
  const delivered = view.timeline?.find((t) => t.type === 'card.delivered');
  return delivered ? Date.parse(delivered.at) - Date.parse(view.submittedAt) : undefined;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
