import sharp from 'sharp';
/** A rejected field (same shape as the submission's field errors). */
export interface PhotoFieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/**
 * Decoding stops above this many pixels: a few-kilobyte PNG can declare 20000×20000 pixels and take
 * gigabytes to decode. The card's photo is 540×420; 25 megapixels leaves room for any camera.
 */
export const MAX_PHOTO_PIXELS = 25_000_000;

export type PhotoMediaType = 'image/jpeg' | 'image/png';

/** Tells the image type from its first bytes: the declared type and the file name are not trusted. */
export function sniffImageType(bytes: Buffer): PhotoMediaType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  return undefined;
}

export interface CheckedPhoto {
  readonly mediaType: PhotoMediaType;
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

function photoError(field: string, code: string, message: string): PhotoFieldError {
  return { field, code, message: `${field} ${message}` };
}

/**
 * Size, content type from the magic bytes, then a full decode under the pixel limit, so a truncated or
 * corrupt file, or a decompression bomb, is refused here and not by a later stage.
 */
export async function checkPhoto(
  bytes: Buffer,
  declaredType: string | undefined,
  field = 'photo',
): Promise<{ ok: true; photo: CheckedPhoto } | { ok: false; error: PhotoFieldError }> {
  if (bytes.length === 0) return { ok: false, error: photoError(field, 'REQUIRED', 'is required') };
  if (bytes.length > MAX_PHOTO_BYTES) {
    return {
      ok: false,
      error: photoError(field, 'PHOTO_TOO_LARGE', `must be at most ${MAX_PHOTO_BYTES} bytes`),
    };
  }
  const sniffed = sniffImageType(bytes);
  if (!sniffed) {
    return {
      ok: false,
      error: photoError(field, 'PHOTO_TYPE', 'must be a JPEG or PNG file (checked from its content)'),
    };
  }
  if (declaredType !== undefined && declaredType !== 'application/octet-stream' && declaredType !== sniffed) {
    return {
      ok: false,
      error: photoError(field, 'PHOTO_TYPE_MISMATCH', 'does not match the declared media type'),
    };
  }
  let width: number | undefined;
  let height: number | undefined;
  try {
    // The header first: its dimensions decide before any pixel is decoded.
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    return { ok: false, error: undecodable(field) };
  }
  if (!width || !height) return { ok: false, error: undecodable(field) };
  if (width * height > MAX_PHOTO_PIXELS) {
    return {
      ok: false,
      error: photoError(field, 'PHOTO_TOO_MANY_PIXELS', `must have at most ${MAX_PHOTO_PIXELS} pixels`),
    };
  }
  try {
    // stats() decodes every pixel; failOn 'truncated' refuses files cut short.
    await sharp(bytes, {
      limitInputPixels: MAX_PHOTO_PIXELS,
      failOn: 'truncated',
      sequentialRead: true,
    }).stats();
  } catch {
    return { ok: false, error: undecodable(field) };
  }
  return { ok: true, photo: { mediaType: sniffed, bytes, width, height } };
}

function undecodable(field: string): PhotoFieldError {
  return photoError(field, 'PHOTO_UNDECODABLE', 'cannot be decoded as an image');
}
