/**
 * The capacity model for central issuance: how many print-and-encode lanes a demand needs, and which part
 * of the pipeline limits it. "The slowest module determines throughput": on a personalisation machine the
 * printer and encoder work on different cards at once, so a lane's cycle is its slowest device plus the
 * hand-over between them; a sequential lane adds the two.
 */
export interface LaneDeviceTimes {
  /** Seconds the printer spends on one card (front and back). */
  readonly printSeconds: number;
  /** Seconds the encoder spends on one card: APDUs × seconds per APDU plus key generation on the card. */
  readonly encodeSeconds: number;
  /** Seconds to move a card between the devices and into the output hopper, not overlapped. */
  readonly handlingSeconds: number;
  /**
   * pipelined (a personalisation machine: the printer and the encoder work on different cards at once) or
   * sequential (one card passes both devices before the next starts, as this project's lanes do).
   */
  readonly arrangement?: 'pipelined' | 'sequential';
}

export interface OperatingPlan {
  readonly hoursPerDay: number;
  /** Share of operating time a lane is up (maintenance, ribbon and card-stock changes, faults). */
  readonly availability: number;
  /** Share of attempts spoiled by QA; each one costs a full lane cycle and a new blank. */
  readonly spoilRate: number;
}

export interface Demand {
  readonly name: string;
  readonly cardsPerDay: number;
  /** Where the figure comes from, for the report. */
  readonly basis: string;
}

export class CapacityInputError extends RangeError {
  override readonly name = 'CapacityInputError';
}

function requirePositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new CapacityInputError(`${what} must be a positive number`);
}

export function laneCycleSeconds(times: LaneDeviceTimes): number {
  requirePositive(Math.max(times.printSeconds, times.encodeSeconds), 'the slowest device time');
  if (times.printSeconds < 0 || times.encodeSeconds < 0 || times.handlingSeconds < 0)
    throw new CapacityInputError('device times cannot be negative');
  const devices =
    times.arrangement === 'sequential'
      ? times.printSeconds + times.encodeSeconds
      : Math.max(times.printSeconds, times.encodeSeconds);
  return devices + times.handlingSeconds;
}

/** Good cards per hour from one lane running without pause. */
export function goodCardsPerLaneHour(times: LaneDeviceTimes, spoilRate: number): number {
  if (!(spoilRate >= 0 && spoilRate < 1)) throw new CapacityInputError('the spoil rate must be in [0, 1)');
  return (3600 / laneCycleSeconds(times)) * (1 - spoilRate);
}

export function goodCardsPerLaneDay(times: LaneDeviceTimes, plan: OperatingPlan): number {
  requirePositive(plan.hoursPerDay, 'hours per day');
  if (plan.hoursPerDay > 24) throw new CapacityInputError('a day has 24 hours');
  if (!(plan.availability > 0 && plan.availability <= 1))
    throw new CapacityInputError('availability must be in (0, 1]');
  return goodCardsPerLaneHour(times, plan.spoilRate) * plan.hoursPerDay * plan.availability;
}

export function lanesNeeded(demand: Demand, times: LaneDeviceTimes, plan: OperatingPlan): number {
  requirePositive(demand.cardsPerDay, `${demand.name}: cards per day`);
  return Math.ceil(demand.cardsPerDay / goodCardsPerLaneDay(times, plan));
}

/** A pipeline stage's measured software throughput, from the benchmark. */
export interface StageThroughput {
  readonly stage: string;
  readonly applicationsPerSecond: number;
}

export interface CapacityVerdict {
  readonly demand: Demand;
  readonly lanes: number;
  readonly laneCardsPerDay: number;
  /** The stage that limits the whole pipeline at that lane count, and its daily ceiling. */
  readonly bottleneck: { readonly stage: string; readonly cardsPerDay: number };
  /** Demand over the bottleneck's ceiling: the day's load as a share of what the pipeline can do. */
  readonly utilisation: number;
}

/**
 * The verdict for a demand: lanes needed, and the bottleneck once that many lanes run, comparing the lanes'
 * daily output with each software stage's ceiling over the same operating hours.
 */
export function capacityVerdict(
  demand: Demand,
  times: LaneDeviceTimes,
  plan: OperatingPlan,
  stages: readonly StageThroughput[],
): CapacityVerdict {
  const lanes = lanesNeeded(demand, times, plan);
  const laneCardsPerDay = lanes * goodCardsPerLaneDay(times, plan);
  const ceilings = [
    { stage: `lanes (${lanes})`, cardsPerDay: laneCardsPerDay },
    ...stages.map((s) => ({
      stage: s.stage,
      cardsPerDay: s.applicationsPerSecond * 3600 * plan.hoursPerDay,
    })),
  ];
  const bottleneck = ceilings.reduce((low, c) => (c.cardsPerDay < low.cardsPerDay ? c : low));
  return {
    demand,
    lanes,
    laneCardsPerDay,
    bottleneck,
    utilisation: demand.cardsPerDay / bottleneck.cardsPerDay,
  };
}

/** Working days in a Japanese fiscal year, used to spread annual volumes (weekends and ~16 holidays off). */
export const WORKING_DAYS_PER_YEAR = 243;

/**
 * The two peaks the issue names. 2016: about 110,000 cards a day were printed (J-LIS). 2031-2032: the
 * 29.57M cards delivered in FY2022 come up for renewal ten years on (adults' cards are valid 10 years),
 * on top of a baseline of new cards like FY2017-2019's (about 3M a year); applications bunch before
 * deadlines, so the busiest month runs at an assumed 1.5 times the year's average.
 */
export const PEAK_DEMANDS: readonly Demand[] = [
  { name: '2016 peak', cardsPerDay: 110_000, basis: 'about 110,000 cards a day printed at the 2016 peak' },
  {
    name: '2031-2032 renewal peak',
    cardsPerDay: Math.round(((29_570_000 + 3_000_000) / WORKING_DAYS_PER_YEAR) * 1.5),
    basis:
      'FY2022 deliveries (29.57M) renewing after 10 years + 3M new cards a year, over 243 working days, busiest month 1.5× average',
  },
];

/** A tender's floor for one personalisation machine: 1,000 cards an hour. */
export const REFERENCE_LANE: LaneDeviceTimes = {
  printSeconds: 3.2,
  encodeSeconds: 3.0,
  handlingSeconds: 0.4,
};
export const REFERENCE_PLAN: OperatingPlan = { hoursPerDay: 16, availability: 0.9, spoilRate: 0.02 };
