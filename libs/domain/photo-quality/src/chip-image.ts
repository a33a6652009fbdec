import sharp from 'sharp';
import { CHIP, CHIP_EYE_MOUTH_PX, CHIP_EYES } from './chip-geometry';
import { eyeDistance, sampleAligned, type EyeFrame } from './geometry';
import type { RgbImage } from './image';

/** The largest chip image the card takes. */
export const CHIP_MAX_BYTES = 24_000;
/** Below this JPEG quality a person should look at the chip image before it is issued. */
export const CHIP_MIN_GOOD_QUALITY = 60;
/** The card-face print image: 35:45 like the paper photo, at the card printer's resolution. */
export const PRINT = { width: 700, height: 900, quality: 90 } as const;

export interface ProducedImage {
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  readonly quality: number;
}

/**
 * Renders the face upright (roll corrected), scaled and placed by the chip image's geometry, at the print
 * image's size: from a copy first reduced (lanczos3) to about that scale, so the bilinear resampling is
 * near 1:1 and neither aliases nor blurs.
 */
async function renderPrintSize(image: RgbImage, frame: EyeFrame, eyeMouth: number): Promise<Buffer> {
  const k = PRINT.width / CHIP.width;
  const unit = (CHIP_EYE_MOUTH_PX * k) / eyeMouth;
  let source = image;
  let sourceFrame = frame;
  const reduce = unit / eyeDistance(frame);
  if (reduce < 0.9) {
    const w = Math.max(1, Math.round(image.width * reduce));
    const h = Math.max(1, Math.round(image.height * reduce));
    const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    source = { width: w, height: h, data };
    const sx = w / image.width;
    const sy = h / image.height;
    sourceFrame = {
      origin: { x: frame.origin.x * sx, y: frame.origin.y * sy },
      axis: { x: frame.axis.x * sx, y: frame.axis.y * sy },
    };
  }
  return sampleAligned(source, sourceFrame, {
    width: PRINT.width,
    height: PRINT.height,
    unit,
    cx: CHIP_EYES.x * k,
    cy: CHIP_EYES.y * k,
  }).image.data;
}

const baseline = (quality: number) =>
  ({
    quality,
    progressive: false,
    chromaSubsampling: '4:2:0',
    optimiseCoding: true,
    mozjpeg: false,
  }) as const;

/**
 * Both images of an accepted photo, framed alike. The chip image: colour baseline JPEG 420×540, 4:2:0, no
 * metadata, at most 24,000 bytes, at the highest quality that fits (binary search). The print image: the
 * card face's 35:45 photo at 700×900.
 */
export async function makeCardImages(
  image: RgbImage,
  frame: EyeFrame,
  eyeMouth: number,
): Promise<{ chip: ProducedImage; print: ProducedImage }> {
  const rendered = await renderPrintSize(image, frame, eyeMouth);
  const raw = { raw: { width: PRINT.width, height: PRINT.height, channels: 3 as const } };
  const printBytes = await sharp(rendered, raw).jpeg(baseline(PRINT.quality)).toBuffer();
  const pixels = await sharp(rendered, raw)
    .resize(CHIP.width, CHIP.height, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const encode = (quality: number) =>
    sharp(pixels, { raw: { width: CHIP.width, height: CHIP.height, channels: 3 } })
      .jpeg(baseline(quality))
      .toBuffer();
  let low = 10;
  let high = 95;
  let best = await encode(low);
  let bestQuality = low;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const bytes = await encode(mid);
    if (bytes.length <= CHIP_MAX_BYTES) {
      best = bytes;
      bestQuality = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return {
    chip: { bytes: best, width: CHIP.width, height: CHIP.height, quality: bestQuality },
    print: { bytes: printBytes, width: PRINT.width, height: PRINT.height, quality: PRINT.quality },
  };
}

export interface JpegInspection {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly baseline: boolean;
  readonly subsampling: string;
  /** APPn (other than the JFIF APP0 header) and COM segments: EXIF, ICC, XMP, comments. */
  readonly metadataSegments: readonly string[];
  readonly bytes: number;
}

/** Reads a JPEG's segment headers (no decoding): what the chip image's format rules are checked against. */
export function inspectJpeg(bytes: Buffer): JpegInspection {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  let offset = 2;
  let frame:
    { width: number; height: number; components: number; baseline: boolean; subsampling: string } | undefined;
  const metadataSegments: string[] = [];
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new Error(`expected a marker at byte ${offset}`);
    const marker = bytes[offset + 1]!;
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or entropy-coded data follows
    const length = bytes.readUInt16BE(offset + 2);
    const body = bytes.subarray(offset + 4, offset + 2 + length);
    if (marker >= 0xe0 && marker <= 0xef) {
      const isJfif = marker === 0xe0 && body.subarray(0, 5).toString('latin1') === 'JFIF\0';
      if (!isJfif) metadataSegments.push(`APP${marker - 0xe0}`);
    } else if (marker === 0xfe) {
      metadataSegments.push('COM');
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const components = body[5]!;
      const factors = Array.from({ length: components }, (_, c) => body[6 + c * 3 + 1]!);
      const y = factors[0] ?? 0x11;
      const subsampling =
        components === 3 && factors[1] === 0x11 && factors[2] === 0x11
          ? y === 0x22
            ? '4:2:0'
            : y === 0x21
              ? '4:2:2'
              : y === 0x11
                ? '4:4:4'
                : 'other'
          : 'other';
      frame = {
        height: body.readUInt16BE(1),
        width: body.readUInt16BE(3),
        components,
        baseline: marker === 0xc0 && body[0] === 8,
        subsampling,
      };
    }
    offset += 2 + length;
  }
  if (!frame) throw new Error('no frame header (SOFn) found');
  return { ...frame, metadataSegments, bytes: bytes.length };
}

/** Problems of a chip image against its format rules; empty when it complies. */
export function chipImageProblems(bytes: Buffer): string[] {
  let info: JpegInspection;
  try {
    info = inspectJpeg(bytes);
  } catch (error) {
    return [error instanceof Error ? error.message : 'unreadable JPEG'];
  }
  const problems: string[] = [];
  if (info.width !== CHIP.width || info.height !== CHIP.height)
    problems.push(`size ${info.width}×${info.height}`);
  if (info.components !== 3) problems.push(`${info.components} components (24-bit colour needs 3)`);
  if (!info.baseline) problems.push('not baseline 8-bit');
  if (info.subsampling !== '4:2:0') problems.push(`chroma subsampling ${info.subsampling}`);
  if (info.metadataSegments.length > 0) problems.push(`metadata ${info.metadataSegments.join(', ')}`);
  if (info.bytes > CHIP_MAX_BYTES) problems.push(`${info.bytes} bytes`);
  return problems;
}
