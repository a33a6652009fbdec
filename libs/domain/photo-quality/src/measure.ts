import { band, THRESHOLDS, type CheckResult } from './checks';
import type { FaceDetection, Point } from './detector';
import {
  eyeDistance,
  eyeFrame,
  fromEyeUnits,
  rollDegrees,
  sampleAligned,
  toEyeUnits,
  type EyeFrame,
} from './geometry';
import { luma, type RgbImage } from './image';

/** The aligned face view: eyes 64 px apart, eye midpoint at (96, 100). */
const ALIGNED = { width: 192, height: 256, unit: 64, cx: 96, cy: 100 } as const;
/** Chin-to-crown height in units of the eye-to-mouth distance (adults and the synthetic faces both ≈3.2). */
export const HEAD_HEIGHT_PER_EYE_MOUTH = 3.2;

export interface FaceMeasurements {
  readonly frame: EyeFrame;
  /** Eye midpoint to mouth, in eye units. */
  readonly eyeMouth: number;
  readonly checks: readonly CheckResult[];
}

/**
 * Every quality check for the chosen face. `scale` turns working pixels into source pixels (resolution is
 * judged on what the applicant sent). Pure: no model, no I/O.
 */
export function measureFace(
  image: RgbImage,
  scale: number,
  face: FaceDetection,
  others: { secondFaceRatio: number; agreement: number | null },
): FaceMeasurements {
  const frame = eyeFrame(face.landmarks);
  const ied = eyeDistance(frame);
  const nose = toEyeUnits(frame, face.landmarks.noseTip);
  const mouth = toEyeUnits(frame, face.landmarks.mouth);
  const rightEar = toEyeUnits(frame, face.landmarks.rightEar);
  const leftEar = toEyeUnits(frame, face.landmarks.leftEar);
  const eyeMouth = Math.max(mouth.y, 0.3);

  // Yaw, two estimates averaged (BlazeFace's ear points are rough under hair): the nose tip sits about half
  // an eye distance in front of the eyes and moves sideways with the turn; and it moves towards one ear.
  const toRight = nose.x - rightEar.x;
  const toLeft = leftEar.x - nose.x;
  const yawByNose = (Math.asin(Math.max(-1, Math.min(1, nose.x / 0.55))) * 180) / Math.PI;
  const yawByEars =
    toRight + toLeft > 0.2
      ? (Math.atan((toRight - toLeft) / (toRight + toLeft) / 0.9) * 180) / Math.PI
      : yawByNose;
  const yaw = (yawByNose + yawByEars) / 2;
  // Pitch: the nose tip's height between eye line and mouth moves as the head nods.
  const noseShare = nose.y / eyeMouth;
  const pitch = (Math.asin(Math.max(-1, Math.min(1, (NOSE_SHARE_LEVEL - noseShare) / 0.45))) * 180) / Math.PI;

  const aligned = sampleAligned(image, frame, ALIGNED).image;
  const mouthPx = { x: ALIGNED.cx + mouth.x * ALIGNED.unit, y: ALIGNED.cy + mouth.y * ALIGNED.unit };
  const stats = faceStats(aligned, mouthPx);
  const eyes = eyeStats(aligned, stats.skin);
  const mouthOpen = mouthStats(aligned, mouthPx, stats.skin);

  const framing = headOutsideShare(image, frame, eyeMouth);
  const headHeightRatio = (HEAD_HEIGHT_PER_EYE_MOUTH * eyeMouth * ied) / image.height;

  const sharpness = band('sharpness', stats.sharpness, THRESHOLDS.sharpness);
  const brightness = band('brightness', stats.mean, THRESHOLDS.brightness);
  const overExposure = band('overExposure', stats.clippedShare, THRESHOLDS.overExposure);
  let eyesOpen = band('eyesOpen', eyes.openness, THRESHOLDS.eyesOpen);
  // In a blurred, dark or washed-out face the iris is not measurable: a person judges the eyes then.
  if (eyesOpen.band === 'red' && [sharpness, brightness, overExposure].some((c) => c.band !== 'green')) {
    eyesOpen = {
      check: eyesOpen.check,
      value: eyesOpen.value,
      unit: eyesOpen.unit,
      band: 'amber',
      review: 'BORDERLINE_QUALITY',
    };
  }
  const checks: CheckResult[] = [
    band('faceCount', others.secondFaceRatio, THRESHOLDS.secondFace),
    band('detectorAgreement', others.agreement, THRESHOLDS.detectorAgreement),
    band('resolution', ied * scale, THRESHOLDS.resolution),
    band('yaw', yaw, THRESHOLDS.yaw),
    band('pitch', pitch, THRESHOLDS.pitch),
    band('roll', rollDegrees(frame), THRESHOLDS.roll),
    band('framing', framing, THRESHOLDS.framing),
    band('headSize', headHeightRatio, THRESHOLDS.headSize),
    eyesOpen,
    band('mouthClosed', mouthOpen, THRESHOLDS.mouthClosed),
    brightness,
    band('underExposure', stats.darkShare, THRESHOLDS.underExposure),
    overExposure,
    band('contrast', stats.entropy, THRESHOLDS.contrast),
    sharpness,
    band('colour', stats.chroma, THRESHOLDS.colour),
    band('skinColour', stats.chroma < THRESHOLDS.colour.redBelow ? null : stats.hue, THRESHOLDS.skinColour),
    band('background', backgroundBusyness(image, frame, eyeMouth), THRESHOLDS.background),
    band('glare', eyes.glare, THRESHOLDS.glare),
    band('shadows', stats.shadow, THRESHOLDS.shadows),
  ];
  return { frame, eyeMouth, checks };
}

/** Where the nose tip sits between eye line (0) and mouth (1) in a level, frontal face. */
export const NOSE_SHARE_LEVEL = 0.55;

interface FaceStats {
  mean: number;
  darkShare: number;
  clippedShare: number;
  entropy: number;
  sharpness: number;
  chroma: number;
  hue: number;
  skin: number;
  shadow: number;
}

function faceStats(aligned: RgbImage, mouth: Point): FaceStats {
  const { width, data } = aligned;
  // Inner face: an ellipse from the brows to below the mouth, about the width of the outer eye corners.
  const cy = (ALIGNED.cy - 16 + mouth.y + 14) / 2;
  const ry = (mouth.y + 14 - (ALIGNED.cy - 16)) / 2;
  const rx = 56;
  const histogram = new Float64Array(256);
  let n = 0;
  let sum = 0;
  let dark = 0;
  let clipped = 0;
  let chroma = 0;
  let r = 0;
  let g = 0;
  let b = 0;
  let laplacian = 0;
  let lapN = 0;
  const L = (x: number, y: number) => luma(data, (y * width + x) * 3);
  for (let y = Math.max(1, Math.floor(cy - ry)); y < Math.min(aligned.height - 1, cy + ry); y++) {
    for (let x = Math.max(1, Math.floor(ALIGNED.cx - rx)); x < Math.min(width - 1, ALIGNED.cx + rx); x++) {
      if (((x - ALIGNED.cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
      const i = (y * width + x) * 3;
      const l = luma(data, i);
      histogram[Math.round(l)]!++;
      n++;
      sum += l;
      if (l <= 25) dark++;
      if (l >= 247) clipped++;
      r += data[i]!;
      g += data[i + 1]!;
      b += data[i + 2]!;
      chroma +=
        Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
      laplacian += Math.abs(4 * l - L(x - 1, y) - L(x + 1, y) - L(x, y - 1) - L(x, y + 1));
      lapN++;
    }
  }
  let entropy = 0;
  for (const count of histogram) if (count > 0) entropy -= (count / n) * Math.log2(count / n);
  const [, a, bb] = labOf(r / n, g / n, b / n);
  const cheekY = Math.round((ALIGNED.cy + mouth.y) / 2);
  const rightCheek = meanLuma(aligned, ALIGNED.cx - 36, cheekY, 9);
  const leftCheek = meanLuma(aligned, ALIGNED.cx + 36, cheekY, 9);
  return {
    mean: sum / n,
    darkShare: dark / n,
    clippedShare: clipped / n,
    entropy,
    sharpness: laplacian / lapN,
    chroma: chroma / n,
    hue: (Math.atan2(bb, a) * 180) / Math.PI,
    skin: (rightCheek + leftCheek) / 2,
    shadow: Math.abs(rightCheek - leftCheek) / Math.max(rightCheek, leftCheek, 1),
  };
}

function meanLuma(image: RgbImage, cx: number, cy: number, radius: number): number {
  let sum = 0;
  let n = 0;
  for (let y = cy - radius; y <= cy + radius; y++) {
    for (let x = cx - radius; x <= cx + radius; x++) {
      if (x < 0 || y < 0 || x >= image.width || y >= image.height) continue;
      sum += luma(image.data, (y * image.width + x) * 3);
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Iris and pupil are much darker than the cheeks; a closed lid is skin with one dark lash line. */
function eyeStats(aligned: RgbImage, skin: number): { openness: number; glare: number } {
  let dark = 0;
  let inner = 0;
  let glare = 0;
  let ring = 0;
  for (const ex of [ALIGNED.cx - 32, ALIGNED.cx + 32]) {
    for (let y = ALIGNED.cy - 14; y <= ALIGNED.cy + 14; y++) {
      for (let x = ex - 24; x <= ex + 24; x++) {
        const i = (y * aligned.width + x) * 3;
        const l = luma(aligned.data, i);
        const e = ((x - ex) / 16) ** 2 + ((y - ALIGNED.cy) / 7) ** 2;
        if (e <= 1) {
          inner++;
          if (l < 0.5 * skin) dark++;
        } else if (((x - ex) / 19) ** 2 + ((y - ALIGNED.cy) / 10) ** 2 > 1) {
          ring++;
          const spread =
            Math.max(aligned.data[i]!, aligned.data[i + 1]!, aligned.data[i + 2]!) -
            Math.min(aligned.data[i]!, aligned.data[i + 1]!, aligned.data[i + 2]!);
          if (l >= 245 && spread < 25) glare++;
        }
      }
    }
  }
  return { openness: dark / inner, glare: glare / ring };
}

/** Open mouth: a dark gap; a broad smile: bright teeth. */
function mouthStats(aligned: RgbImage, mouth: Point, skin: number): number {
  let odd = 0;
  let n = 0;
  const cx = Math.round(mouth.x);
  const cy = Math.round(mouth.y);
  for (let y = cy - 8; y <= cy + 8; y++) {
    for (let x = cx - 20; x <= cx + 20; x++) {
      if (x < 0 || y < 0 || x >= aligned.width || y >= aligned.height) continue;
      const i = (y * aligned.width + x) * 3;
      const l = luma(aligned.data, i);
      const spread =
        Math.max(aligned.data[i]!, aligned.data[i + 1]!, aligned.data[i + 2]!) -
        Math.min(aligned.data[i]!, aligned.data[i + 1]!, aligned.data[i + 2]!);
      if (l < 0.42 * skin || (l > 1.15 * skin && spread < 30)) odd++;
      n++;
    }
  }
  return n > 0 ? odd / n : 0;
}

/**
 * Mean absolute luma gradient beside and above the head, on a grid of about 120 px across: a plain wall
 * (even a softly lit one) stays near 1, a room, a shelf or a pattern goes far above.
 */
function backgroundBusyness(image: RgbImage, frame: EyeFrame, eyeMouth: number): number | null {
  const step = Math.max(1, Math.round(image.width / 120));
  let sum = 0;
  let n = 0;
  const L = (x: number, y: number) => luma(image.data, (y * image.width + x) * 3);
  for (let y = 0; y + step < image.height; y += step) {
    for (let x = 0; x + step < image.width; x += step) {
      const p = toEyeUnits(frame, { x, y });
      // Outside the head (an ellipse generous enough for hair) and above the chin (below it: shoulders).
      if (p.y > 1.3 * eyeMouth) continue;
      const cy = -0.35 * eyeMouth;
      if ((p.x / 1.85) ** 2 + ((p.y - cy) / (2.15 * eyeMouth)) ** 2 <= 1) continue;
      sum += Math.abs(L(x + step, y) - L(x, y)) + Math.abs(L(x, y + step) - L(x, y));
      n++;
    }
  }
  return n >= 60 ? sum / n : null;
}

/**
 * Share of the head (an ellipse from crown to chin, about as wide as the ears) that lies outside the photo:
 * a head cut by the frame edge cannot become a chip image.
 */
function headOutsideShare(image: RgbImage, frame: EyeFrame, eyeMouth: number): number {
  let outside = 0;
  let n = 0;
  const top = -1.7 * eyeMouth;
  const bottom = 1.6 * eyeMouth;
  const cy = (top + bottom) / 2;
  const ry = (bottom - top) / 2;
  for (let j = 0; j <= 40; j++) {
    for (let i = 0; i <= 40; i++) {
      const p = { x: -1.3 + (2.6 * i) / 40, y: top + ((bottom - top) * j) / 40 };
      if ((p.x / 1.3) ** 2 + ((p.y - cy) / ry) ** 2 > 1) continue;
      const q = fromEyeUnits(frame, p);
      n++;
      if (q.x < 0 || q.y < 0 || q.x > image.width || q.y > image.height) outside++;
    }
  }
  return outside / n;
}

/** sRGB (0-255) to CIELAB (D65). */
export function labOf(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}
