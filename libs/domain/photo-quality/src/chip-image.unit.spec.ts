import sharp, { type JpegOptions } from 'sharp';
import { CHIP_MAX_BYTES, chipImageProblems, inspectJpeg, makeCardImages } from './chip-image';
import type { EyeFrame } from './geometry';
import type { RgbImage } from './image';

const chipSized = (options: JpegOptions = {}) =>
  sharp({ create: { width: 420, height: 540, channels: 3, background: '#c8b4a0' } }).jpeg({
    quality: 80,
    chromaSubsampling: '4:2:0',
    ...options,
  });

describe('inspectJpeg and the chip image format rules', () => {
  it('given a baseline 4:2:0 JPEG of 420×540 without metadata, then no problems', async () => {
    const bytes = await chipSized().toBuffer();
    expect(inspectJpeg(bytes)).toMatchObject({
      width: 420,
      height: 540,
      components: 3,
      baseline: true,
      subsampling: '4:2:0',
    });
    expect(chipImageProblems(bytes)).toEqual([]);
  });

  it('given a progressive JPEG, then "not baseline"', async () => {
    expect(chipImageProblems(await chipSized({ progressive: true }).toBuffer())).toContain(
      'not baseline 8-bit',
    );
  });

  it('given EXIF metadata, then the APP1 segment is named', async () => {
    const bytes = await chipSized().withMetadata({ orientation: 1 }).toBuffer();
    expect(chipImageProblems(bytes).join()).toMatch(/metadata .*APP1/);
  });

  it('given 4:4:4 chroma, a wrong size or a greyscale image, then each is named', async () => {
    expect(chipImageProblems(await chipSized({ chromaSubsampling: '4:4:4' }).toBuffer())).toContain(
      'chroma subsampling 4:4:4',
    );
    const small = await sharp({ create: { width: 400, height: 540, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    expect(chipImageProblems(small)).toContain('size 400×540');
    const grey = await chipSized().toColourspace('b-w').toBuffer();
    expect(chipImageProblems(grey).join()).toMatch(/1 components/);
  });

  it('given bytes that are not a JPEG, then a problem, not an exception', () => {
    expect(chipImageProblems(Buffer.from('PNG?'))).toEqual(['not a JPEG (no SOI marker)']);
  });
});

describe('makeCardImages', () => {
  /** Noise: the hardest content to compress, so the size limit must bite. */
  function noise(width: number, height: number): RgbImage {
    const data = Buffer.alloc(width * height * 3);
    let x = 12345;
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      data[i] = x >> 23;
    }
    return { width, height, data };
  }
  const frame: EyeFrame = { origin: { x: 300, y: 360 }, axis: { x: 120, y: 12 } };

  it('given a noisy photo, then the chip image still complies, at a lower quality, and the print image is 700×900', async () => {
    const images = await makeCardImages(noise(600, 800), frame, 1.1);
    expect(chipImageProblems(images.chip.bytes)).toEqual([]);
    expect(images.chip.bytes.length).toBeLessThanOrEqual(CHIP_MAX_BYTES);
    expect(images.chip.quality).toBeLessThan(60);
    expect(inspectJpeg(images.print.bytes)).toMatchObject({
      width: 700,
      height: 900,
      baseline: true,
      metadataSegments: [],
    });
  });

  it('puts the eyes at the fixed point with the roll corrected', async () => {
    // Two dark dots as eyes on a light photo, the eye line tilted by about 6°.
    const image: RgbImage = { width: 600, height: 800, data: Buffer.alloc(600 * 800 * 3, 230) };
    const dot = (cx: number, cy: number) => {
      for (let y = cy - 6; y <= cy + 6; y++)
        for (let x = cx - 6; x <= cx + 6; x++) image.data.fill(20, (y * 600 + x) * 3, (y * 600 + x) * 3 + 3);
    };
    dot(240, 354);
    dot(360, 366);
    const { chip } = await makeCardImages(image, frame, 1.1);
    const { data } = await sharp(chip.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[y * 420 + x]!;
    // Eye midpoint at (210, 227); eyes level, about 114 px apart (125 px eye-to-mouth / 1.1).
    expect(at(210 - 57, 227)).toBeLessThan(100);
    expect(at(210 + 57, 227)).toBeLessThan(100);
    expect(at(210, 227)).toBeGreaterThan(180);
  });
});
