import { PEAK_DEMANDS, REFERENCE_PLAN, type Demand } from '@mnc/domain-capacity';

/**
 * When does the backlog clear? Cards are made by the lanes, so the backlog is every application that still
 * needs a card (from photo screening to the lane queue), drained at the lanes' measured rate net of new
 * arrivals. Pure: the figures come from the read model.
 */
export interface BacklogInputs {
  /** Applications not yet encoded (waiting in photo screening, issuance data or the lane queue). */
  readonly backlog: number;
  /** Good cards per hour from all lanes together, measured over the recent window. */
  readonly laneCardsPerHour: number;
  /** New applications per hour, measured over the same window. */
  readonly arrivalsPerHour: number;
  readonly now: Date;
}

export type BacklogForecast =
  | { readonly kind: 'clear'; readonly backlog: 0 }
  | {
      readonly kind: 'clears';
      readonly backlog: number;
      readonly hours: number;
      readonly at: string;
      readonly netPerHour: number;
    }
  | { readonly kind: 'grows'; readonly backlog: number; readonly netPerHour: number }
  | { readonly kind: 'no-throughput'; readonly backlog: number };

export function forecastBacklog(inputs: BacklogInputs): BacklogForecast {
  const { backlog, laneCardsPerHour, arrivalsPerHour, now } = inputs;
  if (backlog <= 0) return { kind: 'clear', backlog: 0 };
  if (laneCardsPerHour <= 0) return { kind: 'no-throughput', backlog };
  const net = laneCardsPerHour - arrivalsPerHour;
  if (net <= 0) return { kind: 'grows', backlog, netPerHour: net };
  const hours = backlog / net;
  return {
    kind: 'clears',
    backlog,
    hours,
    at: new Date(now.getTime() + hours * 3_600_000).toISOString(),
    netPerHour: net,
  };
}

export interface PeakWhatIf {
  readonly demand: Demand;
  /** Good cards a lane makes in an operating day at its measured rate. */
  readonly cardsPerLaneDay: number;
  readonly lanesNeeded: number;
  readonly lanesNow: number;
  readonly shortfall: number;
}

/**
 * What the peaks (the 2031-2032 renewal peak above all) would need at the lanes' measured per-lane rate,
 * over the reference operating plan (hours a day and availability; spoils are already in the measured rate).
 */
export function peakWhatIf(
  perLaneCardsPerHour: number,
  lanesNow: number,
  demands: readonly Demand[] = PEAK_DEMANDS,
  plan = REFERENCE_PLAN,
): PeakWhatIf[] | undefined {
  if (!(perLaneCardsPerHour > 0)) return undefined;
  const cardsPerLaneDay = perLaneCardsPerHour * plan.hoursPerDay * plan.availability;
  return demands.map((demand) => {
    const lanesNeeded = Math.ceil(demand.cardsPerDay / cardsPerLaneDay);
    return { demand, cardsPerLaneDay, lanesNeeded, lanesNow, shortfall: Math.max(0, lanesNeeded - lanesNow) };
  });
}
