import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LaneFigures } from './lane-stats';
import { LANE_PRIORITIES, type QueueCounts } from './queue/lane-queue';

export interface LaneMetricsSource {
  readonly lane: string;
  readonly pool: string;
  state(): string;
  figures(): LaneFigures;
  queueCounts(): Promise<QueueCounts>;
}

export type LaneStep = 'guard' | 'load' | 'render' | 'print' | 'encode' | 'record';

export const LANE_STATES = ['running', 'pausing', 'paused', 'draining', 'faulted', 'stopped'] as const;

/**
 * The lane figures on the process's Prometheus endpoint. Gauges are read from the lanes when scraped, so
 * they are never stale; one set of instruments per registry, shared by every lane the process hosts.
 */
export class LaneMetrics {
  private static readonly byRegistry = new WeakMap<Registry, LaneMetrics>();
  private readonly sources = new Set<LaneMetricsSource>();
  readonly cards: Counter<'lane' | 'outcome'>;
  readonly cardSeconds: Histogram<'lane' | 'outcome'>;
  readonly stepSeconds: Histogram<'lane' | 'step'>;

  static for(registry: Registry): LaneMetrics {
    let metrics = LaneMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new LaneMetrics(registry);
      LaneMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const sources = this.sources;
    const gauge = (name: string, help: string, read: (s: LaneMetricsSource, f: LaneFigures) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['lane'],
        registers: [registry],
        collect() {
          this.reset();
          for (const source of sources) this.set({ lane: source.lane }, read(source, source.figures()));
        },
      });
    gauge(
      'mnc_lane_utilisation',
      'Share of available time a lane spent on cards (sliding window).',
      (_s, f) => f.utilisation,
    );
    gauge('mnc_lane_cards_per_hour', 'Good cards per hour (sliding window).', (_s, f) => f.cardsPerHour);
    gauge(
      'mnc_lane_spoil_rate',
      'Spoiled attempts over finished attempts (sliding window).',
      (_s, f) => f.spoilRate,
    );
    new Gauge({
      name: 'mnc_lane_state',
      help: 'The state a lane is in (1) and those it is not in (0).',
      labelNames: ['lane', 'state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const source of sources) {
          for (const state of LANE_STATES)
            this.set({ lane: source.lane, state }, source.state() === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'mnc_lane_queue_depth',
      help: 'Jobs waiting in a lane pool queue, by priority.',
      labelNames: ['pool', 'priority'],
      registers: [registry],
      async collect() {
        this.reset();
        const pools = new Map<string, LaneMetricsSource>();
        for (const source of sources) pools.set(source.pool, source);
        for (const [pool, source] of pools) {
          const counts = await source.queueCounts().catch(() => undefined);
          if (!counts) continue;
          for (const priority of LANE_PRIORITIES) this.set({ pool, priority }, counts.waiting[priority]);
        }
      },
    });
    this.cards = new Counter({
      name: 'mnc_lane_cards_total',
      help: 'Card attempts finished by a lane, by outcome.',
      labelNames: ['lane', 'outcome'],
      registers: [registry],
    });
    this.cardSeconds = new Histogram({
      name: 'mnc_lane_card_seconds',
      help: 'Time a lane spent on one card attempt, device time included.',
      labelNames: ['lane', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers: [registry],
    });
    this.stepSeconds = new Histogram({
      name: 'mnc_lane_step_seconds',
      help: 'Time of each step of a card attempt; print and encode include the device.',
      labelNames: ['lane', 'step'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** Times one step of a card (load, render, print, encode, record) into mnc_lane_step_seconds. */
  async step<T>(lane: string, step: LaneStep, work: () => Promise<T>): Promise<T> {
    const end = this.stepSeconds.startTimer({ lane, step });
    try {
      return await work();
    } finally {
      end();
    }
  }

  register(source: LaneMetricsSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }
}
