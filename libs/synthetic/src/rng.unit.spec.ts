import { mulberry32, pick, randomDigits, randomInt, rngFrom } from './rng';

describe('mulberry32', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('is pinned: a change would silently change every fixture built on it', () => {
    expect(mulberry32(1)()).toBeCloseTo(0.6270739405881613, 15);
  });

  it('stays in [0, 1) and differs between seeds', () => {
    const rng = mulberry32(7);
    const draws = Array.from({ length: 10_000 }, rng);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });
});

describe('helpers', () => {
  it('draw integers over the whole inclusive range', () => {
    const rng = mulberry32(3);
    const seen = new Set(Array.from({ length: 1000 }, () => randomInt(rng, 1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('pick from a list, refuse an empty one, and make digit strings', () => {
    const rng = mulberry32(3);
    expect(['a', 'b']).toContain(pick(rng, ['a', 'b']));
    expect(() => pick(rng, [])).toThrow(RangeError);
    expect(randomDigits(rng, 11)).toMatch(/^\d{11}$/);
  });

  it('accept a seed or an existing generator', () => {
    const rng = mulberry32(5);
    expect(rngFrom(rng)).toBe(rng);
    expect(rngFrom(5)()).toBe(mulberry32(5)());
  });
});
