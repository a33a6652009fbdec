import sharp from 'sharp';
import { syntheticPortrait } from './portrait';

describe('syntheticPortrait', () => {
  it('is a 600×800 colour JPEG by default', async () => {
    const portrait = await syntheticPortrait(1);
    const metadata = await sharp(portrait.bytes).metadata();
    expect(portrait.mediaType).toBe('image/jpeg');
    expect({
      format: metadata.format,
      width: metadata.width,
      height: metadata.height,
      channels: metadata.channels,
    }).toEqual({ format: 'jpeg', width: 600, height: 800, channels: 3 });
    expect(portrait).toMatchObject({ width: 600, height: 800 });
  });

  it('is byte-identical for the same seed and differs between seeds', async () => {
    const [a, b, c] = await Promise.all([syntheticPortrait(7), syntheticPortrait(7), syntheticPortrait(8)]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('has a plain light background and a skin-toned face where a face should be', async () => {
    const { data, info } = await sharp((await syntheticPortrait(3)).bytes)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => {
      const offset = (y * info.width + x) * info.channels;
      return [data[offset], data[offset + 1], data[offset + 2]] as [number, number, number];
    };
    // Background corner: light and grey-ish.
    const [r, g, b] = pixel(10, 10);
    expect(Math.min(r, g, b)).toBeGreaterThan(220);
    // Cheek: skin, red above green above blue.
    const [cr, cg, cb] = pixel(200, 470);
    expect(cr).toBeGreaterThan(cg);
    expect(cg).toBeGreaterThan(cb);
    // Pupil: dark.
    const pupil = pixel(300 - 62, 362);
    expect(Math.max(...pupil)).toBeLessThan(110);
  });

  it('makes other sizes for bad-photo variants', async () => {
    const portrait = await syntheticPortrait(1, { width: 120, height: 160 });
    const metadata = await sharp(portrait.bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([120, 160]);
  });

  it('takes well under 50 ms each once warm (median of 9)', async () => {
    await syntheticPortrait(0);
    const durations: number[] = [];
    for (let seed = 1; seed <= 9; seed += 1) {
      const started = performance.now();
      await syntheticPortrait(seed);
      durations.push(performance.now() - started);
    }
    expect(durations.sort((a, b) => a - b)[4]).toBeLessThan(50);
  });
});
