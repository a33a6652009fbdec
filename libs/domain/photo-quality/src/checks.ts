import type { RejectionCode, ReviewCode } from './reasons';

export type Band = 'green' | 'amber' | 'red';

export const CHECK_NAMES = [
  'face',
  'faceCount',
  'detectorAgreement',
  'resolution',
  'yaw',
  'pitch',
  'roll',
  'framing',
  'headSize',
  'eyesOpen',
  'mouthClosed',
  'brightness',
  'underExposure',
  'overExposure',
  'contrast',
  'sharpness',
  'colour',
  'skinColour',
  'background',
  'glare',
  'shadows',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckResult {
  readonly check: CheckName;
  readonly band: Band;
  /** The measured value (null when it could not be measured: then the band is amber). */
  readonly value: number | null;
  readonly unit: string;
  /** Red: the reason the applicant reads. */
  readonly rejection?: RejectionCode;
  /** Amber: why a person looks at it. */
  readonly review?: ReviewCode;
}

/**
 * Bands of one measurement. Green between amberBelow and amberAbove; amber out to redBelow / redAbove; red
 * beyond. A check that may never reject (personOnly) is amber wherever it would be red.
 */
export interface BandSpec {
  readonly unit: string;
  readonly redBelow?: number;
  readonly amberBelow?: number;
  readonly amberAbove?: number;
  readonly redAbove?: number;
  /** Reason when red below / above the green band. */
  readonly low?: RejectionCode;
  readonly high?: RejectionCode;
  /** Review reason when amber (default BORDERLINE_QUALITY). */
  readonly review?: ReviewCode;
  readonly personOnly?: boolean;
}

/**
 * The thresholds, chosen on the calibration set (docs/photo-screening.md has its confusion table; the
 * calibration spec keeps them honest). Units: eye units are multiples of the distance between eye centres.
 */
export const THRESHOLDS = {
  /** Detector score of a face. */
  faceScore: { unit: 'score', redBelow: 0.5, amberBelow: 0.75, low: 'NO_FACE' },
  /** Share of the second-largest face's box area in the largest's. */
  secondFace: { unit: 'area ratio', amberAbove: 0.02, redAbove: 0.08, high: 'MULTIPLE_FACES' },
  /** Distance of the two detectors' eye positions, in eye units. */
  detectorAgreement: { unit: 'eye units', amberAbove: 0.25, review: 'MODEL_DISAGREEMENT', personOnly: true },
  /** Pixels between eye centres in the source photo (ICAO asks for about 90). */
  resolution: { unit: 'px', redBelow: 60, amberBelow: 90, low: 'LOW_RESOLUTION' },
  yaw: {
    unit: '°',
    redBelow: -30,
    amberBelow: -10,
    amberAbove: 10,
    redAbove: 30,
    low: 'NOT_FACING_CAMERA',
    high: 'NOT_FACING_CAMERA',
  },
  pitch: {
    unit: '°',
    redBelow: -30,
    amberBelow: -18,
    amberAbove: 18,
    redAbove: 30,
    low: 'NOT_FACING_CAMERA',
    high: 'NOT_FACING_CAMERA',
  },
  /** The chip image corrects roll; a strongly tilted head is still retaken. */
  roll: {
    unit: '°',
    redBelow: -16,
    amberBelow: -8,
    amberAbove: 8,
    redAbove: 16,
    low: 'HEAD_TILTED',
    high: 'HEAD_TILTED',
  },
  /** Share of the head (crown to chin) outside the photo. */
  framing: { unit: 'share', amberAbove: 0.02, redAbove: 0.1, high: 'FACE_CUT_OFF' },
  /** Estimated chin-to-crown height over photo height (ICAO: 0.7-0.8 in a passport photo). */
  headSize: {
    unit: 'share',
    redBelow: 0.22,
    amberBelow: 0.4,
    amberAbove: 0.95,
    redAbove: 1.15,
    low: 'FACE_TOO_SMALL',
    high: 'FACE_TOO_LARGE',
  },
  /** Share of dark (iris, pupil) pixels in the eye patches. */
  eyesOpen: { unit: 'share', redBelow: 0.02, amberBelow: 0.06, low: 'EYES_CLOSED' },
  /** Share of dark or teeth-bright pixels in the mouth patch; expression goes to a person. */
  mouthClosed: { unit: 'share', amberAbove: 0.14, review: 'NON_NEUTRAL_EXPRESSION', personOnly: true },
  /** Mean face luma, 0-255. */
  brightness: {
    unit: 'luma',
    redBelow: 55,
    amberBelow: 85,
    amberAbove: 215,
    redAbove: 238,
    low: 'TOO_DARK',
    high: 'OVEREXPOSED',
  },
  /** Share of face pixels with luma ≤ 25 (OFIQ's under-exposure). */
  underExposure: { unit: 'share', amberAbove: 0.05, redAbove: 0.2, high: 'TOO_DARK' },
  /** Share of face pixels with luma ≥ 247 (OFIQ's over-exposure). */
  overExposure: { unit: 'share', amberAbove: 0.03, redAbove: 0.12, high: 'OVEREXPOSED' },
  /** Entropy of face luma in bits (OFIQ's dynamic range). */
  contrast: { unit: 'bits', redBelow: 3.5, amberBelow: 4.3, low: 'LOW_CONTRAST' },
  /** Gradient energy of the aligned face (mean absolute Laplacian over the face, luma units). */
  sharpness: { unit: 'mean |∇²L|', redBelow: 1.7, amberBelow: 2.4, low: 'BLURRY' },
  /** Mean chroma (max - min of R, G, B) over the face. */
  colour: { unit: 'chroma', redBelow: 4, amberBelow: 10, low: 'NOT_IN_COLOUR' },
  /** CIELAB hue angle of the mean face colour (natural skin is orange-ish, roughly 20°-85°). */
  skinColour: { unit: '° hue', amberBelow: 15, amberAbove: 90, personOnly: true },
  /** Mean absolute luma gradient of the background around the head. */
  background: { unit: 'mean |∇L|', amberAbove: 1.2, redAbove: 3, high: 'BACKGROUND_NOT_PLAIN' },
  /** Share of near-white pixels around the eyes (reflections in glasses). */
  glare: { unit: 'share', amberAbove: 0.05, review: 'GLASSES_GLARE', personOnly: true },
  /** Luma difference of the two cheeks over the brighter one. */
  shadows: { unit: 'ratio', amberAbove: 0.22, review: 'SHADOWS', personOnly: true },
} as const satisfies Record<string, BandSpec>;

export function band(check: CheckName, value: number | null, spec: BandSpec): CheckResult {
  const base = { check, value: value === null ? null : round(value), unit: spec.unit };
  const review = spec.review ?? 'BORDERLINE_QUALITY';
  if (value === null || !Number.isFinite(value)) return { ...base, value: null, band: 'amber', review };
  const redLow = spec.redBelow !== undefined && value < spec.redBelow;
  const redHigh = spec.redAbove !== undefined && value > spec.redAbove;
  if ((redLow || redHigh) && !spec.personOnly) {
    return { ...base, band: 'red', rejection: (redLow ? spec.low : spec.high)! };
  }
  const amber =
    redLow ||
    redHigh ||
    (spec.amberBelow !== undefined && value < spec.amberBelow) ||
    (spec.amberAbove !== undefined && value > spec.amberAbove);
  return amber ? { ...base, band: 'amber', review } : { ...base, band: 'green' };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
