/**
 * A lane's figures over a sliding window: utilisation (time spent on cards over time available, paused
 * time excluded), cards per hour and spoil rate. Pure: the clock is passed in, so it is tested without
 * waiting.
 */
export type CardOutcome = 'encoded' | 'spoiled';

interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface LaneFigures {
  /** Busy time over available time in the window, 0..1; 0 when the lane was not available at all. */
  readonly utilisation: number;
  readonly cardsPerHour: number;
  /** Spoiled attempts over all finished attempts in the window, 0..1; 0 without any. */
  readonly spoilRate: number;
  readonly encoded: number;
  readonly spoiled: number;
  readonly windowSeconds: number;
}

export class LaneStats {
  private readonly busy: Interval[] = [];
  private readonly unavailable: Interval[] = [];
  private readonly outcomes: { at: number; outcome: CardOutcome }[] = [];
  private busySince: number | undefined;
  private unavailableSince: number | undefined;

  /**
   * @param windowMs how far back the figures look.
   * @param startedAt when the lane came up; the window never reaches before it.
   */
  constructor(
    private readonly windowMs: number,
    private readonly startedAt: number,
  ) {}

  cardStarted(now: number): void {
    this.busySince ??= now;
  }

  cardFinished(now: number, outcome: CardOutcome | undefined): void {
    if (this.busySince !== undefined) this.busy.push({ start: this.busySince, end: now });
    this.busySince = undefined;
    if (outcome) this.outcomes.push({ at: now, outcome });
    this.prune(now);
  }

  /** Paused or faulted: time the lane could not take cards does not count against its utilisation. */
  unavailableFrom(now: number): void {
    this.unavailableSince ??= now;
  }

  availableFrom(now: number): void {
    if (this.unavailableSince !== undefined)
      this.unavailable.push({ start: this.unavailableSince, end: now });
    this.unavailableSince = undefined;
  }

  figures(now: number): LaneFigures {
    this.prune(now);
    const from = Math.max(this.startedAt, now - this.windowMs);
    const window = Math.max(0, now - from);
    const overlap = (intervals: Interval[], open: number | undefined) =>
      [...intervals, ...(open !== undefined ? [{ start: open, end: now }] : [])].reduce(
        (sum, i) => sum + Math.max(0, Math.min(i.end, now) - Math.max(i.start, from)),
        0,
      );
    const available = window - overlap(this.unavailable, this.unavailableSince);
    const busy = overlap(this.busy, this.busySince);
    const recent = this.outcomes.filter((o) => o.at >= from);
    const encoded = recent.filter((o) => o.outcome === 'encoded').length;
    const spoiled = recent.length - encoded;
    return {
      utilisation: available > 0 ? Math.min(1, busy / available) : 0,
      cardsPerHour: window > 0 ? (encoded * 3_600_000) / window : 0,
      spoilRate: recent.length > 0 ? spoiled / recent.length : 0,
      encoded,
      spoiled,
      windowSeconds: window / 1000,
    };
  }

  private prune(now: number): void {
    const horizon = now - this.windowMs;
    const dropBefore = <T>(list: T[], end: (item: T) => number) => {
      while (list.length > 0 && end(list[0]) < horizon) list.shift();
    };
    dropBefore(this.busy, (i) => i.end);
    dropBefore(this.unavailable, (i) => i.end);
    dropBefore(this.outcomes, (o) => o.at);
  }
}
