import {
  capacityVerdict,
  CapacityInputError,
  goodCardsPerLaneDay,
  goodCardsPerLaneHour,
  laneCycleSeconds,
  lanesNeeded,
  PEAK_DEMANDS,
  REFERENCE_LANE,
  REFERENCE_PLAN,
} from './capacity';

describe('the lane capacity model', () => {
  it('takes the slowest device plus handling as the lane cycle', () => {
    expect(laneCycleSeconds({ printSeconds: 3.2, encodeSeconds: 3.0, handlingSeconds: 0.4 })).toBeCloseTo(
      3.6,
    );
    expect(laneCycleSeconds({ printSeconds: 1, encodeSeconds: 5, handlingSeconds: 0 })).toBe(5);
    expect(
      laneCycleSeconds({
        printSeconds: 1,
        encodeSeconds: 5,
        handlingSeconds: 0.5,
        arrangement: 'sequential',
      }),
    ).toBe(6.5);
  });

  it('gives the reference lane 1,000 cycles an hour, less the spoiled cards', () => {
    expect(goodCardsPerLaneHour(REFERENCE_LANE, 0)).toBeCloseTo(1000);
    expect(goodCardsPerLaneHour(REFERENCE_LANE, 0.02)).toBeCloseTo(980);
    expect(goodCardsPerLaneDay(REFERENCE_LANE, REFERENCE_PLAN)).toBeCloseTo(980 * 16 * 0.9);
  });

  it('needs 8 reference lanes for the 2016 peak and 15 for the renewal peak', () => {
    const [peak2016, renewal] = PEAK_DEMANDS;
    expect(lanesNeeded(peak2016, REFERENCE_LANE, REFERENCE_PLAN)).toBe(8);
    expect(renewal.cardsPerDay).toBe(201_049);
    expect(lanesNeeded(renewal, REFERENCE_LANE, REFERENCE_PLAN)).toBe(15);
  });

  it('rounds lanes up: one card over a lane-day needs another lane', () => {
    const perLane = goodCardsPerLaneDay(REFERENCE_LANE, REFERENCE_PLAN);
    const demand = (cardsPerDay: number) => ({ name: 'x', cardsPerDay, basis: 'test' });
    expect(lanesNeeded(demand(perLane), REFERENCE_LANE, REFERENCE_PLAN)).toBe(1);
    expect(lanesNeeded(demand(perLane + 1), REFERENCE_LANE, REFERENCE_PLAN)).toBe(2);
  });

  it('names the bottleneck: the lanes, or a software stage slower than them', () => {
    const demand = PEAK_DEMANDS[0];
    const fast = capacityVerdict(demand, REFERENCE_LANE, REFERENCE_PLAN, [
      { stage: 'photo-screening', applicationsPerSecond: 80 },
    ]);
    expect(fast.lanes).toBe(8);
    expect(fast.bottleneck.stage).toBe('lanes (8)');
    expect(fast.utilisation).toBeLessThanOrEqual(1);

    const slow = capacityVerdict(demand, REFERENCE_LANE, REFERENCE_PLAN, [
      { stage: 'photo-screening', applicationsPerSecond: 1 },
    ]);
    expect(slow.bottleneck).toEqual({ stage: 'photo-screening', cardsPerDay: 3600 * 16 });
    expect(slow.utilisation).toBeGreaterThan(1);
  });

  it('refuses inputs that make no sense', () => {
    expect(() => laneCycleSeconds({ printSeconds: 0, encodeSeconds: 0, handlingSeconds: 1 })).toThrow(
      CapacityInputError,
    );
    expect(() => goodCardsPerLaneHour(REFERENCE_LANE, 1)).toThrow(CapacityInputError);
    expect(() => goodCardsPerLaneDay(REFERENCE_LANE, { ...REFERENCE_PLAN, hoursPerDay: 25 })).toThrow(
      CapacityInputError,
    );
    expect(() =>
      lanesNeeded({ name: 'none', cardsPerDay: 0, basis: 'test' }, REFERENCE_LANE, REFERENCE_PLAN),
    ).toThrow(CapacityInputError);
  });
});
