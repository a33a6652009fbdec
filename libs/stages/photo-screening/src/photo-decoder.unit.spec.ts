import sharp from 'sharp';
import { decodePhoto, MAX_INPUT_PIXELS, UndecodablePhotoError } from './photo-decoder';

const canvas = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#d0c8c0' } });

describe('decodePhoto', () => {
  it('given a JPEG, then its size and format are reported', async () => {
    const jpeg = await canvas(480, 600).jpeg().toBuffer();
    await expect(decodePhoto(jpeg)).resolves.toEqual({ width: 480, height: 600, format: 'jpeg' });
  });

  it('given a PNG, then its size and format are reported', async () => {
    const png = await canvas(421, 541).png().toBuffer();
    await expect(decodePhoto(png)).resolves.toEqual({ width: 421, height: 541, format: 'png' });
  });

  it('given a JPEG stored sideways with EXIF orientation 6, then the size is as shown (turned)', async () => {
    const jpeg = await canvas(540, 420).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    await expect(decodePhoto(jpeg)).resolves.toMatchObject({ width: 420, height: 540 });
  });

  it('given a truncated JPEG, then UndecodablePhotoError', async () => {
    const jpeg = await canvas(480, 600).jpeg().toBuffer();
    await expect(decodePhoto(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toBeInstanceOf(
      UndecodablePhotoError,
    );
  });

  it('given a truncated PNG, then UndecodablePhotoError', async () => {
    const png = await canvas(480, 600).png().toBuffer();
    await expect(decodePhoto(png.subarray(0, png.length - 20))).rejects.toBeInstanceOf(UndecodablePhotoError);
  });

  it('given bytes that are no image, then UndecodablePhotoError', async () => {
    await expect(decodePhoto(Buffer.from('not an image'))).rejects.toBeInstanceOf(UndecodablePhotoError);
  });

  it('given a tiny file whose image is above MAX_INPUT_PIXELS (a decompression bomb), then UndecodablePhotoError from the pixel limit', async () => {
    const side = 7000;
    expect(side * side).toBeGreaterThan(MAX_INPUT_PIXELS);
    const bomb = await canvas(side, side).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const error = await decodePhoto(bomb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndecodablePhotoError);
    expect((error as Error).message).toMatch(/pixel limit/);
  });
});
