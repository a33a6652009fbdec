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
    // A counter application records the official who checked identity; a paper form, the operator.
    ...(application.channel === 'counter'
      ? { identityCheck: { officialId: 'staff-0001', officialName: '窓口 担当', document: 'my-number-card' } }
      : {}),
    ...(application.channel === 'paper' ? { keyedBy: { officialId: 'operator-0001' } } : {}),
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
  /** The intake API key (MNC_API_CLIENTS); the embedded development mode needs none. */
  readonly apiKey?: string;
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
    const id = await submitWithRetry(
      options.baseUrl,
      `synthetic-${seed}-${options.count}`,
      bodies.get(seed)!,
      seed,
      options.apiKey,
    );
    submitted.push({ id, seed });
    options.onSubmitted?.(submitted.length);
  });
  return submitted;
}

/**
 * A municipal system's submission: a network error or a 5xx (intake restarting, the database failing over)
 * is retried with the same Idempotency-Key, which makes the retry safe; a 4xx is final.
 */
async function submitWithRetry(
  baseUrl: string,
  idempotencyKey: string,
  body: string,
  seed: number,
  apiKey?: string,
): Promise<string> {
  const deadline = Date.now() + 5 * 60_000;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const response = await fetch(`${baseUrl}/v1/applications`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          ...authorization(apiKey),
        },
        body,
      });
      const answer = (await response.json().catch(() => ({}))) as { id?: string; title?: string };
      if ((response.status === 201 || response.status === 200) && answer.id) return answer.id;
      failure = `${response.status}: ${answer.title ?? ''}`;
      if (response.status < 500) throw new DriverError(`submission of seed ${seed} failed with ${failure}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      failure = error.message;
    }
    if (Date.now() > deadline) throw new DriverError(`submission of seed ${seed} kept failing: ${failure}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * attempt)));
  }
}

/** The header intake's API key goes in. */
export function authorization(apiKey?: string): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

export async function getApplication(baseUrl: string, id: string, apiKey?: string): Promise<ApplicationView> {
  const response = await fetch(`${baseUrl}/v1/applications/${id}`, { headers: authorization(apiKey) });
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
  readonly apiKey?: string;
}): Promise<Map<string, ApplicationView>> {
  const settled = new Map<string, ApplicationView>();
  const deadline = Date.now() + options.timeoutMs;
  let pending = [...options.ids];
  while (pending.length > 0) {
    const stillPending: string[] = [];
    await pool(pending, 8, async (id) => {
      try {
        const view = await getApplication(options.baseUrl, id, options.apiKey);
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
