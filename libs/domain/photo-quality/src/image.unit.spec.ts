import sharp from 'sharp';
import { loadPhoto, MAX_INPUT_PIXELS, WORKING_MAX_HEIGHT } from './image';

const canvas = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({
    create: {
      width,
      height,
      channels,
      background: channels === 4 ? { r: 200, g: 190, b: 180, alpha: 0.5 } : '#d0c8c0',
    },
  });

describe('loadPhoto: every bad file gets a reason, never a crash', () => {
  it('given a JPEG, then it decodes to RGB at its size', async () => {
    const result = await loadPhoto(await canvas(480, 600).jpeg().toBuffer());
    expect(result).toMatchObject({ ok: true, scale: 1, source: { width: 480, height: 600, format: 'jpeg' } });
    if (result.ok) expect(result.image.data.length).toBe(480 * 600 * 3);
  });

  it('given a truncated JPEG, then UNREADABLE_IMAGE', async () => {
    const jpeg = await canvas(480, 600).jpeg().toBuffer();
    await expect(loadPhoto(jpeg.subarray(0, jpeg.length >> 1))).resolves.toMatchObject({
      ok: false,
      code: 'UNREADABLE_IMAGE',
    });
  });

  it('given bytes that are no image, then UNREADABLE_IMAGE', async () => {
    await expect(loadPhoto(Buffer.from('not an image at all'))).resolves.toMatchObject({
      ok: false,
      code: 'UNREADABLE_IMAGE',
    });
  });

  it('given a small file with huge dimensions (a decompression bomb), then IMAGE_TOO_LARGE before decoding', async () => {
    const bomb = await canvas(7000, 7000).png({ compressionLevel: 9 }).toBuffer();
    expect(7000 * 7000).toBeGreaterThan(MAX_INPUT_PIXELS);
    await expect(loadPhoto(bomb)).resolves.toMatchObject({ ok: false, code: 'IMAGE_TOO_LARGE' });
  });

  it('given a CMYK JPEG, then UNSUPPORTED_COLOUR_MODE', async () => {
    const cmyk = await canvas(480, 600).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    await expect(loadPhoto(cmyk)).resolves.toMatchObject({ ok: false, code: 'UNSUPPORTED_COLOUR_MODE' });
  });

  it('given a PNG with transparent pixels, then TRANSPARENT_IMAGE', async () => {
    const png = await canvas(480, 600, 4).png().toBuffer();
    await expect(loadPhoto(png)).resolves.toMatchObject({ ok: false, code: 'TRANSPARENT_IMAGE' });
  });

  it('given a PNG with an alpha channel that is fully opaque, then it decodes', async () => {
    const png = await canvas(480, 600).ensureAlpha(1).png().toBuffer();
    expect((await sharp(png).metadata()).hasAlpha).toBe(true);
    await expect(loadPhoto(png)).resolves.toMatchObject({ ok: true, source: { width: 480, height: 600 } });
  });

  it('given a JPEG stored sideways with EXIF orientation 6, then it is turned upright', async () => {
    const jpeg = await canvas(800, 600).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await loadPhoto(jpeg);
    expect(result).toMatchObject({ ok: true, source: { width: 600, height: 800, orientation: 6 } });
    if (result.ok) expect([result.image.width, result.image.height]).toEqual([600, 800]);
  });

  it('given a very tall photo, then the checks get a reduced copy and the scale back to source pixels', async () => {
    const result = await loadPhoto(await canvas(1500, 2000).jpeg().toBuffer());
    expect(result.ok && [result.image.height, result.scale]).toEqual([WORKING_MAX_HEIGHT, 2]);
  });
});
