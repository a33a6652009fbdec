import sharp, { type Metadata } from 'sharp';
import type { RejectionCode } from './reasons';

/** Pixels above which a file is refused before decoding: a decompression bomb never reaches memory. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** The checks run on a copy no taller than this; measurements in source pixels are scaled back. */
export const WORKING_MAX_HEIGHT = 1000;

/** Interleaved 8-bit RGB, row-major, top row first. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

export interface LoadedPhoto {
  readonly ok: true;
  /** The decoded photo as shown (EXIF orientation applied), at most WORKING_MAX_HEIGHT tall. */
  readonly image: RgbImage;
  /** Source pixels per working pixel (1 when the photo was not reduced). */
  readonly scale: number;
  readonly source: {
    readonly width: number;
    readonly height: number;
    readonly format: string;
    /** EXIF orientation the file carried (1 or absent: stored upright). */
    readonly orientation: number;
  };
}

export interface UnloadablePhoto {
  readonly ok: false;
  readonly code: Extract<
    RejectionCode,
    'UNREADABLE_IMAGE' | 'IMAGE_TOO_LARGE' | 'UNSUPPORTED_COLOUR_MODE' | 'TRANSPARENT_IMAGE'
  >;
  /** For the operator, never for the applicant: the decoder's complaint. */
  readonly detail: string;
}

/**
 * Decodes every pixel (a truncated file fails here, not later), applies the EXIF orientation, refuses CMYK
 * and real transparency with their own reasons, and reduces very large photos to a working copy.
 */
export async function loadPhoto(bytes: Buffer): Promise<LoadedPhoto | UnloadablePhoto> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    return { ok: false, code: 'UNREADABLE_IMAGE', detail: describe(error) };
  }
  const storedWidth = metadata.width ?? 0;
  const storedHeight = metadata.height ?? 0;
  if (storedWidth * storedHeight > MAX_INPUT_PIXELS) {
    return { ok: false, code: 'IMAGE_TOO_LARGE', detail: `${storedWidth}×${storedHeight}` };
  }
  if (metadata.space === 'cmyk' || (metadata.format === 'jpeg' && metadata.channels === 4)) {
    return { ok: false, code: 'UNSUPPORTED_COLOUR_MODE', detail: metadata.space ?? 'cmyk' };
  }
  try {
    const input = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', autoOrient: true });
    if (metadata.hasAlpha) {
      const stats = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).stats();
      const alphaMin = stats.channels[stats.channels.length - 1]!.min;
      if (alphaMin < 255) return { ok: false, code: 'TRANSPARENT_IMAGE', detail: `alpha min ${alphaMin}` };
    }
    const orientation = metadata.orientation ?? 1;
    const turned = orientation >= 5;
    const width = turned ? storedHeight : storedWidth;
    const height = turned ? storedWidth : storedHeight;
    const pipeline = input.removeAlpha().toColourspace('srgb');
    if (height > WORKING_MAX_HEIGHT) pipeline.resize({ height: WORKING_MAX_HEIGHT, kernel: 'lanczos3' });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      return { ok: false, code: 'UNREADABLE_IMAGE', detail: `${info.channels} channels after decoding` };
    }
    return {
      ok: true,
      image: { width: info.width, height: info.height, data },
      scale: height / info.height,
      source: { width, height, format: metadata.format ?? 'unknown', orientation },
    };
  } catch (error) {
    return { ok: false, code: 'UNREADABLE_IMAGE', detail: describe(error) };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'undecodable image';
}

/** Rec. 601 luma of one pixel. */
export function luma(data: Buffer | Uint8Array, offset: number): number {
  return 0.299 * data[offset]! + 0.587 * data[offset + 1]! + 0.114 * data[offset + 2]!;
}
