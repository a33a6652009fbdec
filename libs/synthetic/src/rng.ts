/** A source of uniform numbers in [0, 1). Everything synthetic draws from one, so a seed fixes the whole output. */
export type Rng = () => number;

/**
 * mulberry32: a tiny 32-bit PRNG, plenty for test data (never for keys or secrets). Same seed, same sequence,
 * on every platform.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFrom(seedOrRng: number | Rng): Rng {
  return typeof seedOrRng === 'function' ? seedOrRng : mulberry32(seedOrRng);
}

/** Uniform integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('cannot pick from an empty list');
  return items[Math.floor(rng() * items.length)] as T;
}

export function randomDigits(rng: Rng, count: number): string {
  let digits = '';
  for (let i = 0; i < count; i += 1) digits += String(Math.floor(rng() * 10));
  return digits;
}
