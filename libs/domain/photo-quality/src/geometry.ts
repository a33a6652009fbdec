import type { FaceLandmarks, Point } from './detector';
import type { RgbImage } from './image';

/**
 * A similarity transform that puts the eyes level, a fixed distance apart, at a fixed point: the frame in
 * which every face measurement and the chip image are taken, so thresholds do not depend on photo size,
 * distance to the camera or head roll.
 */
export interface EyeFrame {
  /** Eye midpoint in image pixels. */
  readonly origin: Point;
  /** Right eye → left eye, in image pixels (points right for an upright face). */
  readonly axis: Point;
}

export function eyeFrame(landmarks: FaceLandmarks): EyeFrame {
  const { rightEye, leftEye } = landmarks;
  return {
    origin: { x: (rightEye.x + leftEye.x) / 2, y: (rightEye.y + leftEye.y) / 2 },
    axis: { x: leftEye.x - rightEye.x, y: leftEye.y - rightEye.y },
  };
}

export const eyeDistance = (frame: EyeFrame) => Math.hypot(frame.axis.x, frame.axis.y);

/** Roll in degrees: positive when the eye on the image's right sits lower (the head leans clockwise). */
export const rollDegrees = (frame: EyeFrame) => (Math.atan2(frame.axis.y, frame.axis.x) * 180) / Math.PI;

/** A point in eye units: x along the eye line (eyes at ±0.5), y down the face (the eye line is 0). */
export function toEyeUnits(frame: EyeFrame, p: Point): Point {
  const d2 = frame.axis.x ** 2 + frame.axis.y ** 2;
  const dx = p.x - frame.origin.x;
  const dy = p.y - frame.origin.y;
  return {
    x: (dx * frame.axis.x + dy * frame.axis.y) / d2,
    y: (-dx * frame.axis.y + dy * frame.axis.x) / d2,
  };
}

export function fromEyeUnits(frame: EyeFrame, p: Point): Point {
  return {
    x: frame.origin.x + p.x * frame.axis.x - p.y * frame.axis.y,
    y: frame.origin.y + p.x * frame.axis.y + p.y * frame.axis.x,
  };
}

/**
 * Samples an upright, eye-aligned view of the image: output pixel (u, v) shows eye-unit point
 * ((u - cx) / unit, (v - cy) / unit). Bilinear; outside the photo it repeats the nearest edge pixel and
 * reports the share of samples that fell outside.
 */
export function sampleAligned(
  image: RgbImage,
  frame: EyeFrame,
  out: { width: number; height: number; unit: number; cx: number; cy: number },
): { image: RgbImage; outsideShare: number } {
  const data = Buffer.alloc(out.width * out.height * 3);
  const { width: w, height: h, data: src } = image;
  // The source position moves by a constant step per output pixel: walk it rather than transform each one.
  const stepX = frame.axis.x / out.unit;
  const stepY = frame.axis.y / out.unit;
  let outside = 0;
  let o = 0;
  for (let v = 0; v < out.height; v++) {
    const row = fromEyeUnits(frame, { x: (0.5 - out.cx) / out.unit, y: (v + 0.5 - out.cy) / out.unit });
    let px = row.x - 0.5;
    let py = row.y - 0.5;
    for (let u = 0; u < out.width; u++, px += stepX, py += stepY) {
      if (px < -0.5 || py < -0.5 || px > w - 0.5 || py > h - 0.5) outside++;
      const x = px < 0 ? 0 : px > w - 1 ? w - 1 : px;
      const y = py < 0 ? 0 : py > h - 1 ? h - 1 : py;
      const x0 = x | 0;
      const y0 = y | 0;
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const fx = x - x0;
      const fy = y - y0;
      const i00 = (y0 * w + x0) * 3;
      const i10 = (y0 * w + x1) * 3;
      const i01 = (y1 * w + x0) * 3;
      const i11 = (y1 * w + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c]! + (src[i10 + c]! - src[i00 + c]!) * fx;
        const bottom = src[i01 + c]! + (src[i11 + c]! - src[i01 + c]!) * fx;
        data[o++] = (top + (bottom - top) * fy + 0.5) | 0;
      }
    }
  }
  return {
    image: { width: out.width, height: out.height, data },
    outsideShare: outside / (out.width * out.height),
  };
}
