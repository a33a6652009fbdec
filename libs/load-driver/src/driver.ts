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

/**
 * Whether fetch failed to reach the server (refused, reset, closed mid-response). Checked by name, not
 * instanceof: fetch throws its own realm's TypeError, which is not the TypeError of a Jest test's context.
 */
export function isFetchFailure(error: unknown): error is TypeError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TypeError';
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

/** Request bodies built before any is sent, so rendering photos does not count against the pipeline. */
async function buildBodies(
  count: number,
  firstSeed = 1,
): Promise<{ seeds: number[]; bodies: Map<number, string> }> {
  const seeds = Array.from({ length: count }, (_, i) => firstSeed + i);
  const bodies = new Map<number, string>();
  await pool(
    seeds,
    4,
    async (seed) => void bodies.set(seed, JSON.stringify(await syntheticSubmission(seed))),
  );
  return { seeds, bodies };
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
  const { seeds, bodies } = await buildBodies(options.count, options.firstSeed);
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
 * Open-loop load: submission n is sent at start + n / rate whether or not earlier ones have been answered,
 * as municipalities' systems would (a closed loop hides queueing, because a slow pipeline slows its own
 * arrivals). `offeredRate` is what was actually sent per second, which drops below the rate asked for when
 * this client itself cannot keep up.
 */
export async function submitAtRate(options: {
  readonly baseUrl: string;
  readonly count: number;
  readonly perSecond: number;
  readonly firstSeed?: number;
  readonly apiKey?: string;
}): Promise<{ readonly submitted: SubmittedApplication[]; readonly offeredRate: number }> {
  const { seeds, bodies } = await buildBodies(options.count, options.firstSeed);
  const submitted: SubmittedApplication[] = [];
  const start = Date.now();
  let lastSent = start;
  await Promise.all(
    seeds.map(async (seed, n) => {
      const due = start + (n * 1000) / options.perSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      lastSent = Math.max(lastSent, Date.now());
      const id = await submitWithRetry(
        options.baseUrl,
        `synthetic-${seed}-${options.count}-open`,
        bodies.get(seed)!,
        seed,
        options.apiKey,
      );
      submitted.push({ id, seed });
    }),
  );
  const spanSeconds = (lastSent - start) / 1000;
  return {
    submitted,
    offeredRate: spanSeconds > 0 ? (options.count - 1) / spanSeconds : options.perSecond,
  };
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
      if (!isFetchFailure(error)) throw error;
      const cause = (error as { cause?: { message?: unknown } }).cause?.message;
      failure = typeof cause === 'string' ? `${error.message} (${cause})` : error.message;
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

/** Ids among `wanted` that intake lists with a settled status, by paging GET /v1/applications per status. */
export async function listSettled(
  baseUrl: string,
  wanted: ReadonlySet<string>,
  apiKey?: string,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const status of SETTLED_STATUSES) {
    let next: string | undefined = `/v1/applications?status=${status}&limit=200`;
    while (next !== undefined) {
      const response = await fetch(new URL(next, baseUrl), { headers: authorization(apiKey) });
      if (response.status !== 200) throw new DriverError(`GET ${next} answered ${response.status}`);
      const page = (await response.json()) as { items: { id: string }[]; next?: string };
      for (const item of page.items) if (wanted.has(item.id)) found.add(item.id);
      next = page.next;
    }
  }
  return found;
}

/** At or below this many pending applications, each is asked for directly instead of through the lists. */
const DIRECT_POLL_LIMIT = 16;

/**
 * Polls until every application has settled (delivered or photo rejected) or the time is up. A large batch
 * is followed through intake's status lists (a few queries a round) and only the newly settled are fetched
 * in full; asking for every pending application each round would load intake more than the pipeline does.
 */
export async function waitUntilSettled(options: {
  readonly baseUrl: string;
  readonly ids: readonly string[];
  readonly timeoutMs: number;
  readonly pollIntervalMs?: number;
  readonly onProgress?: (settled: number) => void;
  readonly apiKey?: string;
  /** Gives up earlier when no application has settled for this long (a stalled pipeline). */
  readonly stallTimeoutMs?: number;
}): Promise<Map<string, ApplicationView>> {
  const settled = new Map<string, ApplicationView>();
  const deadline = Date.now() + options.timeoutMs;
  let lastProgress = Date.now();
  const pending = new Set(options.ids);
  const isReachFailure = (error: unknown) => isFetchFailure(error) || error instanceof DriverError;
  while (pending.size > 0) {
    const before = pending.size;
    try {
      const candidates =
        pending.size <= DIRECT_POLL_LIMIT
          ? [...pending]
          : [...(await listSettled(options.baseUrl, pending, options.apiKey))];
      await pool(candidates, 8, async (id) => {
        try {
          const view = await getApplication(options.baseUrl, id, options.apiKey);
          if (SETTLED_STATUSES.has(view.status)) {
            settled.set(id, view);
            pending.delete(id);
          }
        } catch (error) {
          if (!isReachFailure(error)) throw error;
        }
      });
    } catch (error) {
      // A restarting intake is part of the fault tests; keep polling until the deadline.
      if (!isReachFailure(error)) throw error;
    }
    if (pending.size < before) lastProgress = Date.now();
    options.onProgress?.(settled.size);
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      throw new DriverError(`${pending.size} of ${options.ids.length} applications had not settled in time`);
    }
    if (options.stallTimeoutMs !== undefined && Date.now() - lastProgress > options.stallTimeoutMs) {
      throw new DriverError(
        `${pending.size} of ${options.ids.length} applications pending and none settled for ${Math.round(options.stallTimeoutMs / 1000)} s`,
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

/**
 * The pipeline's hops in order, each named by the event that ends it; a hop's time runs from the previous
 * event in this list (the submission for the first) to its own event.
 */
export const PIPELINE_HOPS = [
  { stage: 'photo-screening', event: 'photo.accepted' },
  { stage: 'issuance-data', event: 'issuance-data.generated' },
  { stage: 'encode-lane', event: 'card.encoded' },
  { stage: 'pre-delivery', event: 'card.ready-for-dispatch' },
  { stage: 'delivery', event: 'card.dispatched' },
] as const;

/**
 * Milliseconds each hop took for one application, from its timeline; a hop whose event (or an earlier one)
 * is missing is left out. Photo review by a person would count in photo screening's hop.
 */
export function hopDurationsMs(view: ApplicationView): Partial<Record<string, number>> {
  const at = (type: string) => view.timeline?.find((t) => t.type === type)?.at;
  const durations: Partial<Record<string, number>> = {};
  let previous: string | undefined = view.submittedAt;
  for (const hop of PIPELINE_HOPS) {
    const reached = at(hop.event);
    if (previous && reached) durations[hop.stage] = Date.parse(reached) - Date.parse(previous);
    previous = reached;
  }
  return durations;
}

/** Milliseconds from submission to the card being ready for dispatch (encoded, set up, letters made). */
export function submitToReadyForDispatchMs(view: ApplicationView): number | undefined {
  const ready = view.timeline?.find((t) => t.type === 'card.ready-for-dispatch');
  return ready ? Date.parse(ready.at) - Date.parse(view.submittedAt) : undefined;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
