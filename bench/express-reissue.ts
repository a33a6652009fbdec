import {
  authorization,
  getApplication,
  syntheticSubmission,
  waitUntilSettled,
  type ApplicationView,
} from '@mnc/load-driver';
import { Stack } from '@mnc/testing';
import { median } from './pipeline';
import type { BenchSection } from './section';

/**
 * The software time of the lost-card express reissue on the full stack: from the loss report (intake API) to
 * the replacement card's delivery, through every stage (photo screening, issuance data, a lane writing the
 * card through pcscd, pre-delivery setup, dispatch). The simulated carrier delivers at once
 * (CARRIER_DELIVERY_DELAY_MS 0, the stack's default) and the virtual card has no simulated device delay, so
 * what is measured is the pipeline's own time. Reissues run one after another on an otherwise idle stack;
 * each is timed from the reissue application's own timeline (created in the loss report's transaction).
 */
const REISSUES = 5;
const FIRST_SEED = 720_001;

interface Reissue {
  /** Loss report (the reissue's submission) to each step of the reissue, in ms. */
  readonly msTo: Record<string, number>;
  /** Loss report to the lost card's suspension (its lifecycle change on the old application's timeline). */
  readonly suspendedAfterMs: number;
}

const STEPS = [
  'photo.accepted',
  'issuance-data.generated',
  'card.encoded',
  'card.ready-for-dispatch',
  'card.dispatched',
  'card.delivered',
] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timeline(stack: Stack, id: string): Promise<ApplicationView> {
  return getApplication(stack.intakeUrl, id, stack.apiKey);
}

async function oneReissue(stack: Stack, seed: number): Promise<Reissue> {
  const submission = await fetch(`${stack.intakeUrl}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(stack.apiKey) },
    body: JSON.stringify({ ...(await syntheticSubmission(seed)), route: 'express' }),
  });
  if (submission.status !== 201) throw new Error(`submission of seed ${seed} answered ${submission.status}`);
  const { id } = (await submission.json()) as { id: string };
  const original = (await waitUntilSettled({ ...options(stack), ids: [id] })).get(id)!;
  const { cardId } = original as ApplicationView & { cardId?: string };
  if (original.status !== 'delivered' || !cardId)
    throw new Error(`application of seed ${seed} not delivered`);
  // Express delivery is the handover: wait until the card is in use, as a loss report expects.
  for (let i = 0; ; i++) {
    const [card] = await stack.query<{ state: string }>(
      'SELECT state FROM pre_delivery.cards WHERE card_id = $1',
      [cardId],
    );
    if (card?.state === 'in-use') break;
    if (i > 600) throw new Error(`card of seed ${seed} never came into use`);
    await sleep(100);
  }

  const report = await fetch(`${stack.intakeUrl}/v1/cards/${cardId}/loss-report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(stack.apiKey) },
    body: JSON.stringify({
      reportedBy: { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'driving-licence' },
    }),
  });
  if (report.status !== 201) throw new Error(`loss report of seed ${seed} answered ${report.status}`);
  const { reissue } = (await report.json()) as { reissue: { id: string } };
  const delivered = (await waitUntilSettled({ ...options(stack), ids: [reissue.id] })).get(reissue.id)!;
  if (delivered.status !== 'delivered') throw new Error(`reissue of seed ${seed} ended ${delivered.status}`);

  const start = Date.parse(delivered.submittedAt);
  const at = (view: ApplicationView, type: string, after = 0) =>
    (view.timeline ?? [])
      .map((t) => ({ type: t.type, at: Date.parse(t.at) }))
      .find((t) => t.type === type && t.at >= after)?.at;
  const msTo = Object.fromEntries(
    STEPS.map((step) => {
      const when = at(delivered, step);
      if (when === undefined) throw new Error(`the reissue of seed ${seed} has no ${step} on its timeline`);
      return [step, when - start];
    }),
  );
  // The lost card's suspension: its first lifecycle change at or after the loss report.
  let suspended: number | undefined;
  for (let i = 0; suspended === undefined; i++) {
    suspended = at(await timeline(stack, id), 'card.lifecycle-changed', start);
    if (suspended === undefined && i > 300)
      throw new Error(`the lost card of seed ${seed} was never suspended`);
    if (suspended === undefined) await sleep(100);
  }
  return { msTo, suspendedAfterMs: suspended - start };
}

function options(stack: Stack) {
  return { baseUrl: stack.intakeUrl, apiKey: stack.apiKey, timeoutMs: 5 * 60_000, pollIntervalMs: 200 };
}

export function expressReissueSection(): BenchSection {
  return {
    name: 'express-reissue',
    title: 'Express reissue after a lost card: loss report → delivered (software time)',
    run: async () => {
      const stack = await Stack.start(`mnc_bench_reissue_${Date.now()}`);
      const reissues: Reissue[] = [];
      try {
        // One reissue at a time: the figure is the latency of one reissue, not of a queue.
        for (let i = 0; i < REISSUES; i++) reissues.push(await oneReissue(stack, FIRST_SEED + i));
      } finally {
        await stack.stop();
      }
      const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
      const med = (f: (r: Reissue) => number) => seconds(median(reissues.map(f)));
      const total = reissues.map((r) => r.msTo['card.delivered']);
      const figures = {
        reissues: reissues.length,
        medianSeconds: med((r) => r.msTo['card.delivered']),
        minSeconds: seconds(Math.min(...total)),
        maxSeconds: seconds(Math.max(...total)),
        medianSuspendedAfterSeconds: med((r) => r.suspendedAfterMs),
        medianSecondsToStep: Object.fromEntries(STEPS.map((s) => [s, med((r) => r.msTo[s])])),
        runs: reissues,
      };
      return {
        figures,
        markdown: [
          `| reissues | median s (loss report → delivered) | min–max s | lost card suspended after (median s) |`,
          '| ---: | ---: | ---: | ---: |',
          `| ${reissues.length} | ${figures.medianSeconds} | ${figures.minSeconds}–${figures.maxSeconds} | ${figures.medianSuspendedAfterSeconds} |`,
          '',
          '| step of the reissue | median s after the loss report |',
          '| --- | ---: |',
          ...STEPS.map((s) => `| ${s} | ${figures.medianSecondsToStep[s]} |`),
          '',
          'Full stack (separate stage processes on Kafka and Postgres, two lanes writing cards through pcscd), one reissue at a time on an idle stack. The simulated carrier delivers without delay and the virtual card has no simulated device time, so this is the software time of the express reissue; times come from the reissue application’s own timeline, which starts with the loss report’s transaction.',
        ],
        chart: [{ label: 'express reissue s', value: figures.medianSeconds }],
      };
    },
  };
}
