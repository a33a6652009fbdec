import { forecastBacklog, peakWhatIf } from './forecast';

const NOW = new Date('2026-04-01T00:00:00Z');

describe('capacity forecast', () => {
  it('given lanes faster than arrivals, then the backlog clears at backlog / net rate', () => {
    const f = forecastBacklog({ backlog: 1000, laneCardsPerHour: 600, arrivalsPerHour: 100, now: NOW });
    expect(f).toEqual({
      kind: 'clears',
      backlog: 1000,
      hours: 2,
      at: '2026-04-01T02:00:00.000Z',
      netPerHour: 500,
    });
  });

  it('given arrivals at or above lane output, then the backlog grows', () => {
    expect(forecastBacklog({ backlog: 10, laneCardsPerHour: 100, arrivalsPerHour: 150, now: NOW })).toEqual({
      kind: 'grows',
      backlog: 10,
      netPerHour: -50,
    });
  });

  it('given no backlog or no lane output, then it says so instead of dividing by zero', () => {
    expect(forecastBacklog({ backlog: 0, laneCardsPerHour: 0, arrivalsPerHour: 0, now: NOW }).kind).toBe(
      'clear',
    );
    expect(forecastBacklog({ backlog: 5, laneCardsPerHour: 0, arrivalsPerHour: 0, now: NOW }).kind).toBe(
      'no-throughput',
    );
  });

  it('given a measured per-lane rate, then the renewal peak needs demand / (rate × hours × availability) lanes', () => {
    const demand = { name: 'peak', cardsPerDay: 100_000, basis: 'test' };
    const plan = { hoursPerDay: 10, availability: 0.5, spoilRate: 0 };
    const [what] = peakWhatIf(1000, 4, [demand], plan)!;
    expect(what.cardsPerLaneDay).toBe(5000);
    expect(what.lanesNeeded).toBe(20);
    expect(what.shortfall).toBe(16);
    expect(peakWhatIf(0, 2)).toBeUndefined();
  });
});
