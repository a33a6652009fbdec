import sharp from 'sharp';
import type { DecodedPhoto } from './screening-rules';

/** Pixels above which a file is refused before decoding: a decompression bomb never reaches memory. */
export const MAX_INPUT_PIXELS = 40_000_000;

export class UndecodablePhotoError extends Error {
  override readonly name = 'UndecodablePhotoError';
}

/**
 * Decodes every pixel (not just the header), so a truncated or corrupt file is caught here. Width and height
 * are as the photo is shown: a JPEG's EXIF orientation is applied (a phone's portrait is often stored sideways).
 */
export async function decodePhoto(bytes: Buffer): Promise<DecodedPhoto> {
  try {
    const { info } = await sharp(bytes, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'error',
      autoOrient: true,
    })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    return { width: info.width, height: info.height, format: metadata.format ?? 'unknown' };
  } catch (error) {
    throw new UndecodablePhotoError(error instanceof Error ? error.message : 'undecodable image');
  }
}
