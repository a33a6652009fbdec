import { LaneStats } from './lane-stats';

describe('LaneStats', () => {
  it('given cards back to back, then utilisation is busy time over the window', () => {
    const stats = new LaneStats(60_000, 0);
    stats.cardStarted(0);
    stats.cardFinished(900, 'encoded');
    stats.cardStarted(1000);
    stats.cardFinished(1900, 'encoded');
    expect(stats.figures(2000).utilisation).toBeCloseTo(0.9);
  });

  it('counts a card in progress up to now', () => {
    const stats = new LaneStats(60_000, 0);
    stats.cardStarted(500);
    expect(stats.figures(1000).utilisation).toBeCloseTo(0.5);
  });

  it('leaves paused time out of the available time', () => {
    const stats = new LaneStats(60_000, 0);
    stats.cardStarted(0);
    stats.cardFinished(1000, 'encoded');
    stats.unavailableFrom(1000);
    stats.availableFrom(9000);
    expect(stats.figures(10_000).utilisation).toBeCloseTo(0.5);
  });

  it('computes cards per hour from good cards only, and the spoil rate from all finished attempts', () => {
    const stats = new LaneStats(3_600_000, 0);
    for (let i = 0; i < 3; i++) stats.cardFinished(i * 1000, 'encoded');
    stats.cardFinished(4000, 'spoiled');
    const figures = stats.figures(1_800_000);
    expect(figures.cardsPerHour).toBeCloseTo(6);
    expect(figures.spoilRate).toBeCloseTo(0.25);
    expect(figures).toMatchObject({ encoded: 3, spoiled: 1 });
  });

  it('forgets what is older than the window', () => {
    const stats = new LaneStats(10_000, 0);
    stats.cardStarted(0);
    stats.cardFinished(1000, 'spoiled');
    const figures = stats.figures(20_000);
    expect(figures).toMatchObject({ utilisation: 0, spoilRate: 0, spoiled: 0, windowSeconds: 10 });
  });

  it('given no time at all, then every figure is zero rather than NaN', () => {
    expect(new LaneStats(10_000, 5).figures(5)).toMatchObject({
      utilisation: 0,
      cardsPerHour: 0,
      spoilRate: 0,
    });
  });
});
