import {
  capacityVerdict,
  goodCardsPerLaneHour,
  lanesNeeded,
  PEAK_DEMANDS,
  REFERENCE_LANE,
  REFERENCE_PLAN,
  type LaneDeviceTimes,
  type StageThroughput,
} from '@mnc/domain-capacity';
import { lanesBench } from './lanes';
import type { BenchSection, SectionResult } from './section';

/** Time scale of the simulation: device times divided by this, figures multiplied back. */
const SCALE = 10;
/** APDUs of one next-gen card, personalisation and QA (bench/card.ts, docs/lanes-encoding.md). */
const APDUS_PER_CARD = 130;

/** The end-to-end software throughput the pipeline section measured on the full stack, if it ran. */
function measuredPipeline(earlier: Readonly<Record<string, SectionResult>>): StageThroughput[] {
  const runs = (earlier['pipeline']?.figures as { runs?: { mode: string; throughput: number }[] } | undefined)
    ?.runs;
  const full = runs?.filter((r) => r.mode === 'full-stack').map((r) => r.throughput) ?? [];
  if (full.length === 0) return [];
  const sorted = [...full].sort((a, b) => a - b);
  return [
    {
      stage: 'full stack software (2 cores, 2 lanes)',
      applicationsPerSecond: sorted[Math.floor(sorted.length / 2)],
    },
  ];
}

/**
 * The capacity model (libs/domain/capacity) for the 2016 peak and the 2031-2032 renewal peak, checked by a
 * time-scaled run of a real lane: the reference device times divided by SCALE, the lane's cards per hour
 * multiplied back, against the model's figure for the same sequential lane.
 */
export function capacitySection(): BenchSection {
  return {
    name: 'capacity',
    title: 'Capacity: lanes for the peaks, checked by a time-scaled lane',
    run: async (earlier) => {
      const stages = measuredPipeline(earlier);
      const verdicts = PEAK_DEMANDS.map((demand) =>
        capacityVerdict(demand, REFERENCE_LANE, REFERENCE_PLAN, stages),
      );
      const sequential: LaneDeviceTimes = { ...REFERENCE_LANE, arrangement: 'sequential' };
      const simulated = await lanesBench({
        cards: 30,
        printSeconds: REFERENCE_LANE.printSeconds / SCALE,
        encodeMsPerApdu: (REFERENCE_LANE.encodeSeconds * 1000) / SCALE / APDUS_PER_CARD,
      });
      const simulatedPerHour = simulated.cardsPerHour / SCALE;
      const modelPerHour = goodCardsPerLaneHour(sequential, 0);
      const figures = {
        plan: REFERENCE_PLAN,
        referenceLane: REFERENCE_LANE,
        verdicts,
        simulation: {
          scale: SCALE,
          apdusPerCard: APDUS_PER_CARD,
          cardsPerHourRealTime: Math.round(simulatedPerHour),
          modelCardsPerHourSequential: Math.round(modelPerHour),
          ratio: Number((simulatedPerHour / modelPerHour).toFixed(3)),
          softwareMsPerCard: simulated.softwareMsPerCard,
          utilisation: simulated.utilisation,
          lanesForPeaksAtSimulatedRate: PEAK_DEMANDS.map((demand) => ({
            demand: demand.name,
            lanes: lanesNeeded(
              demand,
              { printSeconds: 3600 / simulatedPerHour, encodeSeconds: 0, handlingSeconds: 0 },
              REFERENCE_PLAN,
            ),
          })),
        },
      };
      return {
        figures,
        markdown: [
          `Reference lane: ${REFERENCE_LANE.printSeconds} s print, ${REFERENCE_LANE.encodeSeconds} s encode, ${REFERENCE_LANE.handlingSeconds} s handling, printer and encoder pipelined (1,000 cards an hour); ${REFERENCE_PLAN.hoursPerDay} h a day, ${REFERENCE_PLAN.availability * 100} % available, ${REFERENCE_PLAN.spoilRate * 100} % spoiled.`,
          '',
          '| demand | cards a day | lanes | bottleneck | its ceiling (cards a day) | load on it |',
          '| --- | ---: | ---: | --- | ---: | ---: |',
          ...verdicts.map(
            (v) =>
              `| ${v.demand.name} | ${v.demand.cardsPerDay} | ${v.lanes} | ${v.bottleneck.stage} | ${Math.round(v.bottleneck.cardsPerDay)} | ${(v.utilisation * 100).toFixed(0)} % |`,
          ),
          '',
          `Simulation: one real lane (BullMQ, Postgres, the CA, keys generated on the in-process virtual card, QA) with the reference device times divided by ${SCALE}, run sequentially as this project's lanes are (print, then encode). It made ${figures.simulation.cardsPerHourRealTime} cards an hour in real-time terms against the model's ${figures.simulation.modelCardsPerHourSequential} for a sequential lane (ratio ${figures.simulation.ratio}); the simulated lane has no hand-over time (0.4 s in the model) but adds its software time (${simulated.softwareMsPerCard} ms a card, not scaled). At the simulated rate the peaks need ${figures.simulation.lanesForPeaksAtSimulatedRate.map((l) => `${l.lanes} lanes (${l.demand})`).join(' and ')}; a pipelined machine needs the model's figures above.`,
          ...(stages.length === 0
            ? ['', 'The software ceiling is left out: the pipeline section did not run in this invocation.']
            : []),
        ],
        chart: [
          { label: 'simulated lane cards/hour (real time)', value: figures.simulation.cardsPerHourRealTime },
        ],
      };
    },
  };
}
